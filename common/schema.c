/* schema: encoders and decoders of trawl's records, and the id hash.
 *
 * Record layout (all three records): one byte of format version (SCHEMA_RECORD_V1), then
 * the fields in order. Integers are unsigned LEB128 varints (signed ones zigzag-encoded
 * first); strings are a varint length and the bytes; hashes are 8 bytes little-endian (their
 * bits are random, so a varint would only grow them). A decoder checks every length against
 * the bytes left and wants the record to end exactly after its last field.
 *   passage: version, id, title, date, ordinal, start, end, text, url, source
 *   article: version, source, hash, size, mtime_ns, passages
 *   source:  version, size, mtime_ns, hash, articles */
#include "common/schema.h"

#include <string.h>

#define SCHEMA_RECORD_V1 1
#define KEY_PREFIX_BYTES 180 /* of a hashed id, as omindex keeps */

uint64_t schema_hash(uint64_t h, const void *data, size_t len)
{
    /* FNV-1a, 64-bit (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/). */
    const uint64_t prime = 0x100000001b3ULL;
    const unsigned char *p = data;
    size_t i = 0;

    /* Eight bytes a round: the same result as one at a time, with fewer loop branches. */
    for (; len - i >= 8; i += 8) {
        h = (h ^ p[i]) * prime;
        h = (h ^ p[i + 1]) * prime;
        h = (h ^ p[i + 2]) * prime;
        h = (h ^ p[i + 3]) * prime;
        h = (h ^ p[i + 4]) * prime;
        h = (h ^ p[i + 5]) * prime;
        h = (h ^ p[i + 6]) * prime;
        h = (h ^ p[i + 7]) * prime;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * prime;
    return h;
}

int schema_article_key(const char *id, size_t len, struct sbuf *out)
{
    if (len <= SCHEMA_MAX_ID)
        return sbuf_add(out, id, len);
    if (sbuf_add(out, id, KEY_PREFIX_BYTES) != TRAWL_OK)
        return TRAWL_ENOMEM;
    return sbuf_printf(out, "~%016llx", (unsigned long long)schema_hash(TRAWL_HASH_SEED, id, len));
}

int schema_article_term(const char *id, size_t len, struct sbuf *out)
{
    sbuf_reset(out);
    if (sbuf_adds(out, PREFIX_ARTICLE) != TRAWL_OK)
        return TRAWL_ENOMEM;
    return schema_article_key(id, len, out);
}

int schema_article_record_key(const char *id, size_t len, struct sbuf *out)
{
    sbuf_reset(out);
    if (sbuf_adds(out, META_ARTICLE) != TRAWL_OK)
        return TRAWL_ENOMEM;
    return schema_article_key(id, len, out);
}

/* ---- writing ---- */

static int put_varint(struct sbuf *out, uint64_t v)
{
    char b[10];
    size_t n = 0;

    do {
        b[n] = (char)(v & 0x7F);
        v >>= 7;
        if (v)
            b[n] = (char)(b[n] | 0x80);
        n++;
    } while (v);
    return sbuf_add(out, b, n);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static int put_fixed64(struct sbuf *out, uint64_t v)
{
    char b[8];
    int i;

    for (i = 0; i < 8; i++)
        b[i] = (char)(v >> (8 * i));
    return sbuf_add(out, b, 8);
}

static int put_str(struct sbuf *out, const char *s, size_t len)
{
    if (put_varint(out, len) != TRAWL_OK)
        return TRAWL_ENOMEM;
    return sbuf_add(out, len ? s : "", len);
}

/* ---- reading ---- */

struct rd {
    const unsigned char *p;
    size_t len, pos;
    int bad; /* sticky: any read past the end or malformed field */
};

static uint64_t get_varint(struct rd *r)
{
    uint64_t v = 0;
    unsigned shift = 0;

    for (;;) {
        unsigned char c;
        if (r->bad || r->pos >= r->len) {
            r->bad = 1;
            return 0;
        }
        c = r->p[r->pos++];
        /* The tenth byte may only hold the top bit of a 64-bit value. */
        if (shift == 63 && (c & 0x7E) != 0) {
            r->bad = 1;
            return 0;
        }
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return v;
        shift += 7;
        if (shift > 63) {
            r->bad = 1;
            return 0;
        }
    }
}

static int64_t get_zigzag(struct rd *r)
{
    uint64_t u = get_varint(r);

    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static uint64_t get_fixed64(struct rd *r)
{
    uint64_t v = 0;
    int i;

    if (r->bad || r->len - r->pos < 8) {
        r->bad = 1;
        return 0;
    }
    for (i = 0; i < 8; i++)
        v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += 8;
    return v;
}

static const char *get_str(struct rd *r, size_t *len)
{
    uint64_t n = get_varint(r);
    const char *s;

    *len = 0;
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return "";
    }
    s = (const char *)r->p + r->pos;
    r->pos += (size_t)n;
    *len = (size_t)n;
    return s;
}

/* Starts reading a record of kind `what`: checks the version byte. */
static int rd_begin(struct rd *r, const char *data, size_t len, const char *what, struct trawl_error *err)
{
    r->p = (const unsigned char *)data;
    r->len = data ? len : 0;
    r->pos = 0;
    r->bad = 0;
    if (r->len == 0)
        return terr_set(err, TRAWL_EINDEX, "corrupt %s data", what);
    if (r->p[0] != SCHEMA_RECORD_V1)
        return terr_set(err, TRAWL_EINDEX, "corrupt %s data: unknown format version %u", what,
                        (unsigned)r->p[0]);
    r->pos = 1;
    return TRAWL_OK;
}

static int rd_end(struct rd *r, const char *what, struct trawl_error *err)
{
    if (r->bad || r->pos != r->len)
        return terr_set(err, TRAWL_EINDEX, "corrupt %s data", what);
    return TRAWL_OK;
}

/* ---- metadata values ---- */

int schema_meta_number(const char *val, size_t len, int64_t *out, struct trawl_error *err)
{
    int64_t v = 0;

    *out = -1;
    if (len == 0)
        return terr_set(err, TRAWL_ENOTFOUND, "no metadata value");
    if (len > SCHEMA_META_DIGITS)
        return terr_set(err, TRAWL_EINDEX, "corrupt metadata value: %zu digits", len);
    for (size_t i = 0; i < len; i++) {
        if (val[i] < '0' || val[i] > '9')
            return terr_set(err, TRAWL_EINDEX, "corrupt metadata value: not a number");
        v = v * 10 + (val[i] - '0');
    }
    *out = v;
    return TRAWL_OK;
}

int schema_meta_lang(const char *val, size_t len, char *out, struct trawl_error *err)
{
    out[0] = '\0';
    if (len == 0)
        return terr_set(err, TRAWL_ENOTFOUND, "no metadata value");
    if (len > SCHEMA_MAX_LANG)
        return terr_set(err, TRAWL_EINDEX, "corrupt metadata value: a language of %zu bytes",
                        len);
    for (size_t i = 0; i < len; i++)
        if ((val[i] < 'a' || val[i] > 'z') && val[i] != '_')
            return terr_set(err, TRAWL_EINDEX, "corrupt metadata value: not a language name");
    memcpy(out, val, len);
    out[len] = '\0';
    return TRAWL_OK;
}

/* ---- records ---- */

int schema_passage_encode(const struct trawl_passage *p, struct sbuf *out)
{
    if (sbuf_addc(out, SCHEMA_RECORD_V1) || put_str(out, p->article, p->article_len) ||
        put_str(out, p->title, p->title_len) || put_str(out, p->date, p->date_len) ||
        put_varint(out, p->ordinal) || put_varint(out, p->start) || put_varint(out, p->end) ||
        put_str(out, p->text, p->text_len) || put_str(out, p->url, p->url_len) ||
        put_str(out, p->source, p->source_len))
        return TRAWL_ENOMEM;
    return TRAWL_OK;
}

int schema_passage_decode(const char *data, size_t len, struct trawl_passage *p, struct trawl_error *err)
{
    struct rd r;
    uint64_t ordinal;
    int rc;

    memset(p, 0, sizeof *p);
    if ((rc = rd_begin(&r, data, len, "passage", err)) != TRAWL_OK)
        return rc;
    p->article = get_str(&r, &p->article_len);
    p->title = get_str(&r, &p->title_len);
    p->date = get_str(&r, &p->date_len);
    ordinal = get_varint(&r);
    p->start = get_varint(&r);
    p->end = get_varint(&r);
    p->text = get_str(&r, &p->text_len);
    p->url = get_str(&r, &p->url_len);
    p->source = get_str(&r, &p->source_len);
    if (ordinal > UINT32_MAX || p->start > p->end)
        r.bad = 1;
    p->ordinal = (uint32_t)ordinal;
    if ((rc = rd_end(&r, "passage", err)) != TRAWL_OK)
        memset(p, 0, sizeof *p);
    return rc;
}

int schema_same_article(const struct trawl_passage *a, const struct trawl_passage *b)
{
    return a->article_len == b->article_len && memcmp(a->article, b->article, a->article_len) == 0;
}

int schema_article_encode(const struct trawl_record *a, struct sbuf *out)
{
    if (sbuf_addc(out, SCHEMA_RECORD_V1) || put_str(out, a->source, a->source_len) ||
        put_fixed64(out, a->hash) || put_varint(out, a->size) ||
        put_varint(out, zigzag(a->mtime_ns)) || put_varint(out, a->passages))
        return TRAWL_ENOMEM;
    return TRAWL_OK;
}

int schema_article_decode(const char *data, size_t len, struct trawl_record *a, struct trawl_error *err)
{
    struct rd r;
    uint64_t passages;
    int rc;

    memset(a, 0, sizeof *a);
    if ((rc = rd_begin(&r, data, len, "article record", err)) != TRAWL_OK)
        return rc;
    a->source = get_str(&r, &a->source_len);
    a->hash = get_fixed64(&r);
    a->size = get_varint(&r);
    a->mtime_ns = get_zigzag(&r);
    passages = get_varint(&r);
    if (passages > UINT32_MAX)
        r.bad = 1;
    a->passages = (uint32_t)passages;
    if ((rc = rd_end(&r, "article record", err)) != TRAWL_OK)
        memset(a, 0, sizeof *a);
    return rc;
}

int schema_source_encode(const struct trawl_source *s, struct sbuf *out)
{
    if (sbuf_addc(out, SCHEMA_RECORD_V1) || put_varint(out, s->size) ||
        put_varint(out, zigzag(s->mtime_ns)) || put_fixed64(out, s->hash) ||
        put_varint(out, s->articles))
        return TRAWL_ENOMEM;
    return TRAWL_OK;
}

int schema_source_decode(const char *data, size_t len, struct trawl_source *s, struct trawl_error *err)
{
    struct rd r;
    int rc;

    memset(s, 0, sizeof *s);
    if ((rc = rd_begin(&r, data, len, "source record", err)) != TRAWL_OK)
        return rc;
    s->size = get_varint(&r);
    s->mtime_ns = get_zigzag(&r);
    s->hash = get_fixed64(&r);
    s->articles = get_varint(&r);
    if ((rc = rd_end(&r, "source record", err)) != TRAWL_OK)
        memset(s, 0, sizeof *s);
    return rc;
}
