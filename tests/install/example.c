/* example: the smallest useful program over libtrawl, built by the install test against the
 * *installed* library (cc example.c $(pkg-config --cflags --libs trawl)).
 *
 *     example INDEX CORPUS_DIR QUERY
 *
 * Indexes the article files (*.txt) of CORPUS_DIR into INDEX, runs QUERY and prints the top
 * passage: "ARTICLE ¶N", then the passage with its matches in [brackets]. Exit 0 when something
 * matched, 1 when nothing did, 2 on error. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trawl.h>

static int fail(const char *what, const struct trawl_error *err)
{
    fprintf(stderr, "example: %s: %s\n", what, err->msg);
    return 2;
}

/* Reads a whole file; NULL on any error. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Queues every *.txt file of dir, its name without ".txt" as the article id. */
static int add_folder(trawl_writer *w, const char *dir, struct trawl_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int rc = TRAWL_OK;

    if (d == NULL) {
        snprintf(err->msg, sizeof err->msg, "cannot open '%s'", dir);
        return err->code = TRAWL_EIO;
    }
    while (rc == TRAWL_OK && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name), len = 0;
        char path[4096], id[256];
        struct trawl_record rec;
        trawl_article *a;
        char *buf;
        if (n <= 4 || strcmp(de->d_name + n - 4, ".txt") != 0 || n - 4 >= sizeof id)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(id, sizeof id, "%.*s", (int)(n - 4), de->d_name);
        if ((buf = slurp(path, &len)) == NULL || (a = trawl_article_new()) == NULL) {
            free(buf);
            continue;
        }
        memset(&rec, 0, sizeof rec);
        rec.source = path;
        rec.source_len = strlen(path);
        rec.hash = trawl_hash(TRAWL_HASH_SEED, buf, len);
        rec.size = len;
        rc = trawl_article_from_file(a, id, buf, len, err);
        if (rc == TRAWL_OK)
            rc = trawl_writer_put(w, a, &rec, 0, err);
        trawl_article_free(a);
        free(buf);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    struct trawl_error err;
    struct trawl_snippet sn;
    trawl_writer *w = NULL;
    trawl_index *ix = NULL;
    trawl_results *r = NULL;
    const struct trawl_hit *h;
    size_t at;
    int status = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: example INDEX CORPUS_DIR QUERY\n");
        return 2;
    }
    if (trawl_writer_open(argv[1], NULL, &w, &err) != TRAWL_OK ||
        trawl_writer_start(w, &err) != TRAWL_OK || add_folder(w, argv[2], &err) != TRAWL_OK ||
        trawl_writer_finish(w, NULL, &err) != TRAWL_OK) {
        trawl_writer_close(w);
        return fail("indexing", &err);
    }
    trawl_writer_close(w);

    if (trawl_open(argv[1], NULL, &ix, &err) != TRAWL_OK)
        return fail("opening", &err);
    if (trawl_search(ix, argv[3], strlen(argv[3]), NULL, &r, &err) != TRAWL_OK) {
        trawl_close(ix);
        return fail("searching", &err);
    }
    if (trawl_results_count(r) > 0) {
        h = trawl_results_hit(r, 0);
        printf("%.*s ¶%u\n", (int)h->passage.article_len, h->passage.article,
               h->passage.ordinal);
        if (trawl_snippet(r, h->passage.text, h->passage.text_len, 0, &sn, &err) != TRAWL_OK) {
            status = fail("highlighting", &err);
        } else {
            at = 0;
            for (size_t m = 0; m < sn.nmarks; m++) {
                printf("%.*s[%.*s]", (int)(sn.marks[m].start - at), h->passage.text + at,
                       (int)(sn.marks[m].end - sn.marks[m].start),
                       h->passage.text + sn.marks[m].start);
                at = sn.marks[m].end;
            }
            printf("%.*s\n", (int)(h->passage.text_len - at), h->passage.text + at);
            trawl_snippet_release(&sn);
            status = 0;
        }
    }
    trawl_results_free(r);
    trawl_close(ix);
    return status;
}
