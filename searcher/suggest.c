/* suggest: the searcher's "did you mean" (suggest.h). */
#include "searcher/suggest.h"

#include <stdlib.h>
#include <string.h>

static int push(struct suggestions *s, const char *word, char *sug, int rare, uint64_t wf,
                uint64_t sf, size_t i)
{
    struct suggestion *v = realloc(s->v, (s->n + 1) * sizeof *v);

    if (v == NULL) {
        free(sug);
        return -1;
    }
    s->v = v;
    v[s->n++] = (struct suggestion){word, sug, rare, wf, sf, i};
    return 0;
}

int suggest_collect(trawl_index *ix, const trawl_results *r, struct suggestions *out)
{
    for (size_t i = 0; i < trawl_results_unknown_count(r); i++) {
        const char *word = trawl_results_unknown(r, i);
        char *sug = NULL;
        if (trawl_suggest(ix, word, &sug, NULL) != TRAWL_OK || sug[0] == '\0')
            free(sug);
        else if (push(out, word, sug, 0, 0, 0, i) != 0)
            return -1;
    }
    for (size_t i = 0; i < trawl_results_known_count(r); i++) {
        const char *word = trawl_results_known(r, i);
        uint64_t wf, sf;
        char *sug = NULL;
        if (trawl_suggest_rare(ix, word, &sug, &wf, &sf, NULL) != TRAWL_OK || sug[0] == '\0')
            free(sug);
        else if (push(out, word, sug, 1, wf, sf, i) != 0)
            return -1;
    }
    return 0;
}

void suggest_release(struct suggestions *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].sug);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* One replacement: query[start..end) becomes sug. */
struct edit {
    size_t start, end;
    const char *sug;
};

static int by_start(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

char *suggest_rewrite(const char *query, const trawl_results *r, const struct suggestions *s)
{
    size_t len = strlen(query), cap = len + 1, ne = 0, o = 0, at = 0;
    int replaced = 0;
    struct edit *e = NULL;
    char *out = NULL;

    for (size_t k = 0; k < s->n; k++) {
        size_t start, end;
        for (size_t j = 0;; j++) {
            struct edit *v;
            int found = s->v[k].rare ? trawl_results_known_span(r, s->v[k].i, j, &start, &end)
                                     : trawl_results_unknown_span(r, s->v[k].i, j, &start, &end);
            if (!found)
                break;
            if ((v = realloc(e, (ne + 1) * sizeof *e)) == NULL)
                goto out;
            e = v;
            e[ne++] = (struct edit){start, end, s->v[k].sug};
            cap += strlen(s->v[k].sug);
        }
    }
    if (ne == 0 || (out = malloc(cap)) == NULL)
        goto out;
    qsort(e, ne, sizeof *e, by_start);
    for (size_t k = 0; k < ne; k++) {
        size_t n = strlen(e[k].sug);
        if (e[k].start < at || e[k].end > len || e[k].start > e[k].end)
            continue; /* not a span of this query: leave the text as it is */
        memcpy(out + o, query + at, e[k].start - at);
        o += e[k].start - at;
        memcpy(out + o, e[k].sug, n);
        o += n;
        at = e[k].end;
        replaced = 1;
    }
    memcpy(out + o, query + at, len - at);
    o += len - at;
    out[o] = '\0';
    if (!replaced) {
        free(out);
        out = NULL;
    }
out:
    free(e);
    return out;
}

static void put_shell_word(FILE *f, const char *w)
{
    /* Bare when the shell takes it as it is. */
    if (*w != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789_./-=:,+@%") == strlen(w)) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (; *w; w++) {
        if (*w == '\'')
            fputs("'\\''", f);
        else
            fputc(*w, f);
    }
    fputc('\'', f);
}

void suggest_print_command(FILE *f, const char *db, const char *query)
{
    const char *env = getenv("TRAWL_DB");
    const char *dflt = env && *env ? env : TRAWL_DEFAULT_PATH;

    fputs("trawl-search ", f);
    if (strcmp(db, dflt) != 0) {
        fputs("--db ", f);
        put_shell_word(f, db);
        fputc(' ', f);
    }
    if (query[0] == '-')
        fputs("-- ", f);
    put_shell_word(f, query);
}
