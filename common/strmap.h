/* strmap: a string -> uint64 hash map (open addressing, keys copied into an internal pool),
 * for counting terms per passage and words for the spelling table. Not thread-safe; one per
 * user. Depends on libc only. */
#ifndef TRAWL_COMMON_STRMAP_H
#define TRAWL_COMMON_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

struct strmap_entry {
    const char *key; /* NUL-terminated, owned by the map */
    size_t len;
    uint64_t val;
};

struct strmap {
    struct strmap_entry *slots; /* cap slots; key NULL = empty */
    size_t cap, n;
    char **pool;                /* key storage blocks */
    size_t npool, pool_used, pool_cap;
    size_t bytes;               /* key bytes stored */
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m); /* NULL-safe */
void strmap_clear(struct strmap *m);   /* empties it, keeps the slot array */
/* Adds inc to key's value (inserting it at 0 first). TRAWL_ENOMEM on OOM. */
int strmap_add(struct strmap *m, const char *key, size_t len, uint64_t inc);
/* The entry for key, or NULL. */
struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Entries in no particular order: iterate i in [0, cap) skipping key == NULL. */

TRAWL_END_DECLS

#endif
