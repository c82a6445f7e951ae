#include "indexer/pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RING 512 /* jobs in flight at most */

struct job {
    enum job_kind kind;
    struct article art;
    struct schema_article rec;
    char *source;              /* owned copy of rec.source / the source path / the id */
    char *id;                  /* JOB_RECORD: the article id */
    struct schema_source src;
    int is_new;
    struct index_prep *prep;   /* made by a worker */
    int done;                  /* ready for the writer */
    struct terr err;           /* a worker's failure */
    int rc;
};

struct pipeline {
    struct index *ix;
    struct pipeline_opts o;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_write, cv_space;
    pthread_t *workers;
    unsigned nworkers;
    pthread_t writer;
    int writer_started;
    struct job *ring[RING];
    uint64_t next_seq;   /* next job the producer submits */
    uint64_t claim_seq;  /* next job a worker takes */
    uint64_t write_seq;  /* next job the writer applies */
    size_t pending_bytes;
    int closing;         /* the producer has finished */
    int aborting;
    int failed;          /* the writer failed: err holds why */
    struct terr err;
    struct pipeline_counts counts;
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

static void *worker_main(void *arg)
{
    struct pipeline *p = arg;
    struct analyzer *an = NULL;
    struct terr aerr;
    int have_an = analyzer_new(p->o.lang, &an, &aerr) == TRAWL_OK;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        while (!p->aborting && p->claim_seq == p->next_seq && !p->closing)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->aborting || p->claim_seq == p->next_seq)
            break;
        j = p->ring[p->claim_seq % RING];
        p->claim_seq++;
        pthread_mutex_unlock(&p->mu);

        if (j->kind == JOB_PUT) {
            if (!have_an) {
                j->err = aerr;
                j->rc = aerr.code;
            } else {
                j->rc = index_prepare(an, &j->art, &p->o.passages, &j->rec, &j->prep, &j->err);
            }
            /* The text is in the documents now; free it before the writer gets to it. */
            pthread_mutex_lock(&p->mu);
            p->pending_bytes -= j->art.body_len;
            pthread_mutex_unlock(&p->mu);
            article_release(&j->art);
        }

        pthread_mutex_lock(&p->mu);
        j->done = 1;
        pthread_cond_broadcast(&p->cv_write);
        pthread_cond_broadcast(&p->cv_space);
    }
    pthread_mutex_unlock(&p->mu);
    analyzer_free(an);
    return NULL;
}

static int apply(struct pipeline *p, struct job *j, size_t *in_batch, struct terr *err)
{
    int rc = TRAWL_OK;

    if (*in_batch == 0 && (rc = index_begin(p->ix, err)) != TRAWL_OK)
        return rc;
    switch (j->kind) {
    case JOB_PUT:
        if (j->rc != TRAWL_OK) {
            *err = j->err;
            return j->rc;
        }
        rc = index_put(p->ix, j->prep, j->is_new, err);
        if (rc == TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            p->counts.put++;
            p->counts.passages += index_prep_passages(j->prep);
            p->counts.bytes += j->rec.size;
            pthread_mutex_unlock(&p->mu);
        }
        break;
    case JOB_REMOVE:
        rc = index_remove(p->ix, j->source, err);
        if (rc == TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            p->counts.removed++;
            pthread_mutex_unlock(&p->mu);
        }
        break;
    case JOB_SOURCE: rc = index_set_source(p->ix, j->source, &j->src, err); break;
    case JOB_FORGET: rc = index_forget_source(p->ix, j->source, err); break;
    case JOB_RECORD: rc = index_set_record(p->ix, j->id, &j->rec, err); break;
    }
    if (rc != TRAWL_OK)
        return rc;
    if (++*in_batch >= p->o.batch_articles) {
        rc = index_commit(p->ix, err);
        *in_batch = 0;
    }
    return rc;
}

static void *writer_main(void *arg)
{
    struct pipeline *p = arg;
    size_t in_batch = 0;
    struct terr err;
    int rc = TRAWL_OK;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        while (!p->aborting && p->write_seq < p->next_seq &&
               !p->ring[p->write_seq % RING]->done)
            pthread_cond_wait(&p->cv_write, &p->mu);
        while (!p->aborting && p->write_seq == p->next_seq && !p->closing)
            pthread_cond_wait(&p->cv_write, &p->mu);
        if (p->aborting)
            break;
        if (p->write_seq == p->next_seq) {
            if (p->closing)
                break;
            continue;
        }
        j = p->ring[p->write_seq % RING];
        if (!j->done)
            continue;
        p->ring[p->write_seq % RING] = NULL;
        p->write_seq++;
        pthread_mutex_unlock(&p->mu);

        if (rc == TRAWL_OK)
            rc = apply(p, j, &in_batch, &err);
        job_free(j);

        pthread_mutex_lock(&p->mu);
        if (rc != TRAWL_OK && !p->failed) {
            p->failed = 1;
            p->err = err;
        }
        pthread_cond_broadcast(&p->cv_space);
    }
    pthread_mutex_unlock(&p->mu);

    if (p->aborting) {
        index_cancel(p->ix, NULL);
    } else if (rc == TRAWL_OK && in_batch > 0) {
        rc = index_commit(p->ix, &err);
        if (rc != TRAWL_OK) {
            pthread_mutex_lock(&p->mu);
            p->failed = 1;
            p->err = err;
            pthread_mutex_unlock(&p->mu);
        }
    } else if (rc != TRAWL_OK) {
        index_cancel(p->ix, NULL);
    }
    return NULL;
}

int pipeline_start(struct index *ix, const struct pipeline_opts *o, struct pipeline **out,
                   struct terr *err)
{
    struct pipeline *p = calloc(1, sizeof *p);

    *out = NULL;
    if (p == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    p->ix = ix;
    p->o = *o;
    if (p->o.workers == 0)
        p->o.workers = 1;
    if (p->o.batch_articles == 0)
        p->o.batch_articles = 1;
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
    if (pthread_create(&p->writer, NULL, writer_main, p) != 0) {
        pipeline_abort(p);
        return terr_set(err, TRAWL_EINTERNAL, "cannot start the writer thread");
    }
    p->writer_started = 1;
    *out = p;
    return TRAWL_OK;
}

static int submit(struct pipeline *p, struct job *j, size_t bytes, struct terr *err)
{
    pthread_mutex_lock(&p->mu);
    while (!p->failed && (p->next_seq - p->write_seq >= RING ||
                          (p->pending_bytes > 0 &&
                           p->pending_bytes + bytes > p->o.max_pending_bytes)))
        pthread_cond_wait(&p->cv_space, &p->mu);
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

static struct job *job_new(enum job_kind kind, const char *source, struct terr *err)
{
    struct job *j = calloc(1, sizeof *j);

    if (j == NULL || (source != NULL && (j->source = strdup(source)) == NULL)) {
        free(j);
        terr_set(err, TRAWL_ENOMEM, "out of memory");
        return NULL;
    }
    j->kind = kind;
    article_init(&j->art);
    return j;
}

int pipeline_put(struct pipeline *p, struct article *a, const struct schema_article *rec,
                 int is_new, struct terr *err)
{
    struct job *j = job_new(JOB_PUT, rec->source, err);

    if (j == NULL)
        return TRAWL_ENOMEM;
    j->art = *a;
    article_init(a);
    j->rec = *rec;
    j->rec.source = j->source;
    j->is_new = is_new;
    return submit(p, j, j->art.body_len, err);
}

int pipeline_remove(struct pipeline *p, const char *id, struct terr *err)
{
    struct job *j = job_new(JOB_REMOVE, id, err);

    return j ? submit(p, j, 0, err) : TRAWL_ENOMEM;
}

int pipeline_source(struct pipeline *p, const char *path, const struct schema_source *s,
                    struct terr *err)
{
    struct job *j = job_new(JOB_SOURCE, path, err);

    if (j == NULL)
        return TRAWL_ENOMEM;
    j->src = *s;
    return submit(p, j, 0, err);
}

int pipeline_forget(struct pipeline *p, const char *path, struct terr *err)
{
    struct job *j = job_new(JOB_FORGET, path, err);

    return j ? submit(p, j, 0, err) : TRAWL_ENOMEM;
}

int pipeline_record(struct pipeline *p, const char *id, const struct schema_article *rec,
                    struct terr *err)
{
    struct job *j = job_new(JOB_RECORD, rec->source, err);

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

void pipeline_counts(struct pipeline *p, struct pipeline_counts *c)
{
    pthread_mutex_lock(&p->mu);
    *c = p->counts;
    pthread_mutex_unlock(&p->mu);
}

static void pipeline_join_free(struct pipeline *p)
{
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    if (p->writer_started)
        pthread_join(p->writer, NULL);
    for (uint64_t s = p->write_seq; s < p->next_seq; s++)
        job_free(p->ring[s % RING]);
    free(p->workers);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_write);
    pthread_cond_destroy(&p->cv_space);
    free(p);
}

int pipeline_finish(struct pipeline *p, struct pipeline_counts *c, struct terr *err)
{
    int rc = TRAWL_OK;

    pthread_mutex_lock(&p->mu);
    p->closing = 1;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_write);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    p->nworkers = 0;
    if (p->writer_started)
        pthread_join(p->writer, NULL);
    p->writer_started = 0;
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
