/* index_base: what every index module uses of an open index: its metadata numbers and batches,
 * the wording of damage, its analyzer and names. Below index_open.c, which opens, reopens and
 * closes (and so calls the writer's repair and frees article ranking's cache), so that the
 * modules using these need not depend on opening (common/LAYERS: no circles).
 * Depends on xdb, schema, analyze. */
#include "common/index_priv.h"

#include <stdint.h>

#include "common/analyze.h"
#include "common/schema.h"
#include "common/xdb.h"

int index_meta_int(xdb *db, const char *key, long *out, struct sbuf *tmp, struct trawl_error *err)
{
    int rc = xdb_meta_get(db, key, tmp, err);
    int64_t v;

    if (rc != TRAWL_OK)
        return rc;
    /* strtol took "3\0junk", " 3" and "-1" (an absent key's -1) for numbers. */
    rc = schema_meta_number(tmp->buf, tmp->len, &v, NULL);
    *out = rc == TRAWL_OK ? (long)v : rc == TRAWL_ENOTFOUND ? -1 : -2;
    return TRAWL_OK;
}

int index_batch(struct index *ix, xdb *db, uint64_t *out, struct trawl_error *err)
{
    struct sbuf tmp;
    long v;
    int rc;

    sbuf_init(&tmp);
    rc = index_meta_int(db, META_BATCH, &v, &tmp, err);
    sbuf_release(&tmp);
    if (rc != TRAWL_OK)
        return rc;
    if (v == -2)
        return terr_damaged(err, ix->path, "its metadata 'trawl.batch' is not a number", 0);
    *out = v < 0 ? 0 : (uint64_t)v;
    return TRAWL_OK;
}

int index_articles_agree(struct index *ix, int *agree, struct trawl_error *err)
{
    uint64_t pb = 0, ab = 0;
    int rc;

    *agree = 0;
    if (ix->adb == NULL)
        return TRAWL_OK;
    /* A reader sees the revisions it opened until it reopens: asked once per opening. */
    if (!ix->writable && ix->agree_known) {
        *agree = ix->agree;
        return TRAWL_OK;
    }
    if ((rc = index_batch(ix, ix->db, &pb, err)) == TRAWL_OK &&
        (rc = index_batch(ix, ix->adb, &ab, err)) == TRAWL_OK) {
        *agree = pb == ab;
        ix->agree = *agree;
        ix->agree_known = !ix->writable;
    }
    return rc;
}

int index_damaged(const struct index *ix, int rc, struct trawl_error *err)
{
    /* The decoders' only TRAWL_EINDEX is "corrupt ... data": the status says it all. */
    if (rc == TRAWL_EINDEX && err != NULL)
        return terr_damaged(err, ix->path, err->msg, 0);
    return rc;
}

int index_analyzer(struct index *ix, struct analyzer **out, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    if (ix->an == NULL)
        rc = analyzer_new(ix->lang[0] ? ix->lang : "english", &ix->an, err);
    *out = ix->an;
    return rc;
}

const char *index_lang(const struct index *ix)
{
    return ix->lang;
}

const char *index_warning(const struct index *ix)
{
    return ix->warning;
}

const char *index_path(const struct index *ix)
{
    return ix->path;
}

const char *index_xapian_version(void)
{
    return xdb_xapian_version();
}
