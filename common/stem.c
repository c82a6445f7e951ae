/* stem: libstemmer behind a bounded cache. The cache is an open-addressing hash table (linear
 * probing, at most half full) whose entries point into one byte arena holding "word stem\0".
 * When it would pass its limits (entries or arena bytes) it is cleared entirely: simple, and
 * memory stays bounded (about 4 MiB of table and 8 MiB of arena at the defaults). Growing or
 * clearing the cache moves or drops stems, hence "valid until the next stem_word()". */
#include "common/stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#define CACHE_ENTRIES (128u * 1024) /* default entry limit */
#define CACHE_BYTES (8u << 20)      /* arena limit */
#define WORD_MAX 255                /* longer words are not stemmed (nor cached) */

struct entry {
    uint32_t hash;
    uint32_t off;  /* word at arena + off, its stem right after it */
    uint16_t wlen; /* 0: empty slot */
    uint16_t slen;
};

struct stem {
    struct sb_stemmer *sb; /* NULL for "none" */
    char *lang;
    struct entry *tab;
    size_t mask;  /* slots - 1; slots is a power of two, 0 before the first insert */
    size_t count; /* entries in use */
    size_t limit; /* entries before the cache is cleared */
    char *arena;
    size_t used, cap;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a, 32-bit */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

const char **stem_languages(void)
{
    return sb_stemmer_list();
}

int stem_known(const char *lang)
{
    if (lang == NULL)
        return 0;
    if (strcmp(lang, "none") == 0)
        return 1;
    for (const char **l = sb_stemmer_list(); *l != NULL; l++)
        if (strcmp(*l, lang) == 0)
            return 1;
    return 0;
}

int stem_new(const char *lang, struct stem **out, struct trawl_error *err)
{
    struct stem *st;

    *out = NULL;
    if (!stem_known(lang))
        return terr_set(err, TRAWL_EINPUT, "unknown stemmer language '%s'", lang ? lang : "(null)");
    st = calloc(1, sizeof *st);
    if (st == NULL)
        return terr_set(err, TRAWL_ENOMEM, "cannot create stemmer: out of memory");
    st->limit = CACHE_ENTRIES;
    st->lang = malloc(strlen(lang) + 1); /* not strdup: plain C11, no feature macros */
    if (st->lang != NULL)
        strcpy(st->lang, lang);
    if (st->lang == NULL) {
        free(st);
        return terr_set(err, TRAWL_ENOMEM, "cannot create stemmer: out of memory");
    }
    if (strcmp(lang, "none") != 0) {
        /* The language is known, so NULL here can only be a failed allocation. */
        st->sb = sb_stemmer_new(lang, "UTF_8");
        if (st->sb == NULL) {
            stem_free(st);
            return terr_set(err, TRAWL_ENOMEM, "cannot create stemmer '%s': out of memory", lang);
        }
    }
    *out = st;
    return TRAWL_OK;
}

void stem_free(struct stem *st)
{
    if (st == NULL)
        return;
    if (st->sb != NULL)
        sb_stemmer_delete(st->sb);
    free(st->tab);
    free(st->arena);
    free(st->lang);
    free(st);
}

const char *stem_lang(const struct stem *st)
{
    return st->lang;
}

static void clear_cache(struct stem *st)
{
    if (st->tab != NULL)
        memset(st->tab, 0, (st->mask + 1) * sizeof *st->tab);
    st->count = 0;
    st->used = 0;
}

void stem_set_cache_limit(struct stem *st, size_t entries)
{
    st->limit = entries;
    clear_cache(st);
}

/* Doubles the table (or makes the first one); -1 on OOM, the old table kept. */
static int grow_table(struct stem *st)
{
    size_t slots = st->tab ? 2 * (st->mask + 1) : 1024;
    struct entry *tab = calloc(slots, sizeof *tab);

    if (tab == NULL)
        return -1;
    if (st->tab != NULL) {
        for (size_t i = 0; i <= st->mask; i++) {
            size_t j;
            if (st->tab[i].wlen == 0)
                continue;
            for (j = st->tab[i].hash & (slots - 1); tab[j].wlen != 0; j = (j + 1) & (slots - 1))
                ;
            tab[j] = st->tab[i];
        }
        free(st->tab);
    }
    st->tab = tab;
    st->mask = slots - 1;
    return 0;
}

/* Caches word -> stem; returns the cached stem, or NULL when it cannot be stored (then the
 * caller hands out libstemmer's own buffer instead: caching is an optimisation). */
static const char *insert(struct stem *st, uint32_t h, const char *word, size_t wlen,
                          const char *stem, size_t slen)
{
    size_t need = wlen + slen + 1, i;
    struct entry *e;

    if (st->count + 1 > st->limit || st->used + need > CACHE_BYTES)
        clear_cache(st);
    if (st->count + 1 > st->limit)
        return NULL; /* a limit of 0: caching off */
    if (st->tab == NULL || 2 * (st->count + 1) > st->mask + 1)
        if (grow_table(st) != 0)
            return NULL;
    if (st->used + need > st->cap) {
        size_t cap = st->cap ? st->cap : 64 * 1024;
        char *a;
        while (cap < st->used + need)
            cap *= 2;
        if (cap > CACHE_BYTES)
            cap = CACHE_BYTES;
        a = realloc(st->arena, cap);
        if (a == NULL)
            return NULL;
        st->arena = a;
        st->cap = cap;
    }
    for (i = h & st->mask; st->tab[i].wlen != 0; i = (i + 1) & st->mask)
        ;
    e = &st->tab[i];
    e->hash = h;
    e->off = (uint32_t)st->used;
    e->wlen = (uint16_t)wlen;
    e->slen = (uint16_t)slen;
    memcpy(st->arena + st->used, word, wlen);
    memcpy(st->arena + st->used + wlen, stem, slen);
    st->arena[st->used + wlen + slen] = '\0';
    st->used += need;
    st->count++;
    return st->arena + e->off + wlen;
}

const char *stem_word(struct stem *st, const char *word, size_t len, size_t *out_len)
{
    uint32_t h;
    const sb_symbol *res;
    const char *cached;
    size_t slen;

    /* Identity, and words too long for a stemmer (never a token: tokens are cut to
     * TOK_MAX_BYTES), are answered with word itself. */
    if (st->sb == NULL || len == 0 || len > WORD_MAX) {
        *out_len = len;
        return word;
    }
    h = hash_bytes(word, len);
    if (st->tab != NULL) {
        for (size_t i = h & st->mask; st->tab[i].wlen != 0; i = (i + 1) & st->mask) {
            const struct entry *e = &st->tab[i];
            if (e->hash == h && e->wlen == len && memcmp(st->arena + e->off, word, len) == 0) {
                *out_len = e->slen;
                return st->arena + e->off + len;
            }
        }
    }
    /* len <= WORD_MAX, so the narrowing to int is safe. */
    res = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    if (res == NULL)
        return NULL;
    slen = (size_t)sb_stemmer_length(st->sb);
    if (slen > WORD_MAX) /* not seen in Snowball, but an entry's lengths must fit */
        cached = NULL;
    else
        cached = insert(st, h, word, len, (const char *)res, slen);
    *out_len = slen;
    return cached != NULL ? cached : (const char *)res;
}
