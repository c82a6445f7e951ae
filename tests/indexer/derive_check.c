/* derive_check: derives the article impact file of the index at INDEX from its passage
 * database (index_impacts_derived) into OUT and compares it, section by section, with FRESH:
 * a file, or a folder into which the file is first written from INDEX's article database's
 * own postings (index_impacts_written: INDEX a sharded index's shard, whose article documents
 * hold ranking terms) (tests/indexer/derive_test.py).
 *
 *     derive_check INDEX FRESH OUT
 *
 * Prints one line per section (identical, or where it first differs) and the derivation's
 * wall and CPU time. Exit status: 0 the two files are the same bytes, 1 they differ, 2 an
 * error. */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/impact.h"
#include "common/index.h"

struct file {
    unsigned char *b;
    size_t len;
};

static int slurp(const char *path, struct file *f)
{
    FILE *fp = fopen(path, "rb");
    long n;

    f->b = NULL;
    f->len = 0;
    if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0 || (f->b = malloc((size_t)n + 1)) == NULL ||
        fread(f->b, 1, (size_t)n, fp) != (size_t)n) {
        fprintf(stderr, "derive_check: cannot read '%s'\n", path);
        if (fp != NULL)
            fclose(fp);
        free(f->b);
        f->b = NULL;
        return -1;
    }
    f->len = (size_t)n;
    fclose(fp);
    return 0;
}

static double seconds(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compares section name at each file's own offset and length; 1 when they differ. */
static int section(const char *name, const struct file *a, uint64_t aoff, uint64_t alen,
                   const struct file *b, uint64_t boff, uint64_t blen)
{
    if (aoff > a->len || alen > a->len - aoff || boff > b->len || blen > b->len - boff) {
        printf("%-10s out of its file (fresh %llu+%llu, derived %llu+%llu)\n", name,
               (unsigned long long)aoff, (unsigned long long)alen, (unsigned long long)boff,
               (unsigned long long)blen);
        return 1;
    }
    for (uint64_t i = 0; i < alen && i < blen; i++)
        if (a->b[aoff + i] != b->b[boff + i]) {
            printf("%-10s differs at byte %llu of %llu\n", name, (unsigned long long)i,
                   (unsigned long long)alen);
            return 1;
        }
    if (alen != blen) {
        printf("%-10s %llu bytes fresh, %llu derived\n", name, (unsigned long long)alen,
               (unsigned long long)blen);
        return 1;
    }
    printf("%-10s identical, %llu bytes\n", name, (unsigned long long)alen);
    return 0;
}

/* The header's fields one by one, so a difference names its field. */
static int header(const struct impact_header *f, const struct impact_header *d)
{
    int bad = 0;
#define FIELD(x)                                                                                \
    if (f->x != d->x) {                                                                         \
        printf("header     %s: fresh %llu, derived %llu\n", #x, (unsigned long long)f->x,      \
               (unsigned long long)d->x);                                                       \
        bad = 1;                                                                                \
    }
    FIELD(version)
    FIELD(revision)
    FIELD(doccount)
    FIELD(total_length)
    FIELD(lastdocid)
    FIELD(nterms)
    FIELD(post_len)
    FIELD(text_len)
    FIELD(keys_len)
    FIELD(size)
    FIELD(nskips)
#undef FIELD
    if (memcmp(f->uuid, d->uuid, sizeof f->uuid) != 0) {
        printf("header     uuid: fresh %.40s, derived %.40s\n", f->uuid, d->uuid);
        bad = 1;
    }
    return bad;
}

int main(int argc, char **argv)
{
    struct index_derive_stats st;
    struct trawl_error err;
    struct file fresh, derived;
    struct impact_header fh, dh;
    struct stat sb;
    char *ref = NULL;
    double wall, cpu;
    int bad = 0, rc;

    if (argc != 4) {
        fprintf(stderr, "usage: derive_check INDEX FRESH OUT\n");
        return 2;
    }
    wall = seconds(CLOCK_MONOTONIC);
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = index_impacts_derived(argv[1], argv[3], &st, &err);
    wall = seconds(CLOCK_MONOTONIC) - wall;
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    if (rc != TRAWL_OK) {
        fprintf(stderr, "derive_check: %s\n", err.msg);
        return 2;
    }
    printf("derived    %zu articles (%zu title terms taken off) in %.3f s wall, %.3f s CPU\n",
           st.articles, st.title_terms, wall, cpu);
    if (stat(argv[2], &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (index_impacts_written(argv[1], argv[2], &err) != TRAWL_OK) {
            fprintf(stderr, "derive_check: %s\n", err.msg);
            return 2;
        }
        if (asprintf(&ref, "%s/%s", argv[2], IMPACT_FILE) < 0)
            return 2;
    }
    rc = slurp(ref != NULL ? ref : argv[2], &fresh);
    free(ref);
    if (rc != 0)
        return 2;
    if (slurp(argv[3], &derived) != 0) {
        free(fresh.b);
        return 2;
    }
    if (fresh.len < IMPACT_HEADER || derived.len < IMPACT_HEADER) {
        printf("a file is shorter than its header\n");
        free(fresh.b);
        free(derived.b);
        return 1;
    }
    memcpy(&fh, fresh.b, sizeof fh);
    memcpy(&dh, derived.b, sizeof dh);
    bad |= header(&fh, &dh);
    bad |= section("header", &fresh, 0, IMPACT_HEADER, &derived, 0, IMPACT_HEADER);
    bad |= section("postings", &fresh, fh.post_off, fh.post_len, &derived, dh.post_off,
                   dh.post_len);
    bad |= section("term text", &fresh, fh.text_off, fh.text_len, &derived, dh.text_off,
                   dh.text_len);
    bad |= section("terms", &fresh, fh.terms_off, (uint64_t)fh.nterms * sizeof(struct impact_term),
                   &derived, dh.terms_off, (uint64_t)dh.nterms * sizeof(struct impact_term));
    bad |= section("lengths", &fresh, fh.lens_off, ((uint64_t)fh.lastdocid + 1) * 4, &derived,
                   dh.lens_off, ((uint64_t)dh.lastdocid + 1) * 4);
    bad |= section("key ends", &fresh, fh.ends_off, ((uint64_t)fh.lastdocid + 2) * 4, &derived,
                   dh.ends_off, ((uint64_t)dh.lastdocid + 2) * 4);
    bad |= section("keys", &fresh, fh.keys_off, fh.keys_len, &derived, dh.keys_off, dh.keys_len);
    bad |= section("skips", &fresh, fh.skips_off, fh.nskips * sizeof(struct impact_skip),
                   &derived, dh.skips_off, dh.nskips * sizeof(struct impact_skip));
    bad |= section("file", &fresh, 0, fresh.len, &derived, 0, derived.len);
    free(fresh.b);
    free(derived.b);
    printf("%s\n", bad ? "DIFFERENT" : "SAME");
    return bad ? 1 : 0;
}
