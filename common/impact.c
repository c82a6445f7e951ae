/* impact: the impact file, written, mapped and scored (impact.h says what and why, and gives
 * the layout). One file past STYLE.md's 800 lines on purpose: the three walks (impact_top's
 * two, impact_match's) and the counts share the cursor and the heap, inlined in their
 * innermost loops, which a split would have to export. */
#include "common/impact.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/grow.h"
#include "common/sbuf.h"

_Static_assert(sizeof(struct impact_header) <= IMPACT_HEADER, "impact header too large");
_Static_assert(sizeof(struct impact_term) == 32, "impact_term must be packed");
_Static_assert(sizeof(struct impact_skip) == 8, "impact_skip must be packed");

/* ---- Writing ------------------------------------------------------------------------------ */

struct impact_writer {
    char *path, *tmp;
    FILE *f;
    struct impact_header h;
    uint32_t *lens, *ends;    /* lastdocid + 1 and + 2 entries */
    uint32_t last_key;        /* the last docid given a key */
    struct sbuf keys, text;   /* article ids, term text */
    struct impact_term *terms;
    size_t nterms, cap;
    struct impact_skip *skips;
    size_t nskips, skipcap;
    uint64_t post;            /* bytes of postings so far */
    uint32_t prev;            /* the current term's last docid */
    int committed;
    unsigned char buf[1 << 16]; /* postings not yet handed to f */
    size_t nbuf;
};

static int write_fail(struct impact_writer *w, struct trawl_error *err)
{
    return terr_set(err, TRAWL_EIO, "cannot write '%s': %s", w->tmp, strerror(errno));
}

int impact_writer_new(const char *path, const struct impact_info *info,
                      struct impact_writer **out, struct trawl_error *err)
{
    struct impact_writer *w = calloc(1, sizeof *w);
    static const char zero[IMPACT_HEADER];
    size_t n = (size_t)info->lastdocid;

    *out = NULL;
    if (w == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_init(&w->keys);
    sbuf_init(&w->text);
    if ((w->path = strdup(path)) == NULL || asprintf(&w->tmp, "%s.tmp", path) < 0 ||
        (w->lens = calloc(n + 1, sizeof *w->lens)) == NULL ||
        (w->ends = calloc(n + 2, sizeof *w->ends)) == NULL) {
        if (w->tmp == NULL || w->path == NULL)
            w->tmp = NULL;
        impact_writer_free(w);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    memcpy(w->h.magic, IMPACT_MAGIC, sizeof w->h.magic);
    w->h.version = IMPACT_VERSION;
    w->h.mark = IMPACT_MARK;
    w->h.revision = info->revision;
    /* Up to its NUL, the rest zero (calloc): no byte of the file is left to chance. */
    memcpy(w->h.uuid, info->uuid, strnlen(info->uuid, sizeof w->h.uuid - 1));
    w->h.doccount = info->doccount;
    w->h.total_length = info->total_length;
    w->h.lastdocid = info->lastdocid;
    if ((w->f = fopen(w->tmp, "wb")) == NULL || fwrite(zero, 1, sizeof zero, w->f) != sizeof zero) {
        int rc = write_fail(w, err);
        impact_writer_free(w);
        return rc;
    }
    *out = w;
    return TRAWL_OK;
}

int impact_writer_len(struct impact_writer *w, uint32_t id, uint32_t len, struct trawl_error *err)
{
    if (id == 0 || id > w->h.lastdocid)
        return terr_set(err, TRAWL_EINPUT, "document %u is out of range", (unsigned)id);
    w->lens[id] = len;
    return TRAWL_OK;
}

int impact_writer_key(struct impact_writer *w, uint32_t id, const char *key, size_t klen,
                      struct trawl_error *err)
{
    if (id == 0 || id > w->h.lastdocid || id <= w->last_key)
        return terr_set(err, TRAWL_EINPUT, "document %u is out of range or order", (unsigned)id);
    if (w->keys.len + klen > UINT32_MAX)
        return terr_set(err, TRAWL_EINPUT, "too many article ids for an impact file");
    for (uint32_t d = w->last_key + 1; d <= id; d++)
        w->ends[d] = (uint32_t)w->keys.len; /* docids without a key: empty */
    if (sbuf_add(&w->keys, key, klen) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    w->ends[id + 1] = (uint32_t)w->keys.len;
    w->last_key = id;
    return TRAWL_OK;
}

int impact_writer_term(struct impact_writer *w, const char *term, size_t len,
                       struct trawl_error *err)
{
    struct impact_term *t;

    if (w->nterms > 0) {
        const struct impact_term *p = &w->terms[w->nterms - 1];
        if (sbuf_bytes_cmp(w->text.buf + p->text, p->len, term, len) >= 0)
            return terr_set(err, TRAWL_EINPUT, "impact terms out of order");
    }
    if (w->text.len + len > UINT32_MAX || w->nterms >= UINT32_MAX || w->nskips > UINT32_MAX)
        return terr_set(err, TRAWL_EINPUT, "too many terms for an impact file");
    if ((t = grow(w->terms, w->nterms, &w->cap, sizeof *t, 1024)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    w->terms = t;
    t = &w->terms[w->nterms++];
    t->post = w->post;
    t->bytes = 0;
    t->df = 0;
    t->text = (uint32_t)w->text.len;
    t->len = (uint32_t)len;
    t->skip = (uint32_t)w->nskips;
    t->zero = 0;
    w->prev = 0;
    if (sbuf_add(&w->text, term, len) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

static size_t put_varint(unsigned char *p, uint32_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Hands the buffered postings to the file. */
static int flush_buf(struct impact_writer *w, struct trawl_error *err)
{
    if (w->nbuf > 0 && fwrite(w->buf, 1, w->nbuf, w->f) != w->nbuf)
        return write_fail(w, err);
    w->nbuf = 0;
    return TRAWL_OK;
}

int impact_writer_posting(struct impact_writer *w, uint32_t id, uint32_t wdf,
                          struct trawl_error *err)
{
    struct impact_term *t = w->nterms > 0 ? &w->terms[w->nterms - 1] : NULL;
    unsigned char b[10];
    size_t n;

    if (t == NULL || id <= w->prev || id > w->h.lastdocid || wdf == 0 || t->df == UINT32_MAX)
        return terr_set(err, TRAWL_EINPUT, "impact posting out of order or range");
    n = put_varint(b, id - w->prev);
    n += put_varint(b + n, wdf);
    if ((uint64_t)t->bytes + n > UINT32_MAX)
        return terr_set(err, TRAWL_EINPUT, "a term's postings are too long for an impact file");
    if (t->df > 0 && t->df % IMPACT_SKIP_EVERY == 0) { /* a block begins */
        struct impact_skip *sk = grow(w->skips, w->nskips, &w->skipcap, sizeof *sk, 4096);
        if (sk == NULL)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        w->skips = sk;
        w->skips[w->nskips++] = (struct impact_skip){w->prev, t->bytes};
    }
    if (w->nbuf + n > sizeof w->buf && flush_buf(w, err) != TRAWL_OK)
        return TRAWL_EIO;
    memcpy(w->buf + w->nbuf, b, n);
    w->nbuf += n;
    t->bytes += (uint32_t)n;
    t->df++;
    w->post += n;
    w->prev = id;
    return TRAWL_OK;
}

/* Writes len bytes at the end of the file, after padding it to 8 bytes; *at: where they went. */
static int put_section(struct impact_writer *w, const void *p, uint64_t len, uint64_t *at)
{
    static const char pad[8];
    long pos = ftell(w->f);

    if (pos < 0)
        return -1;
    if (pos % 8 != 0 && fwrite(pad, 1, 8 - (size_t)(pos % 8), w->f) != 8 - (size_t)(pos % 8))
        return -1;
    *at = (uint64_t)pos + (pos % 8 != 0 ? 8 - (uint64_t)(pos % 8) : 0);
    return len == 0 || fwrite(p, 1, (size_t)len, w->f) == len ? 0 : -1;
}

/* Syncs the folder holding path, so that a rename into it survives a crash. */
static int sync_dir(const char *path)
{
    char *dir = strdup(path), *slash;
    int fd, rc;

    if (dir == NULL)
        return -1;
    slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int impact_writer_commit(struct impact_writer *w, struct trawl_error *err)
{
    struct impact_header *h = &w->h;
    uint64_t n = h->lastdocid;
    long end;

    if (flush_buf(w, err) != TRAWL_OK)
        return TRAWL_EIO;
    for (uint32_t d = w->last_key + 1; d <= h->lastdocid + 1; d++)
        w->ends[d] = (uint32_t)w->keys.len;
    h->nterms = (uint32_t)w->nterms;
    h->post_off = IMPACT_HEADER;
    h->post_len = w->post;
    if (put_section(w, w->text.buf, w->text.len, &h->text_off) != 0 ||
        put_section(w, w->terms, w->nterms * sizeof *w->terms, &h->terms_off) != 0 ||
        put_section(w, w->lens, (n + 1) * sizeof *w->lens, &h->lens_off) != 0 ||
        put_section(w, w->ends, (n + 2) * sizeof *w->ends, &h->ends_off) != 0 ||
        put_section(w, w->keys.buf, w->keys.len, &h->keys_off) != 0 ||
        put_section(w, w->skips, w->nskips * sizeof *w->skips, &h->skips_off) != 0 ||
        (end = ftell(w->f)) < 0)
        return write_fail(w, err);
    h->nskips = w->nskips;
    h->text_len = w->text.len;
    h->keys_len = w->keys.len;
    h->size = (uint64_t)end;
    if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof *h, w->f) != sizeof *h ||
        fflush(w->f) != 0 || fsync(fileno(w->f)) != 0)
        return write_fail(w, err);
    if (fclose(w->f) != 0) {
        w->f = NULL;
        return write_fail(w, err);
    }
    w->f = NULL;
    if (rename(w->tmp, w->path) != 0)
        return terr_set(err, TRAWL_EIO, "cannot rename '%s': %s", w->tmp, strerror(errno));
    w->committed = 1;
    if (sync_dir(w->path) != 0)
        return terr_set(err, TRAWL_EIO, "cannot sync the folder of '%s': %s", w->path,
                        strerror(errno));
    return TRAWL_OK;
}

void impact_writer_free(struct impact_writer *w)
{
    if (w == NULL)
        return;
    if (w->f != NULL)
        fclose(w->f);
    if (!w->committed && w->tmp != NULL)
        unlink(w->tmp);
    free(w->path);
    free(w->tmp);
    free(w->lens);
    free(w->ends);
    free(w->terms);
    free(w->skips);
    sbuf_release(&w->keys);
    sbuf_release(&w->text);
    free(w);
}

/* ---- Reading ------------------------------------------------------------------------------ */

struct impact {
    int refs;
    const unsigned char *base;
    size_t size;
    struct impact_info info;
    const struct impact_header *h;
    const unsigned char *post;
    const char *text, *keys;
    const struct impact_term *terms;
    const struct impact_skip *skips;
    const uint32_t *lens, *ends;
    double *acc;          /* impact_top's scratch, per docid: zero between calls */
    uint32_t *touched;    /* the docids reached, in the order first reached */
    unsigned char *seen;  /* per docid: reached by this call's leaves (zero between calls) */
    void *scratch;        /* the one mapping the three live in */
    size_t scratch_len;
};

/* Whether [off, off + len) lies inside a file of size bytes, 8-aligned when align. */
static int inside(uint64_t off, uint64_t len, uint64_t size, int align)
{
    return off <= size && len <= size - off && (!align || off % 8 == 0);
}

static int header_ok(const struct impact_header *h, uint64_t size)
{
    uint64_t n = (uint64_t)h->lastdocid;

    return memcmp(h->magic, IMPACT_MAGIC, sizeof h->magic) == 0 &&
           h->version == IMPACT_VERSION && h->mark == IMPACT_MARK && h->size == size &&
           memchr(h->uuid, '\0', sizeof h->uuid) != NULL && h->post_off == IMPACT_HEADER &&
           inside(h->post_off, h->post_len, size, 1) && inside(h->text_off, h->text_len, size, 1) &&
           inside(h->terms_off, (uint64_t)h->nterms * sizeof(struct impact_term), size, 1) &&
           inside(h->lens_off, (n + 1) * 4, size, 1) && inside(h->ends_off, (n + 2) * 4, size, 1) &&
           inside(h->keys_off, h->keys_len, size, 1) && h->nskips <= size / 8 &&
           inside(h->skips_off, h->nskips * sizeof(struct impact_skip), size, 1);
}

static void info_of(const struct impact_header *h, struct impact_info *out)
{
    memset(out, 0, sizeof *out);
    out->revision = h->revision;
    memcpy(out->uuid, h->uuid, sizeof out->uuid);
    out->doccount = h->doccount;
    out->total_length = h->total_length;
    out->lastdocid = h->lastdocid;
}

static int not_impact(const char *path, struct trawl_error *err)
{
    return terr_set(err, TRAWL_EINDEX, "'%s' is not an impact file of this trawl", path);
}

int impact_peek(const char *path, struct impact_info *out, struct trawl_error *err)
{
    struct impact_header h;
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got;

    if (fd < 0)
        return errno == ENOENT ? terr_set(err, TRAWL_ENOTFOUND, "no file '%s'", path)
                               : terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path,
                                          strerror(errno));
    got = fstat(fd, &sb) == 0 ? pread(fd, &h, sizeof h, 0) : -1;
    close(fd);
    if (got != (ssize_t)sizeof h || !header_ok(&h, (uint64_t)sb.st_size))
        return not_impact(path, err);
    info_of(&h, out);
    return TRAWL_OK;
}

int impact_open(const char *path, struct impact **out, struct trawl_error *err)
{
    struct impact *im;
    struct stat sb;
    void *m;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *out = NULL;
    if (fd < 0)
        return errno == ENOENT ? terr_set(err, TRAWL_ENOTFOUND, "no file '%s'", path)
                               : terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path,
                                          strerror(errno));
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return terr_set(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(e));
    }
    if ((uint64_t)sb.st_size < IMPACT_HEADER) {
        close(fd);
        return not_impact(path, err);
    }
    m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return terr_set(err, TRAWL_EIO, "cannot map '%s': %s", path, strerror(errno));
    if (!header_ok(m, (uint64_t)sb.st_size)) {
        munmap(m, (size_t)sb.st_size);
        return not_impact(path, err);
    }
    if ((im = calloc(1, sizeof *im)) == NULL) {
        munmap(m, (size_t)sb.st_size);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    im->refs = 1;
    im->base = m;
    im->size = (size_t)sb.st_size;
    im->h = m;
    info_of(im->h, &im->info);
    im->post = im->base + im->h->post_off;
    im->text = (const char *)im->base + im->h->text_off;
    im->terms = (const struct impact_term *)(im->base + im->h->terms_off);
    im->lens = (const uint32_t *)(im->base + im->h->lens_off);
    im->ends = (const uint32_t *)(im->base + im->h->ends_off);
    im->keys = (const char *)im->base + im->h->keys_off;
    im->skips = (const struct impact_skip *)(im->base + im->h->skips_off);
    *out = im;
    return TRAWL_OK;
}

struct impact *impact_ref(struct impact *im)
{
    im->refs++;
    return im;
}

void impact_close(struct impact *im)
{
    if (im == NULL || --im->refs > 0)
        return;
    munmap((void *)im->base, im->size);
    if (im->scratch != NULL)
        munmap(im->scratch, im->scratch_len);
    free(im);
}

const struct impact_info *impact_info(const struct impact *im)
{
    return &im->info;
}

/* The entry of term into *out (NULL when the file has no such term); 0 when an entry the
 * search meets points outside the term text or the postings: the file is malformed, and the
 * term must not pass for absent (a query would lose its weight without a word said). */
static int find_term(const struct impact *im, const char *term, size_t len,
                     const struct impact_term **out)
{
    size_t lo = 0, hi = im->h->nterms;

    *out = NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct impact_term *t = &im->terms[mid];
        int c;
        if (!inside(t->text, t->len, im->h->text_len, 0))
            return 0;
        c = sbuf_bytes_cmp(im->text + t->text, t->len, term, len);
        if (c == 0) {
            if (!inside(t->post, t->bytes, im->h->post_len, 0) ||
                (t->df > 0 && (uint64_t)t->skip + (t->df - 1) / IMPACT_SKIP_EVERY > im->h->nskips))
                return 0;
            *out = t;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 1;
}

uint64_t impact_df(const struct impact *im, const char *term, size_t len)
{
    const struct impact_term *t;

    return find_term(im, term, len, &t) && t != NULL ? t->df : 0;
}

/* ---- Scoring ------------------------------------------------------------------------------ */

/* Decodes a varint at *p (below end) into *v; 0 when malformed. One byte is the common case. */
static inline int get_varint(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
    uint32_t r = 0;

    if (*p < end && **p < 0x80) {
        *v = *(*p)++;
        return 1;
    }
    for (unsigned shift = 0; shift < 35 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        r |= (uint32_t)(c & 0x7f) << shift;
        if (c < 0x80) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

static int key_cmp(const struct impact_hit *a, const struct impact_hit *b)
{
    int c = sbuf_bytes_cmp(a->key, a->klen, b->key, b->klen);

    return c != 0 ? c : (a->docid > b->docid) - (a->docid < b->docid);
}

/* Whether a ranks below b: a lower weight, or the same and a later article id (then docid). */
static int below(const struct impact_hit *a, const struct impact_hit *b)
{
    if (a->weight != b->weight)
        return a->weight < b->weight;
    return key_cmp(a, b) > 0;
}

/* The heap's root is its lowest ranked hit. */
static void sift_down(struct impact_hit *hp, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && below(&hp[l], &hp[m]))
            m = l;
        if (r < n && below(&hp[r], &hp[m]))
            m = r;
        if (m == i)
            return;
        struct impact_hit t = hp[i];
        hp[i] = hp[m];
        hp[m] = t;
        i = m;
    }
}

static void sift_up(struct impact_hit *hp, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!below(&hp[i], &hp[parent]))
            return;
        struct impact_hit t = hp[i];
        hp[i] = hp[parent];
        hp[parent] = t;
        i = parent;
    }
}

static int damaged(struct trawl_error *err)
{
    return terr_set(err, TRAWL_EINDEX, "the impact file's postings are malformed");
}

/* Fills hit with docid d's article id; 0 when the tables are malformed. */
static int key_of(const struct impact *im, uint32_t d, struct impact_hit *hit)
{
    uint32_t a = im->ends[d], b = im->ends[d + 1];

    if (a > b || b > im->h->keys_len)
        return 0;
    hit->key = im->keys + a;
    hit->klen = b - a;
    return 1;
}

static int hit_cmp(const void *pa, const void *pb)
{
    const struct impact_hit *a = pa, *b = pb;

    return below(a, b) ? 1 : below(b, a) ? -1 : 0;
}

/* The accumulators, the list of docids reached and their marks: 13 bytes a document, in one
 * zeroed mapping whose pages are all made at once (a 10x Reuters article file's 190,000
 * documents: 2.5 MB; the first search would otherwise fault in most of them one by one).
 * Kept zeroed between calls. -1 when it cannot be had. */
static int alloc_scratch(struct impact *im, size_t ndocs)
{
    size_t len = ndocs * (sizeof *im->acc + sizeof *im->touched + 1);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);

    if (m == MAP_FAILED)
        return -1;
    im->scratch = m;
    im->scratch_len = len;
    im->acc = m;                                               /* 8-byte aligned: page start */
    im->touched = (uint32_t *)(im->acc + ndocs);               /* 4-byte aligned */
    im->seen = (unsigned char *)(im->touched + ndocs);
    return 0;
}

/* Offers hit (its weight set) to the heap of the best k (have of them so far): its article
 * id is read only if it can enter. 0 when the tables are malformed. */
static int offer(const struct impact *im, struct impact_hit *hit, struct impact_hit *out,
                 size_t k, size_t *have)
{
    if (k == 0 || (*have == k && hit->weight < out[0].weight))
        return 1; /* cannot enter: no key needed */
    if (!key_of(im, hit->docid, hit))
        return 0;
    if (*have < k) {
        out[*have] = *hit;
        sift_up(out, (*have)++);
    } else if (below(&out[0], hit)) {
        out[0] = *hit;
        sift_down(out, *have, 0);
    }
    return 1;
}

/* One leaf's place in its postings, for the walk a document at a time. */
struct cursor {
    const unsigned char *q, *end, *start;
    uint64_t d;      /* the current docid; CURSOR_END once past the last */
    uint32_t wdf, n; /* the current posting's wdf; postings read */
    uint32_t df;
    uint32_t leaf; /* its place among the query's leaves */
    const struct impact_skip *sk; /* the term's skip entries: nsk of them */
    uint32_t nsk;
    double weight;
    double most1; /* the most a posting of wdf 1 can add: its part at the least length */
};
#define CURSOR_END UINT64_MAX

static int cursor_step(struct cursor *c, uint32_t last);

/* A cursor on t's first posting (find_term checked the entry's bounds); 0 when malformed. */
static int cursor_init(struct cursor *c, const struct impact *im, const struct impact_term *t)
{
    memset(c, 0, sizeof *c);
    c->start = c->q = im->post + t->post;
    c->end = c->start + t->bytes;
    c->df = t->df;
    c->sk = im->skips + t->skip;
    c->nsk = t->df > 0 ? (t->df - 1) / IMPACT_SKIP_EVERY : 0;
    return cursor_step(c, im->h->lastdocid);
}

/* Moves c to its next posting; 0 when the postings are malformed (as add_leaf judges them:
 * a bad varint, a gap of 0 or past lastdocid, or, once they end, not df of them). */
static int cursor_step(struct cursor *c, uint32_t last)
{
    uint32_t gap;

    if (c->q >= c->end) {
        int whole = c->n == c->df && c->d <= last; /* docids ascend: the last is the greatest */
        c->d = CURSOR_END;
        return whole;
    }
    if (!get_varint(&c->q, c->end, &gap) || !get_varint(&c->q, c->end, &c->wdf) || gap == 0 ||
        gap > last - c->d)
        return 0;
    c->d += gap;
    c->n++;
    return 1;
}

/* cursor_step, with the common case (a one-byte gap and a one-byte wdf) inline: the walk's
 * innermost step, so inlined wherever it is called. */
static inline __attribute__((always_inline)) int cursor_next(struct cursor *c, uint32_t last)
{
    const unsigned char *q = c->q;

    (void)last; /* docids past it are caught where read (top_daat) and at the end */
    if (c->end - q >= 2 && ((q[0] | q[1]) & 0x80) == 0 && q[0] != 0) {
        c->d += q[0];
        c->wdf = q[1];
        c->q = q + 2;
        c->n++;
        return 1;
    }
    return cursor_step(c, last);
}

/* Moves c to its first posting at or past docid target, jumping over the blocks whose
 * postings are all below it; 0 when malformed (a skip entry must lie ahead of c, inside the
 * postings, its docid between c's and last: the blocks jumped over are not otherwise read). */
static int cursor_seek(struct cursor *c, uint64_t target, uint32_t last)
{
    uint32_t b, i;

    if (c->d >= target)
        return 1;
    /* Entry i begins block i + 1; c is in block (n - 1) / IMPACT_SKIP_EVERY. */
    b = (c->n - 1) / IMPACT_SKIP_EVERY;
    for (i = b; i < c->nsk && c->sk[i].docid < target; i++)
        ;
    if (i > b) {
        const struct impact_skip *s = &c->sk[i - 1];
        if (s->docid < c->d || s->docid > last || s->off < (uint64_t)(c->q - c->start) ||
            s->off >= (uint64_t)(c->end - c->start))
            return 0;
        c->q = c->start + s->off;
        c->d = s->docid;
        c->n = i * IMPACT_SKIP_EVERY; /* the postings before the block */
        if (!cursor_next(c, last))
            return 0;
    }
    while (c->d < target)
        if (!cursor_next(c, last))
            return 0;
    return 1;
}

/* The index of c's current posting (df once past the last). */
static inline uint64_t cursor_at(const struct cursor *c)
{
    return c->d == CURSOR_END ? c->n : c->n - 1;
}

/* Adds one leaf's contributions to the accumulators, marking the documents it reaches first,
 * its postings read by the same cursor as the walk a document at a time. 0 when they are
 * malformed. Everything the loop reads is in locals: a store through `seen` (unsigned char)
 * could alias any field, and the compiler would read them all again for every posting. */
static int add_leaf(struct impact *im, const struct impact_term *t, double weight,
                    const struct impact_bm25 *p, double len_factor, size_t *ntouched)
{
    const uint32_t *lens = im->lens;
    double *acc = im->acc;
    unsigned char *seen = im->seen;
    uint32_t *touched = im->touched;
    const double k1 = p->k1, b = p->b, min_normlen = p->min_normlen, one_minus_b = 1 - p->b;
    uint32_t last = im->h->lastdocid;
    size_t nt = *ntouched;
    struct cursor c;

    if (!cursor_init(&c, im, t))
        return 0;
    while (c.d != CURSOR_END) {
        uint32_t d = (uint32_t)c.d;
        double normlen, wd;
        if (c.d > last)
            return 0; /* cursor_next leaves this check to its readers */
        /* Xapian's BM25Weight::get_sumpart, operation for operation. */
        normlen = (double)lens[d] * len_factor;
        if (normlen < min_normlen)
            normlen = min_normlen;
        wd = (double)c.wdf;
        acc[d] += weight * (wd / (k1 * (normlen * b + one_minus_b) + wd));
        if (!seen[d]) {
            seen[d] = 1;
            touched[nt++] = d;
        }
        if (!cursor_next(&c, last))
            return 0; /* includes a count at the end other than the entry's df */
    }
    *ntouched = nt;
    return 1;
}

/* Counts the documents below d that the cursors c[0..ne) hold, each once, moving those
 * cursors to d or past it. 0 when postings are malformed. One cursor jumps: its postings
 * below d are counted by their indexes. */
static int count_below(struct cursor *c, size_t ne, uint64_t d, uint32_t last, uint64_t *count)
{
    if (ne == 1) {
        uint64_t from;
        if (c->d >= d)
            return 1;
        if ((c->n - 1) / IMPACT_SKIP_EVERY >= c->nsk ||
            c->sk[(c->n - 1) / IMPACT_SKIP_EVERY].docid >= d) {
            /* d is in c's block, or past its last entry: nothing to jump */
            while (c->d < d) {
                (*count)++;
                if (!cursor_next(c, last))
                    return 0;
            }
            return 1;
        }
        from = cursor_at(c);
        if (!cursor_seek(c, d, last))
            return 0;
        *count += cursor_at(c) - from;
        return 1;
    }
    for (;;) {
        uint64_t m = CURSOR_END;
        for (size_t r = 0; r < ne; r++)
            if (c[r].d < m)
                m = c[r].d;
        if (m >= d)
            return 1;
        (*count)++;
        for (size_t r = 0; r < ne; r++)
            if (c[r].d == m && !cursor_next(&c[r], last))
                return 0;
    }
}

/* Document at a time: the leaves' postings merged by docid. A document's weight is the same
 * sum as add_leaf's accumulators make (0, then each leaf's part in the leaves' order), so the
 * two paths agree bit for bit.
 *
 * A leaf's part, weight x wdf / (K + wdf), is at most its weight (wdf / (K + wdf) <= 1 when
 * K >= 0), and at most its part at the least normalised length (K is least there), rounding
 * keeping both so (each operation is monotonic). Once the heap is full:
 * - a document whose parts at the least length, summed in the same order, are below the
 *   heap's lowest cannot enter: it is counted, not scored, and its length is not read;
 * - the leaves of least weight whose weights together are below the heap's lowest (with a
 *   margin far above the rounding of 16 sums) cannot bring in a document the others do not
 *   hold (MaxScore): only the other leaves' documents are candidates, and these leaves'
 *   postings between two candidates are only counted (the match count stays exact). */
static int top_daat(struct impact *im, const struct impact_leaf *leaves, size_t nleaves,
                    const struct impact_bm25 *p, double len_factor, size_t k,
                    struct impact_hit *out, size_t *n, uint64_t *matched)
{
    struct cursor c[IMPACT_DAAT_LEAVES]; /* by weight, least first (then the leaves' order) */
    double upto[IMPACT_DAAT_LEAVES];     /* upto[r]: the weights of c[0..r] summed */
    const uint32_t *lens = im->lens;
    const double k1 = p->k1, b = p->b, min_normlen = p->min_normlen, one_minus_b = 1 - p->b;
    const double least_k = k1 * (min_normlen * b + one_minus_b); /* K at the least length */
    uint32_t last = im->h->lastdocid;
    size_t nc = 0, have = 0, ne = 0; /* c[0..ne): the leaves that bring in no candidate */
    uint64_t count = 0;
    int prune = k > 0 && k1 >= 0 && b >= 0 && b <= 1 && min_normlen >= 0;

    for (size_t j = 0; j < nleaves; j++) {
        const struct impact_term *t;
        struct cursor x;
        size_t r;
        if (!find_term(im, leaves[j].term, leaves[j].len, &t))
            return 0;
        if (t == NULL)
            continue; /* adds nothing to any document */
        if (!cursor_init(&x, im, t))
            return 0;
        x.leaf = (uint32_t)j;
        x.weight = leaves[j].weight;
        x.most1 = leaves[j].weight * (1.0 / (least_k + 1.0));
        if (!(x.weight >= 0)) /* NaN too */
            prune = 0;
        for (r = nc++; r > 0 && c[r - 1].weight > x.weight; r--) /* stable; nc <= 16 */
            c[r] = c[r - 1];
        c[r] = x;
    }
    for (size_t r = 0; r < nc; r++)
        upto[r] = (r > 0 ? upto[r - 1] : 0) + c[r].weight;
    for (;;) {
        uint64_t d = CURSOR_END;
        size_t at[IMPACT_DAAT_LEAVES], na = 0;
        double bound = 0;
        /* The least docid of the leaves that bring in candidates, and those there. */
        for (size_t r = ne; r < nc; r++)
            if (c[r].d < d) {
                d = c[r].d;
                at[0] = r;
                na = 1;
            } else if (c[r].d == d) {
                at[na++] = r;
            }
        if (ne > 0 && !count_below(c, ne, d, last, &count))
            return 0;
        if (d == CURSOR_END)
            break;
        count++;
        for (size_t r = 0; r < ne; r++)
            if (c[r].d == d)
                at[na++] = r;
        /* In the leaves' order, as add_leaf sums them, and the most they can add. */
        for (size_t a = 1; a < na; a++)
            for (size_t e = a; e > 0 && c[at[e - 1]].leaf > c[at[e]].leaf; e--) {
                size_t tmp = at[e];
                at[e] = at[e - 1];
                at[e - 1] = tmp;
            }
        if (prune && have == k)
            for (size_t a = 0; a < na; a++) {
                const struct cursor *x = &c[at[a]];
                double wd = (double)x->wdf;
                bound += x->wdf == 1 ? x->most1 : x->weight * (wd / (least_k + wd));
            }
        if (d > last)
            return 0; /* a gap ran past the last docid */
        if (k > 0 && !(prune && have == k && bound < out[0].weight)) {
            /* Xapian's BM25Weight::get_sumpart, operation for operation (as add_leaf). */
            struct impact_hit hit = {(uint32_t)d, 0, NULL, 0};
            double normlen = (double)lens[d] * len_factor;
            if (normlen < min_normlen)
                normlen = min_normlen;
            for (size_t a = 0; a < na; a++) {
                double wd = (double)c[at[a]].wdf;
                hit.weight += c[at[a]].weight * (wd / (k1 * (normlen * b + one_minus_b) + wd));
            }
            if (!offer(im, &hit, out, k, &have))
                return 0;
            while (prune && have == k && ne < nc && upto[ne] * (1 + 1e-12) < out[0].weight)
                ne++;
        }
        for (size_t a = 0; a < na; a++)
            if (!cursor_next(&c[at[a]], last))
                return 0;
    }
    qsort(out, have, sizeof *out, hit_cmp);
    *n = have;
    *matched = count;
    return 1;
}

int impact_top(struct impact *im, const struct impact_leaf *leaves, size_t nleaves,
               const struct impact_bm25 *p, size_t k, struct impact_hit *out, size_t *n,
               uint64_t *matched, struct trawl_error *err)
{
    size_t ndocs = (size_t)im->h->lastdocid + 1, ntouched = 0, have = 0;
    double avlength, len_factor;
    int ok = 1;

    *n = 0;
    *matched = 0;
    /* Xapian's BM25Weight: normlen = max(len / average, min_normlen), average = total / N. */
    avlength = im->h->doccount > 0 ? (double)im->h->total_length / (double)im->h->doccount : 0;
    len_factor = avlength != 0 ? 1 / avlength : 0;
    if (nleaves <= IMPACT_DAAT_LEAVES)
        return top_daat(im, leaves, nleaves, p, len_factor, k, out, n, matched) ? TRAWL_OK
                                                                              : damaged(err);
    if (im->scratch == NULL && alloc_scratch(im, ndocs) != 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* Term at a time: each document's weight is summed over the leaves in their order. */
    for (size_t j = 0; ok && j < nleaves; j++) {
        const struct impact_term *t;
        ok = find_term(im, leaves[j].term, leaves[j].len, &t);
        if (ok && t != NULL)
            ok = add_leaf(im, t, leaves[j].weight, p, len_factor, &ntouched);
    }
    for (size_t i = 0; i < ntouched; i++) {
        uint32_t d = im->touched[i];
        struct impact_hit hit;
        hit.docid = d;
        hit.weight = im->acc[d];
        im->acc[d] = 0;
        im->seen[d] = 0;
        if (ok && !offer(im, &hit, out, k, &have))
            ok = 0;
    }
    if (!ok)
        return damaged(err);
    qsort(out, have, sizeof *out, hit_cmp);
    *n = have;
    *matched = ntouched;
    return TRAWL_OK;
}

/* ---- Boolean trees ------------------------------------------------------------------------ */

/* A node of impact_match's tree as its walk keeps it. */
struct mnode {
    enum impact_op op;
    double weight;         /* IMPACT_LEAF: its leaf's */
    struct cursor *c;      /* IMPACT_LEAF: its postings; NULL when the file lacks the term */
    struct mnode **kids;   /* the others */
    size_t nkids;
    const uint8_t *allow;  /* IMPACT_FILTER */
    size_t nallow;
    uint64_t d;            /* the least docid it matches at or past the last target asked
                            * (0 before any; CURSOR_END when none) */
};

struct mwalk {
    struct mnode *nodes;
    struct mnode **kids;
    struct cursor *cur;
    size_t nnodes, nkids, ncur;
    uint32_t last;
    int rc; /* the first refusal of the tree: TRAWL_EINPUT, TRAWL_EINDEX */
};

/* Counts the nodes, kid slots and leaves under q into w (sizes only: nothing set), refusing
 * what impact_match refuses. */
static void tree_size(struct mwalk *w, const struct impact_node *q, size_t nleaves, size_t depth)
{
    if (w->rc != TRAWL_OK)
        return;
    if (depth > IMPACT_TREE_DEPTH || ++w->nnodes > IMPACT_TREE_NODES) {
        w->rc = TRAWL_EINPUT;
        return;
    }
    if (q->op == IMPACT_LEAF) {
        if (q->leaf >= nleaves)
            w->rc = TRAWL_EINPUT;
        w->ncur++;
        return;
    }
    if ((q->op != IMPACT_OR && q->op != IMPACT_AND && q->op != IMPACT_AND_NOT &&
         q->op != IMPACT_AND_MAYBE && q->op != IMPACT_FILTER) ||
        (q->op != IMPACT_FILTER && (q->nkids == 0 || q->kids == NULL)) ||
        (q->op == IMPACT_FILTER &&
         (q->nkids > 1 || (q->nkids == 1 && q->kids == NULL) || q->allow == NULL))) {
        w->rc = TRAWL_EINPUT;
        return;
    }
    w->nkids += q->nkids;
    for (size_t i = 0; i < q->nkids && w->rc == TRAWL_OK; i++)
        tree_size(w, q->kids[i], nleaves, depth + 1);
}

/* Builds q's walk node from w's arrays (sized by tree_size); NULL with w->rc set when a
 * leaf's term entry is malformed. */
static struct mnode *tree_make(struct mwalk *w, const struct impact *im,
                               const struct impact_node *q, const struct impact_leaf *leaves)
{
    struct mnode *m = &w->nodes[w->nnodes++];

    memset(m, 0, sizeof *m);
    m->op = q->op;
    if (q->op == IMPACT_LEAF) {
        const struct impact_leaf *l = &leaves[q->leaf];
        const struct impact_term *t;
        m->weight = l->weight;
        if (!find_term(im, l->term, l->len, &t)) {
            w->rc = TRAWL_EINDEX;
            return NULL;
        }
        if (t != NULL) {
            m->c = &w->cur[w->ncur++];
            if (!cursor_init(m->c, im, t)) {
                w->rc = TRAWL_EINDEX;
                return NULL;
            }
        }
        return m;
    }
    m->kids = &w->kids[w->nkids];
    m->nkids = q->nkids;
    m->allow = q->allow;
    m->nallow = q->nallow;
    w->nkids += q->nkids;
    for (size_t i = 0; i < q->nkids; i++)
        if ((m->kids[i] = tree_make(w, im, q->kids[i], leaves)) == NULL)
            return NULL;
    return m;
}

static int tree_next(struct mwalk *w, struct mnode *m, uint64_t target);

/* Moves m to the least docid it matches at or past target (targets never decrease from one
 * call on a node to the next, so its cursors only go forward). 0 when postings are malformed.
 * The common cases inline (the walk's innermost step): m already there, or a leaf whose next
 * few postings reach target (a skip entry costs more to look at than a posting to step). */
static inline __attribute__((always_inline)) int node_next(struct mwalk *w, struct mnode *m,
                                                           uint64_t target)
{
    if (m->d >= target)
        return 1; /* still the least at or past the earlier target, so past this one too */
    if (m->op == IMPACT_LEAF && m->c != NULL) {
        struct cursor *c = m->c;
        for (int i = 0; i < 4 && c->d < target; i++)
            if (!cursor_next(c, w->last))
                return 0;
        if (c->d < target && !cursor_seek(c, target, w->last))
            return 0;
        if (c->d != CURSOR_END && c->d > w->last)
            return 0;
        m->d = c->d;
        return 1;
    }
    return tree_next(w, m, target);
}

static int tree_next(struct mwalk *w, struct mnode *m, uint64_t target)
{
    if (m->d >= target)
        return 1;
    switch (m->op) {
    case IMPACT_LEAF: /* one whose term the file lacks (node_next does the others) */
        m->d = CURSOR_END;
        return 1;
    case IMPACT_OR: {
        uint64_t least = CURSOR_END;
        for (size_t i = 0; i < m->nkids; i++) {
            if (!node_next(w, m->kids[i], target))
                return 0;
            if (m->kids[i]->d < least)
                least = m->kids[i]->d;
        }
        m->d = least;
        return 1;
    }
    case IMPACT_AND: {
        /* Leapfrog: each kid in turn to the greatest docid so far, until all agree. */
        uint64_t d = target;
        size_t agree = 0;
        for (size_t i = 0; agree < m->nkids; i = (i + 1) % m->nkids) {
            struct mnode *kid = m->kids[i];
            if (!node_next(w, kid, d))
                return 0;
            if (kid->d == CURSOR_END) {
                m->d = CURSOR_END;
                return 1;
            }
            if (kid->d > d) {
                d = kid->d;
                agree = 1;
            } else {
                agree++;
            }
        }
        m->d = d;
        return 1;
    }
    case IMPACT_AND_NOT:
        for (;;) {
            size_t i;
            if (!node_next(w, m->kids[0], target))
                return 0;
            if ((m->d = m->kids[0]->d) == CURSOR_END)
                return 1;
            for (i = 1; i < m->nkids; i++) {
                if (!node_next(w, m->kids[i], m->d))
                    return 0;
                if (m->kids[i]->d == m->d)
                    break;
            }
            if (i == m->nkids)
                return 1;
            target = m->d + 1; /* excluded */
        }
    case IMPACT_AND_MAYBE:
        if (!node_next(w, m->kids[0], target))
            return 0;
        m->d = m->kids[0]->d;
        return 1;
    case IMPACT_FILTER:
        if (m->nkids == 0) { /* the set alone */
            uint64_t d = target;
            while (d < m->nallow && d <= w->last && !m->allow[d])
                d++;
            m->d = d < m->nallow && d <= w->last ? d : CURSOR_END;
            return 1;
        }
        for (;;) {
            if (!node_next(w, m->kids[0], target))
                return 0;
            if ((m->d = m->kids[0]->d) == CURSOR_END ||
                (m->d < m->nallow && m->allow[m->d]))
                return 1;
            target = m->d + 1; /* filtered out */
        }
    }
    return 0;
}

/* m's weight at d, where it matches (m->d == d), into *out; K is BM25's k1 (normlen b +
 * 1 - b) for d's length. 0 when postings are malformed (an AND_MAYBE's optional kids are
 * sought here). */
static int tree_weight(struct mwalk *w, struct mnode *m, uint64_t d, double K, double *out)
{
    double sum = 0, part;
    size_t i;

    switch (m->op) {
    case IMPACT_LEAF: {
        double wd = (double)m->c->wdf;
        *out = m->weight * (wd / (K + wd)); /* as impact_top: BM25Weight::get_sumpart */
        return 1;
    }
    case IMPACT_OR:
    case IMPACT_AND:
        for (i = 0; i < m->nkids; i++) {
            if (m->kids[i]->d != d)
                continue; /* an AND's kids are all at d */
            if (!tree_weight(w, m->kids[i], d, K, &part))
                return 0;
            sum += part;
        }
        *out = sum;
        return 1;
    case IMPACT_AND_NOT: return tree_weight(w, m->kids[0], d, K, out);
    case IMPACT_FILTER:
        if (m->nkids == 0) {
            *out = 0; /* a boolean filter weighs nothing in Xapian */
            return 1;
        }
        return tree_weight(w, m->kids[0], d, K, out);
    case IMPACT_AND_MAYBE:
        for (i = 0; i < m->nkids; i++) {
            if (i > 0 && !node_next(w, m->kids[i], d))
                return 0;
            if (m->kids[i]->d != d)
                continue;
            if (!tree_weight(w, m->kids[i], d, K, &part))
                return 0;
            sum += part;
        }
        *out = sum;
        return 1;
    }
    return 0;
}

/* Sizes, allocates and builds w's walk of the tree at root; *top its root node. Free with
 * tree_close whatever the result. */
static int tree_open(struct mwalk *w, const struct impact *im, const struct impact_node *root,
                     const struct impact_leaf *leaves, size_t nleaves, struct mnode **top,
                     struct trawl_error *err)
{
    memset(w, 0, sizeof *w);
    w->last = im->h->lastdocid;
    tree_size(w, root, nleaves, 1);
    if (w->rc != TRAWL_OK)
        return terr_set(err, TRAWL_EINPUT, "the query tree is malformed or too large");
    w->nodes = malloc(w->nnodes * sizeof *w->nodes);
    w->kids = malloc((w->nkids ? w->nkids : 1) * sizeof *w->kids);
    w->cur = malloc((w->ncur ? w->ncur : 1) * sizeof *w->cur);
    if (w->nodes == NULL || w->kids == NULL || w->cur == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    w->nnodes = w->nkids = w->ncur = 0;
    if ((*top = tree_make(w, im, root, leaves)) == NULL)
        return damaged(err);
    return TRAWL_OK;
}

static void tree_close(struct mwalk *w)
{
    free(w->nodes);
    free(w->kids);
    free(w->cur);
}

int impact_match(struct impact *im, const struct impact_node *root,
                 const struct impact_leaf *leaves, size_t nleaves, const struct impact_bm25 *p,
                 size_t k, struct impact_hit *out, size_t *n, uint64_t *matched,
                 struct trawl_error *err)
{
    const double k1 = p->k1, b = p->b, min_normlen = p->min_normlen, one_minus_b = 1 - p->b;
    struct mwalk w;
    struct mnode *top = NULL;
    double avlength, len_factor;
    uint64_t count = 0;
    size_t have = 0;
    int rc;

    *n = 0;
    *matched = 0;
    if ((rc = tree_open(&w, im, root, leaves, nleaves, &top, err)) != TRAWL_OK)
        goto out;
    /* Xapian's BM25Weight: normlen = max(len / average, min_normlen), average = total / N. */
    avlength = im->h->doccount > 0 ? (double)im->h->total_length / (double)im->h->doccount : 0;
    len_factor = avlength != 0 ? 1 / avlength : 0;
    for (uint64_t target = 1;; target = top->d + 1) {
        struct impact_hit hit;
        double normlen;
        if (!node_next(&w, top, target)) {
            rc = damaged(err);
            goto out;
        }
        if (top->d == CURSOR_END)
            break;
        count++;
        if (k == 0)
            continue;
        normlen = (double)im->lens[top->d] * len_factor;
        if (normlen < min_normlen)
            normlen = min_normlen;
        hit = (struct impact_hit){(uint32_t)top->d, 0, NULL, 0};
        if (!tree_weight(&w, top, top->d, k1 * (normlen * b + one_minus_b), &hit.weight) ||
            !offer(im, &hit, out, k, &have)) {
            rc = damaged(err);
            goto out;
        }
    }
    qsort(out, have, sizeof *out, hit_cmp);
    *n = have;
    *matched = count;
out:
    tree_close(&w);
    return rc;
}

/* Whether docid d holds the article id key[0..klen); 0 too when the tables are malformed. */
static int has_key(const struct impact *im, uint32_t d, const char *key, size_t klen)
{
    struct impact_hit h;

    return klen > 0 && d >= 1 && d <= im->h->lastdocid && key_of(im, d, &h) && h.klen == klen &&
           memcmp(h.key, key, klen) == 0;
}

int impact_match_runs(struct impact *im, const struct impact_node *root,
                      const struct impact_leaf *leaves, size_t nleaves, const uint32_t *docs,
                      const char *const *keys, const size_t *klens, size_t n, uint32_t *runs,
                      uint64_t *counts, struct trawl_error *err)
{
    struct mwalk w;
    struct mnode *top = NULL;
    uint32_t *lo = NULL, *hi = NULL;
    size_t *order = NULL;
    int rc;

    if ((rc = tree_open(&w, im, root, leaves, nleaves, &top, err)) != TRAWL_OK)
        goto out;
    lo = malloc((n ? n : 1) * sizeof *lo);
    hi = malloc((n ? n : 1) * sizeof *hi);
    order = malloc((n ? n : 1) * sizeof *order);
    if (lo == NULL || hi == NULL || order == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    /* Each run, from its docid both ways while the article id holds. */
    for (size_t i = 0; i < n; i++) {
        if (!has_key(im, docs[i], keys[i], klens[i])) {
            rc = terr_set(err, TRAWL_ENOTFOUND, "document %u is not of that article",
                          (unsigned)docs[i]);
            goto out;
        }
        for (lo[i] = docs[i]; has_key(im, lo[i] - 1, keys[i], klens[i]); lo[i]--)
            ;
        for (hi[i] = docs[i]; has_key(im, hi[i] + 1, keys[i], klens[i]); hi[i]++)
            ;
        runs[i] = hi[i] - lo[i] + 1;
        counts[i] = 0;
        /* By run, ascending (insertion: a page's few), so that the walk only goes forward. */
        size_t j = i;
        for (; j > 0 && lo[order[j - 1]] > lo[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t r = 0; r < n; r++) {
        size_t i = order[r];
        if (r > 0 && lo[order[r - 1]] == lo[i]) { /* the same run again */
            counts[i] = counts[order[r - 1]];
            continue;
        }
        for (uint64_t target = lo[i];; target = top->d + 1) {
            if (!node_next(&w, top, target)) {
                rc = damaged(err);
                goto out;
            }
            if (top->d > hi[i])
                break; /* CURSOR_END too */
            counts[i]++;
        }
    }
out:
    free(lo);
    free(hi);
    free(order);
    tree_close(&w);
    return rc;
}

/* ---- Counts of given documents ------------------------------------------------------------- */

int impact_docs_wdf(struct impact *im, const char *const *terms, const size_t *lens,
                    size_t nterms, const uint32_t *docs, size_t ndocs, uint32_t *wdf,
                    uint32_t *len, struct trawl_error *err)
{
    uint32_t last = im->h->lastdocid;

    for (size_t i = 0; i < ndocs; i++) {
        if (docs[i] > last || docs[i] == 0 || (i > 0 && docs[i] <= docs[i - 1]))
            return terr_set(err, TRAWL_EINDEX, "the impact file has no document %u",
                            (unsigned)docs[i]);
        len[i] = im->lens[docs[i]];
    }
    if (ndocs > 0 && nterms > 0)
        memset(wdf, 0, ndocs * nterms * sizeof *wdf);
    for (size_t j = 0; j < nterms && ndocs > 0; j++) {
        const struct impact_term *t;
        struct cursor c;
        if (!find_term(im, terms[j], lens[j], &t))
            return damaged(err);
        if (t == NULL)
            continue;
        if (!cursor_init(&c, im, t))
            return damaged(err);
        for (size_t i = 0; i < ndocs && c.d != CURSOR_END; i++) {
            if (!cursor_seek(&c, docs[i], last))
                return damaged(err);
            if (c.d == docs[i])
                wdf[i * nterms + j] = c.wdf;
        }
    }
    return TRAWL_OK;
}
