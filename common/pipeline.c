#include "common/pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/layout.h"

#define RING 1024 /* jobs in flight at most */
#define MAX_WRITERS TRAWL_MAX_SHARDS /* one writer per shard at most */

struct job {
    enum job_kind kind;
    unsigned route;            /* the writer (index) it goes to */
    struct article art;
    struct trawl_record rec;
    char *source;              /* owned copy of rec.source / the id to remove */
    char *id;                  /* JOB_RECORD: the article id */
    int is_new;
    struct index_prep *prep;   /* made by a worker */
    int done;                  /* ready for its writer */
    struct trawl_error err;           /* a worker's failure */
    int rc;
};

struct writer {
    struct pipeline *p;
    unsigned w;
    pthread_t thread;
    int started;
    uint64_t cursor; /* next ring position this writer looks at */
};

struct pipeline {
    struct index **ix;
    unsigned nix;
    struct pipeline_opts o;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_write, cv_space;
    pthread_t *workers;
    unsigned nworkers;
    struct writer writers[MAX_WRITERS];
    struct job *ring[RING];
    uint64_t next_seq;   /* next job the producer submits */
    uint64_t claim_seq;  /* next job a worker looks at */
    uint64_t free_seq;   /* ring positions below this are free */
    size_t pending_bytes;
    int closing;         /* the producer has finished */
    int aborting;
    int failed;          /* a writer failed (or the cancel flag went up): err holds why */
    int cancelled;       /* the cancel flag was seen: every thread stops between jobs */
    struct trawl_error err;
    struct trawl_write_counts counts;
};

static void job_free(struct job *j)
{
    if (j == NULL)
        return;
    article_release(&j->art);
    index_prep_free(j->prep);
    free(j->source);
    free(j->id);
    free(j);
}

/* Whether the caller's cancel flag is up. The first to see it fails the pipeline with
 * TRAWL_ECANCELLED and wakes every thread, which then stops between jobs: nothing more is
 * analysed, written or committed. Called with the lock held. */
static int check_cancel(struct pipeline *p)
{
    if (!p->cancelled && p->o.cancel != NULL && *p->o.cancel) {
        p->cancelled = 1;
        if (!p->failed) {
            p->failed = 1;
            terr_set(&p->err, TRAWL_ECANCELLED, "writing cancelled");
        }
        pthread_cond_broadcast(&p->cv_work);
        pthread_cond_broadcast(&p->cv_write);
        pthread_cond_broadcast(&p->cv_space);
    }
    return p->cancelled;
}

static void *worker_main(void *arg)
{
    struct pipeline *p = arg;
    struct analyzer *an = NULL;
    struct trawl_error aerr;
    int have_an = analyzer_new(p->o.lang, &an, &aerr) == TRAWL_OK;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        while (!p->aborting && p->claim_seq == p->next_seq && !p->closing)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->aborting || check_cancel(p) || p->claim_seq == p->next_seq)
            break;
        j = p->ring[p->claim_seq % RING];
        p->claim_seq++;
        if (j->kind != JOB_PUT)
            continue; /* nothing to analyse; submit() marked it done */
        pthread_mutex_unlock(&p->mu);

        if (!have_an) {
            j->err = aerr;
            j->rc = aerr.code;
        } else {
            j->rc = index_prepare(an, &j->art, &p->o.passages, p->o.article_terms, &j->rec,
                                  &j->prep, &j->err);
        }
        /* The text is in the documents now; free it before the writer gets to it. */
        article_release(&j->art);

        pthread_mutex_lock(&p->mu);
        p->pending_bytes -= j->rec.size < p->pending_bytes ? j->rec.size : p->pending_bytes;
        j->done = 1;
        pthread_cond_broadcast(&p->cv_write);
        pthread_cond_broadcast(&p->cv_space);
    }
    pthread_mutex_unlock(&p->mu);
    analyzer_free(an);
    return NULL;
}

static int apply(struct pipeline *p, struct index *ix, struct job *j, size_t *in_batch,
                 struct trawl_error *err)
{
    int rc = TRAWL_OK;

    if (*in_batch == 0 && p->o.batch_articles && (rc = index_begin(ix, err)) != TRAWL_OK)
        return rc;
    switch (j->kind) {
    case JOB_PUT:
        if (j->rc != TRAWL_OK) {
            *err = j->err;
            return j->rc;
        }
        rc = index_put(ix, j->prep, j->is_new, err);
        if (rc == TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            p->counts.put++;
            p->counts.passages += index_prep_passages(j->prep);
            p->counts.bytes += j->rec.size;
            pthread_mutex_unlock(&p->mu);
        }
        break;
    case JOB_REMOVE:
        rc = index_remove(ix, j->source, err);
        if (rc == TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            p->counts.removed++;
            pthread_mutex_unlock(&p->mu);
        }
        break;
    case JOB_RECORD: rc = index_set_record(ix, j->id, &j->rec, err); break;
    }
    if (rc != TRAWL_OK)
        return rc;
    if (++*in_batch >= p->o.batch_articles && p->o.batch_articles) {
        rc = index_commit(ix, err);
        *in_batch = 0;
    }
    return rc;
}

/* Each writer walks the whole ring in order and applies the jobs routed to it, so its index
 * sees its articles in submission order. */
static void *writer_main(void *arg)
{
    struct writer *wr = arg;
    struct pipeline *p = wr->p;
    struct index *ix = p->ix[wr->w];
    size_t in_batch = 0;
    struct trawl_error err;
    int rc = TRAWL_OK, stop;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        while (!p->aborting && wr->cursor == p->next_seq && !p->closing)
            pthread_cond_wait(&p->cv_write, &p->mu);
        /* A cancelled writer leaves the rest of the ring (and the workers may have left
         * its jobs unanalysed). */
        if (p->aborting || check_cancel(p) || wr->cursor == p->next_seq)
            break;
        j = p->ring[wr->cursor % RING];
        if (j->route != wr->w) {
            wr->cursor++;
            pthread_cond_broadcast(&p->cv_space);
            continue;
        }
        if (!j->done) {
            pthread_cond_wait(&p->cv_write, &p->mu);
            continue;
        }
        pthread_mutex_unlock(&p->mu);

        if (rc == TRAWL_OK)
            rc = apply(p, ix, j, &in_batch, &err);
        /* Heavy parts go now; the job itself when every writer has passed it. */
        index_prep_free(j->prep);
        j->prep = NULL;

        pthread_mutex_lock(&p->mu);
        wr->cursor++;
        if (rc != TRAWL_OK && !p->failed) {
            p->failed = 1;
            p->err = err;
        }
        pthread_cond_broadcast(&p->cv_space);
    }
    stop = p->aborting || p->cancelled;
    pthread_mutex_unlock(&p->mu);

    /* Aborted or cancelled: the batch in progress is dropped, the committed ones stay. */
    if (stop || rc != TRAWL_OK) {
        index_cancel(ix, NULL);
    } else if (in_batch > 0) {
        rc = index_commit(ix, &err);
        if (rc != TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            if (!p->failed) {
                p->failed = 1;
                p->err = err;
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

int pipeline_start(struct index **ix, unsigned nix, const struct pipeline_opts *o,
                   struct pipeline **out, struct trawl_error *err)
{
    struct pipeline *p = calloc(1, sizeof *p);

    *out = NULL;
    if (p == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (nix == 0 || nix > MAX_WRITERS) {
        free(p);
        return terr_set(err, TRAWL_EINPUT, "between 1 and %d writers", MAX_WRITERS);
    }
    p->ix = ix;
    p->nix = nix;
    p->o = *o;
    if (p->o.workers == 0)
        p->o.workers = 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_write, NULL);
    pthread_cond_init(&p->cv_space, NULL);
    p->workers = calloc(p->o.workers, sizeof *p->workers);
    if (p->workers == NULL) {
        pipeline_abort(p);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < p->o.workers; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
            pipeline_abort(p);
            return terr_set(err, TRAWL_EINTERNAL, "cannot start an analysis thread");
        }
        p->nworkers++;
    }
    for (unsigned w = 0; w < nix; w++) {
        p->writers[w].p = p;
        p->writers[w].w = w;
        if (pthread_create(&p->writers[w].thread, NULL, writer_main, &p->writers[w]) != 0) {
            pipeline_abort(p);
            return terr_set(err, TRAWL_EINTERNAL, "cannot start a writer thread");
        }
        p->writers[w].started = 1;
    }
    *out = p;
    return TRAWL_OK;
}

/* The lowest ring position some thread still needs. Called with the lock held. */
static uint64_t min_cursor(const struct pipeline *p)
{
    uint64_t m = p->claim_seq;

    for (unsigned w = 0; w < p->nix; w++)
        if (p->writers[w].cursor < m)
            m = p->writers[w].cursor;
    return m;
}

static void reclaim(struct pipeline *p)
{
    uint64_t upto = min_cursor(p);

    for (; p->free_seq < upto; p->free_seq++) {
        job_free(p->ring[p->free_seq % RING]);
        p->ring[p->free_seq % RING] = NULL;
    }
}

static int submit(struct pipeline *p, struct job *j, size_t bytes, struct trawl_error *err)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        reclaim(p);
        check_cancel(p);
        if (p->failed || (p->next_seq - p->free_seq < RING &&
                          (p->pending_bytes == 0 ||
                           p->pending_bytes + bytes <= p->o.max_pending_bytes)))
            break;
        pthread_cond_wait(&p->cv_space, &p->mu);
    }
    if (p->failed) {
        *err = p->err;
        pthread_mutex_unlock(&p->mu);
        job_free(j);
        return err->code;
    }
    if (j->kind != JOB_PUT)
        j->done = 1;
    p->pending_bytes += bytes;
    p->ring[p->next_seq % RING] = j;
    p->next_seq++;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_write);
    pthread_mutex_unlock(&p->mu);
    return TRAWL_OK;
}

/* source[0..slen) need not be NUL-terminated (records come from library callers). */
static struct job *job_new(struct pipeline *p, enum job_kind kind, const char *source,
                           size_t slen, const char *key, struct trawl_error *err)
{
    struct job *j = calloc(1, sizeof *j);
    struct sbuf k;

    if (j == NULL || (source != NULL && (j->source = strndup(source, slen)) == NULL)) {
        free(j);
        terr_set(err, TRAWL_ENOMEM, "out of memory");
        return NULL;
    }
    j->kind = kind;
    article_init(&j->art);
    sbuf_init(&k);
    if (schema_article_key(key, strlen(key), &k) != TRAWL_OK) {
        job_free(j);
        terr_set(err, TRAWL_ENOMEM, "out of memory");
        return NULL;
    }
    j->route = pipeline_route(k.buf, k.len, p->nix);
    sbuf_release(&k);
    return j;
}

/* The routing is part of the on-disk contract: layout.c owns it. */
unsigned pipeline_route(const char *key, size_t len, unsigned n)
{
    return layout_shard_of(key, len, n);
}

int pipeline_put(struct pipeline *p, struct article *a, const struct trawl_record *rec,
                 int is_new, struct trawl_error *err)
{
    struct job *j = job_new(p, JOB_PUT, rec->source, rec->source_len, a->id, err);

    if (j == NULL)
        return TRAWL_ENOMEM;
    j->art = *a;
    article_init(a);
    j->rec = *rec;
    j->rec.source = j->source;
    j->is_new = is_new;
    return submit(p, j, j->rec.size, err);
}

int pipeline_remove(struct pipeline *p, const char *id, struct trawl_error *err)
{
    struct job *j = job_new(p, JOB_REMOVE, id, strlen(id), id, err);

    return j ? submit(p, j, 0, err) : TRAWL_ENOMEM;
}

int pipeline_record(struct pipeline *p, const char *id, const struct trawl_record *rec,
                    struct trawl_error *err)
{
    struct job *j = job_new(p, JOB_RECORD, rec->source, rec->source_len, id, err);

    if (j == NULL)
        return TRAWL_ENOMEM;
    if ((j->id = strdup(id)) == NULL) {
        job_free(j);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    j->rec = *rec;
    j->rec.source = j->source;
    return submit(p, j, 0, err);
}

void pipeline_counts(struct pipeline *p, struct trawl_write_counts *c)
{
    pthread_mutex_lock(&p->mu);
    *c = p->counts;
    pthread_mutex_unlock(&p->mu);
}

static void pipeline_join_free(struct pipeline *p)
{
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    for (unsigned w = 0; w < p->nix; w++)
        if (p->writers[w].started)
            pthread_join(p->writers[w].thread, NULL);
    for (uint64_t s = p->free_seq; s < p->next_seq; s++)
        job_free(p->ring[s % RING]);
    free(p->workers);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_write);
    pthread_cond_destroy(&p->cv_space);
    free(p);
}

int pipeline_finish(struct pipeline *p, struct trawl_write_counts *c, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    pthread_mutex_lock(&p->mu);
    p->closing = 1;
    check_cancel(p);
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_write);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    p->nworkers = 0;
    for (unsigned w = 0; w < p->nix; w++)
        if (p->writers[w].started)
            pthread_join(p->writers[w].thread, NULL);
    for (unsigned w = 0; w < p->nix; w++)
        p->writers[w].started = 0;
    if (p->failed) {
        *err = p->err;
        rc = err->code;
    }
    if (c != NULL)
        *c = p->counts;
    pipeline_join_free(p);
    return rc;
}

void pipeline_abort(struct pipeline *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->aborting = 1;
    p->closing = 1;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_write);
    pthread_cond_broadcast(&p->cv_space);
    pthread_mutex_unlock(&p->mu);
    pipeline_join_free(p);
}
