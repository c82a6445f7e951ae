/* suggest: the searcher's "did you mean" (suggest.h). */
#include "searcher/suggest.h"

#include <stdlib.h>
#include <string.h>

static int push(struct suggestions *s, const char *word, char *sug, int rare, uint64_t wf,
                uint64_t sf)
{
    struct suggestion *v = realloc(s->v, (s->n + 1) * sizeof *v);

    if (v == NULL) {
        free(sug);
        return -1;
    }
    s->v = v;
    v[s->n++] = (struct suggestion){word, sug, rare, wf, sf};
    return 0;
}

int suggest_collect(trawl_index *ix, const trawl_results *r, struct suggestions *out)
{
    for (size_t i = 0; i < trawl_results_unknown_count(r); i++) {
        const char *word = trawl_results_unknown(r, i);
        char *sug = NULL;
        if (trawl_suggest(ix, word, &sug, NULL) != TRAWL_OK || sug[0] == '\0')
            free(sug);
        else if (push(out, word, sug, 0, 0, 0) != 0)
            return -1;
    }
    for (size_t i = 0; i < trawl_results_known_count(r); i++) {
        const char *word = trawl_results_known(r, i);
        uint64_t wf, sf;
        char *sug = NULL;
        if (trawl_suggest_rare(ix, word, &sug, &wf, &sf, NULL) != TRAWL_OK || sug[0] == '\0')
            free(sug);
        else if (push(out, word, sug, 1, wf, sf) != 0)
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

/* A byte that can be part of a word: ASCII letters and digits, and any byte of a multi-byte
 * UTF-8 character (conservative: "café" is not cut after "caf"). */
static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80 || c == '\'';
}

static int same_ascii_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

/* The suggestion for the word at q[0..n), or NULL. */
static const char *replacement(const char *q, size_t n, const struct suggestions *s)
{
    for (size_t k = 0; k < s->n; k++)
        if (strlen(s->v[k].word) == n && same_ascii_ci(q, s->v[k].word, n))
            return s->v[k].sug;
    return NULL;
}

char *suggest_rewrite(const char *query, const struct suggestions *s)
{
    size_t len = strlen(query), cap = len + 1, o = 0;
    int replaced = 0;
    char *out;

    for (size_t k = 0; k < s->n; k++)
        cap += strlen(s->v[k].sug) * (len / 2 + 1); /* at most len/2 + 1 words */
    if ((out = malloc(cap)) == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        const char *rep;
        if (!word_byte((unsigned char)query[i])) {
            out[o++] = query[i++];
            continue;
        }
        while (j < len && word_byte((unsigned char)query[j]))
            j++;
        /* A field's name (source:, date:) and its value are left as they are. */
        if ((j < len && query[j] == ':') || (i > 0 && query[i - 1] == ':') ||
            (rep = replacement(query + i, j - i, s)) == NULL) {
            memcpy(out + o, query + i, j - i);
            o += j - i;
        } else {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
            replaced = 1;
        }
        i = j;
    }
    out[o] = '\0';
    if (!replaced) {
        free(out);
        return NULL;
    }
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
