#include "common/strmap.h"

#include <stdlib.h>
#include <string.h>

/* Key storage grows in blocks: the first small (many maps hold a few keys: one per
 * article in flight in the indexer), each next one twice the last, up to POOL_BLOCK. */
#define POOL_FIRST 512
#define POOL_BLOCK 65536

static uint64_t strmap_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

void strmap_init(struct strmap *m)
{
    memset(m, 0, sizeof *m);
}

static void strmap_free_pool(struct strmap *m)
{
    for (size_t i = 0; i < m->npool; i++)
        free(m->pool[i]);
    free(m->pool);
    m->pool = NULL;
    m->npool = 0;
    m->pool_used = m->pool_cap = 0;
    m->bytes = 0;
}

void strmap_release(struct strmap *m)
{
    if (m == NULL)
        return;
    strmap_free_pool(m);
    free(m->slots);
    strmap_init(m);
}

void strmap_clear(struct strmap *m)
{
    if (m->slots != NULL)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->n = 0;
    strmap_free_pool(m);
}

/* Copies key into the current pool block (the last one), starting a new block when full. */
static char *strmap_store(struct strmap *m, const char *key, size_t len)
{
    char *dst;

    if (m->npool == 0 || m->pool_used + len + 1 > m->pool_cap) {
        size_t cap = m->pool_cap == 0 ? POOL_FIRST
                     : m->pool_cap < POOL_BLOCK ? m->pool_cap * 2 : POOL_BLOCK;
        if (cap < len + 1)
            cap = len + 1;
        char **pool = realloc(m->pool, (m->npool + 1) * sizeof *pool);
        if (pool == NULL)
            return NULL;
        m->pool = pool;
        if ((pool[m->npool] = malloc(cap)) == NULL)
            return NULL;
        m->npool++;
        m->pool_used = 0;
        m->pool_cap = cap;
    }
    dst = m->pool[m->npool - 1] + m->pool_used;
    memcpy(dst, key, len);
    dst[len] = '\0';
    m->pool_used += len + 1;
    m->bytes += len;
    return dst;
}

static int strmap_grow(struct strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct strmap_entry *slots = calloc(cap, sizeof *slots);

    if (slots == NULL)
        return TRAWL_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        struct strmap_entry *e = &m->slots[i];
        size_t j;
        if (e->key == NULL)
            continue;
        j = strmap_hash(e->key, e->len) & (cap - 1);
        while (slots[j].key != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return TRAWL_OK;
}

struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len)
{
    size_t j;

    if (m->cap == 0)
        return NULL;
    j = strmap_hash(key, len) & (m->cap - 1);
    while (m->slots[j].key != NULL) {
        if (m->slots[j].len == len && memcmp(m->slots[j].key, key, len) == 0)
            return &m->slots[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

int strmap_add(struct strmap *m, const char *key, size_t len, uint64_t inc)
{
    struct strmap_entry *e;
    size_t j;

    if ((m->n + 1) * 4 > m->cap * 3 && strmap_grow(m) != TRAWL_OK)
        return TRAWL_ENOMEM;
    j = strmap_hash(key, len) & (m->cap - 1);
    while ((e = &m->slots[j])->key != NULL) {
        if (e->len == len && memcmp(e->key, key, len) == 0) {
            e->val += inc;
            return TRAWL_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    e->key = strmap_store(m, key, len);
    if (e->key == NULL)
        return TRAWL_ENOMEM;
    e->len = len;
    e->val = inc;
    m->n++;
    return TRAWL_OK;
}
