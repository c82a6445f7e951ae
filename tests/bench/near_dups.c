/* near_dups: every pair of articles of an index whose SimHash signatures (SLOT_SIMHASH) are
 * within a distance, for measuring near-duplicate precision (tests/bench/near_dups.py).
 *
 *     near_dups INDEX MAX_BITS   ->   "bits<TAB>article<TAB>article" lines
 *
 * Reads the index's internals (the value slots), so it links the library's objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/index_dups.h"
#include "common/index_priv.h"
#include "common/schema.h"
#include "common/xdb.h"

struct art {
    char *id;
    uint64_t sig;
};

int main(int argc, char **argv)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct index *ix;
    struct xdb_stats st;
    struct trawl_error err;
    struct sbuf key, val;
    struct art *v = NULL;
    size_t n = 0, cap = 0;
    unsigned max;

    if (argc != 3) {
        fprintf(stderr, "usage: near_dups INDEX MAX_BITS\n");
        return 2;
    }
    max = (unsigned)atoi(argv[2]);
    if (index_open(argv[1], &oo, &ix, &err) != TRAWL_OK ||
        xdb_stats(ix->db, &st, &err) != TRAWL_OK) {
        fprintf(stderr, "near_dups: %s\n", err.msg);
        return 2;
    }
    sbuf_init(&key);
    sbuf_init(&val);
    /* One signature per article: passages of an article are consecutive documents. */
    for (xdb_docid d = 1; d <= st.lastdocid; d++) {
        if (xdb_doc_value(ix->db, d, SLOT_ARTICLE, &key, &err) != TRAWL_OK || key.len == 0)
            continue;
        if (n > 0 && strcmp(v[n - 1].id, key.buf) == 0)
            continue;
        if (xdb_doc_value(ix->db, d, SLOT_SIMHASH, &val, &err) != TRAWL_OK || val.len != 8)
            continue;
        if (n == cap && (v = realloc(v, (cap = cap ? 2 * cap : 1024) * sizeof *v)) == NULL)
            return 2;
        v[n].id = strdup(key.buf);
        v[n].sig = 0;
        for (int i = 0; i < 8; i++)
            v[n].sig = (v[n].sig << 8) | (unsigned char)val.buf[i];
        n++;
    }
    fprintf(stderr, "near_dups: %zu articles with a signature\n", n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            unsigned d = index_dups_distance(v[i].sig, v[j].sig);
            if (d <= max)
                printf("%u\t%s\t%s\n", d, v[i].id, v[j].id);
        }
    for (size_t i = 0; i < n; i++)
        free(v[i].id);
    free(v);
    sbuf_release(&key);
    sbuf_release(&val);
    index_close(ix);
    return 0;
}
