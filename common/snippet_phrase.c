/* snippet_phrase: the occurrences of quoted phrases in a text (see snippet_phrase.h). */
#include "common/snippet_phrase.h"

#include <string.h>

/* Does the phrase p (tokens joined by INDEX_HL_SEP) start at token i? Its token count in *k.
 * A token matches a word of p by its folded form, with or without its possessive ending. */
static int occurs_at(const char *p, const char *store, const size_t *offs, size_t n, size_t i,
                     size_t *k)
{
    *k = 0;
    for (;;) {
        const char *sep = strchr(p, INDEX_HL_SEP);
        size_t len = sep ? (size_t)(sep - p) : strlen(p);
        const size_t *t;
        if (i + *k >= n)
            return 0;
        t = offs + 3 * (i + *k);
        if ((t[1] != len && t[2] != len) || memcmp(store + t[0], p, len) != 0)
            return 0;
        (*k)++;
        if (sep == NULL)
            return 1;
        p = sep + 1;
    }
}

void snippet_phrase_cover(const struct index_hl *hl, const char *store, const size_t *offs,
                          size_t n, unsigned char *keep)
{
    memset(keep, 0, n);
    for (size_t ph = 0; ph < hl->nphrases; ph++)
        for (size_t i = 0; i < n; i++) {
            size_t k;
            if (occurs_at(hl->phrases[ph], store, offs, n, i, &k))
                memset(keep + i, 1, k);
        }
}
