/* answers: passages judged by their content, as answer_mrr.py judges them (see answers.h). */
#include "searcher/answers.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "searcher/measures.h"

/* ---- Answers ---------------------------------------------------------------------------- */

/* Python's _PyUnicode_IsCaseIgnorable: Mn, Me, Cf, Lm, Sk, and the Word_Break classes
 * MidLetter, MidNumLet and Single_Quote. */
static int case_ignorable(utf8proc_int32_t c)
{
    static const utf8proc_int32_t mid[] = {
        '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
        0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A,
    };
    utf8proc_category_t k = utf8proc_category(c);

    if (k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
        k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK)
        return 1;
    for (size_t i = 0; i < sizeof mid / sizeof *mid; i++)
        if (mid[i] == c)
            return 1;
    return 0;
}

/* Python's _PyUnicode_IsCased (Lowercase, Uppercase or Lt), as utf8proc can tell it. */
static int cased(utf8proc_int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);

    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
           k == UTF8PROC_CATEGORY_LT || utf8proc_islower(c) || utf8proc_isupper(c);
}

/* The code point before byte offset at (-1 at the start), and where it starts. */
static utf8proc_int32_t cp_before(const char *s, size_t *at)
{
    size_t p = *at;
    utf8proc_int32_t c = -1;

    if (p == 0)
        return -1;
    do
        p--;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80 && *at - p < 4);
    utf8proc_iterate((const utf8proc_uint8_t *)s + p, (utf8proc_ssize_t)(*at - p), &c);
    *at = p;
    return c;
}

/* CPython's handle_capital_sigma: U+03A3 at s[i..next) is final (ς) when a cased letter comes
 * before it and none after it, case-ignorable characters skipped both ways. */
static int final_sigma(const char *s, size_t len, size_t i, size_t next)
{
    utf8proc_int32_t c = -1;
    size_t at = i;
    utf8proc_ssize_t k;

    while ((c = cp_before(s, &at)) >= 0 && case_ignorable(c))
        ;
    if (c < 0 || !cased(c))
        return 0;
    for (at = next; at < len; at += (size_t)k) {
        k = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at),
                             &c);
        if (k <= 0)
            return 1; /* not UTF-8: Python would not have read it; treat as the end */
        if (!case_ignorable(c))
            return !cased(c);
    }
    return 1;
}

char *eval_lower(const char *s, size_t len, size_t *out_len)
{
    /* Lower-casing grows a code point by at most one byte (U+0130, 2 bytes, becomes 3). */
    char *out = malloc(len + len / 2 + 2);
    size_t o = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            out[o++] = s[i++];
            continue;
        }
        if (c == 0x130) { /* SpecialCasing's one unconditional lower-case expansion */
            out[o++] = 'i';
            c = 0x307;
        } else if (c == 0x3A3) {
            c = final_sigma(s, len, i, i + (size_t)k) ? 0x3C2 : 0x3C3;
        } else {
            c = utf8proc_tolower(c);
        }
        o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)out + o);
        i += (size_t)k;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

struct question {
    char *qid;
    char **gold;   /* lower-cased answer strings */
    size_t *glen;
    size_t ngold;
    double rr;
    size_t line;
    int dropped;   /* a later line of the same qid took its answers */
};

struct eval_answers {
    struct question *v;
    size_t n, cap;
    size_t *by_qid; /* indexes of the kept questions, sorted by qid */
    size_t nkept;
};

static void question_release(struct question *q)
{
    for (size_t i = 0; i < q->ngold; i++)
        free(q->gold[i]);
    free(q->gold);
    free(q->glen);
    free(q->qid);
}

void eval_answers_free(struct eval_answers *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++)
        question_release(&a->v[i]);
    free(a->v);
    free(a->by_qid);
    free(a);
}

/* One line's object into q; TRAWL_EINPUT naming path:line, or TRAWL_ENOMEM. */
static int question_parse(json_t *o, struct question *q, const char *path, size_t line,
                          struct trawl_error *err)
{
    json_t *id = json_object_get(o, "qid"), *ans = json_object_get(o, "answers"), *v;
    char num[32];
    size_t i;

    if (!json_is_object(o) || id == NULL || !json_is_array(ans))
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: expected {\"qid\": ..., \"answers\": "
                          "[...]}", path, line);
    if (json_is_string(id)) {
        q->qid = strndup(json_string_value(id), json_string_length(id));
    } else if (json_is_integer(id)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(id));
        q->qid = strdup(num);
    } else {
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: the qid is neither a string nor an "
                          "integer", path, line);
    }
    q->gold = calloc(json_array_size(ans) + 1, sizeof *q->gold);
    q->glen = calloc(json_array_size(ans) + 1, sizeof *q->glen);
    if (q->qid == NULL || q->gold == NULL || q->glen == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    json_array_foreach(ans, i, v)
    {
        if (!json_is_string(v))
            return eval_error(err, TRAWL_EINPUT, "%s:%zu: an answer is not a string", path,
                              line);
        q->gold[i] = eval_lower(json_string_value(v), json_string_length(v), &q->glen[i]);
        if (q->gold[i] == NULL)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
        q->ngold++;
    }
    return TRAWL_OK;
}

static int only_white(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\v' && *s != '\f')
            return 0;
    return 1;
}

static const struct eval_answers *sort_ctx; /* qsort has no context argument */

static int cmp_question(const void *pa, const void *pb)
{
    const struct question *x = &sort_ctx->v[*(const size_t *)pa];
    const struct question *y = &sort_ctx->v[*(const size_t *)pb];
    int c = strcmp(x->qid, y->qid);

    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* Sorts the questions by qid for eval_answers_judge, a repeated qid keeping its first place
 * and taking its last line's answers. */
static int answers_index(struct eval_answers *a)
{
    size_t *ix = malloc((a->n ? a->n : 1) * sizeof *ix);

    if (ix == NULL)
        return -1;
    for (size_t i = 0; i < a->n; i++)
        ix[i] = i;
    sort_ctx = a;
    qsort(ix, a->n, sizeof *ix, cmp_question);
    a->nkept = 0;
    for (size_t i = 0; i < a->n;) {
        size_t j = i + 1;
        while (j < a->n && strcmp(a->v[ix[j]].qid, a->v[ix[i]].qid) == 0)
            j++;
        if (j - i > 1) {
            struct question *first = &a->v[ix[i]], *last = &a->v[ix[j - 1]];
            char **g = first->gold;
            size_t *l = first->glen, n = first->ngold;
            first->gold = last->gold;
            first->glen = last->glen;
            first->ngold = last->ngold;
            last->gold = g;
            last->glen = l;
            last->ngold = n;
            for (size_t k = i + 1; k < j; k++)
                a->v[ix[k]].dropped = 1;
        }
        ix[a->nkept++] = ix[i];
        i = j;
    }
    a->by_qid = ix;
    return 0;
}

int eval_answers_read(const char *path, struct eval_answers **out, struct trawl_error *err)
{
    struct eval_answers *a = calloc(1, sizeof *a);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = TRAWL_OK;

    *out = NULL;
    if (a == NULL || f == NULL) {
        rc = a == NULL ? eval_error(err, TRAWL_ENOMEM, "out of memory")
                       : eval_error(err, TRAWL_EIO, "cannot open '%s': %s", path,
                                    strerror(errno));
        goto out;
    }
    while (rc == TRAWL_OK && (n = getline(&line, &cap, f)) != -1) {
        json_error_t je;
        json_t *o;
        lineno++;
        if (only_white(line))
            continue;
        if (eval_grow((void **)&a->v, &a->cap, a->n, sizeof *a->v) != 0) {
            rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        memset(&a->v[a->n], 0, sizeof *a->v);
        a->v[a->n].line = lineno;
        if ((o = json_loadb(line, (size_t)n, 0, &je)) == NULL) {
            rc = eval_error(err, TRAWL_EINPUT, "%s:%zu: %s", path, lineno, je.text);
            break;
        }
        rc = question_parse(o, &a->v[a->n++], path, lineno, err);
        json_decref(o);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = eval_error(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (rc == TRAWL_OK && answers_index(a) != 0)
        rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
out:
    free(line);
    if (f != NULL)
        fclose(f);
    if (rc != TRAWL_OK) {
        eval_answers_free(a);
        return rc;
    }
    *out = a;
    return TRAWL_OK;
}

static struct question *question_of(struct eval_answers *a, const char *qid)
{
    size_t lo = 0, hi = a->nkept;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->v[a->by_qid[mid]].qid, qid);
        if (c == 0)
            return &a->v[a->by_qid[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Does hay[0..hn) contain needle[0..nn)? ("" is in every text, as in Python.) */
static int contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
    return nn == 0 || memmem(hay, hn, needle, nn) != NULL;
}

int eval_answers_judge(struct eval_answers *a, const char *qid, const char *const *text,
                       const size_t *lens, size_t n, unsigned depth, struct trawl_error *err)
{
    struct question *q = question_of(a, qid);

    if (q == NULL)
        return TRAWL_OK;
    q->rr = 0;
    for (size_t i = 0; i < n && i < depth; i++) {
        size_t ll;
        char *low = eval_lower(text[i], lens[i], &ll);
        int hit = 0;
        if (low == NULL)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
        for (size_t g = 0; g < q->ngold && !hit; g++)
            hit = contains(low, ll, q->gold[g], q->glen[g]);
        free(low);
        if (hit) {
            q->rr = 1.0 / (double)(i + 1);
            break;
        }
    }
    return TRAWL_OK;
}

size_t eval_answers_count(const struct eval_answers *a)
{
    return a->nkept;
}

/* The i-th kept question in file order. */
static const struct question *kept(const struct eval_answers *a, size_t i)
{
    for (size_t k = 0, seen = 0; k < a->n; k++)
        if (!a->v[k].dropped && seen++ == i)
            return &a->v[k];
    return NULL;
}

const char *eval_answers_qid(const struct eval_answers *a, size_t i)
{
    const struct question *q = a->nkept == a->n ? &a->v[i] : kept(a, i);
    return q ? q->qid : "";
}

double eval_answers_rr(const struct eval_answers *a, size_t i)
{
    const struct question *q = a->nkept == a->n ? &a->v[i] : kept(a, i);
    return q ? q->rr : 0.0;
}

void eval_answers_mean(const struct eval_answers *a, double *mrr, double *top1)
{
    double sum = 0, ones = 0;

    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i].dropped)
            continue;
        sum += a->v[i].rr;
        ones += a->v[i].rr == 1.0;
    }
    /* answer_mrr.py divides by len(answers) or 1 */
    *mrr = sum / (double)(a->nkept ? a->nkept : 1);
    *top1 = ones / (double)(a->nkept ? a->nkept : 1);
}
