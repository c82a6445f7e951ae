/* trawl-index: builds and incrementally updates a trawl index from article files and JSON
 * Lines files. Option parsing, the run's outline and printing; the walk is walk.c, the diff
 * against the index sync.c, and everything else libtrawl (trawl.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/trawl.h"
#include "indexer/sync.h"
#include "indexer/walk.h"
#include "indexer/warn.h"

#define DEFAULT_MAX_ARTICLE (32u << 20)
#define DEFAULT_BATCH 5000

/* At most 79 columns a line, to fit an 80-column terminal (incremental_test.py checks). */
static const char usage_text[] =
    "Usage: trawl-index [OPTION]... [PATH]...\n"
    "Index article files and JSON Lines files (PATHs: files or folders; default:\n"
    "corpus/ in the current folder) into a trawl index, updating it incrementally:\n"
    "new articles are added, changed ones re-indexed, and articles whose file is\n"
    "gone are removed (not those of a file or folder that cannot be read).\n"
    "\n"
    "  -d, --db DIR           the index (default: $TRAWL_DB, else ./trawl.db)\n"
    "      --rebuild          start from an empty index\n"
    "      --replace          index an article even when the index holds its id from\n"
    "                         another file that is still there (default: skip it)\n"
    "  -n, --dry-run          report what would change; write nothing\n"
    "      --lang LANG        stemmer language of a new index (default: english)\n"
    "  -j, --jobs N           analysis threads (default: number of CPUs)\n"
    "      --batch N          articles per committed batch (default: 5000)\n"
    "      --shards N         keep the index as N shards (articles go by a hash\n"
    "                         of their id), written in parallel, searched as one\n"
    "      --compact          compact the index (merging its shards) and exit\n"
    "      --writers N        parts a fresh build writes in parallel, then merges\n"
    "                         (default: 2 on a machine with several CPUs)\n"
    "      --max-article-size SIZE\n"
    "                         skip articles larger than SIZE bytes (K, M, G\n"
    "                         suffixes; default: 32M)\n"
    "      --min-words N      close a passage once it has N words (default: 20)\n"
    "      --max-words N      split passages longer than N words (default: 300)\n"
    "      --progress         show progress on stderr even when it is not a terminal\n"
    "      --no-progress      never show progress\n"
    "  -v, --verbose          list each file added, updated, moved, removed or\n"
    "                         ignored\n"
    "  -q, --quiet            no summary line\n"
    "      --stats            print statistics about the index and exit\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show version information and exit\n"
    "\n"
    "Article files (*.txt) start with \" date YYYY-MM-DD \" followed by the text;\n"
    "paragraphs are separated by blank lines; the article id is the file name\n"
    "without extension. JSON Lines files (*.jsonl, *.jsonl.gz) hold one article a\n"
    "line with \"id\" and \"text\" and optional \"title\", \"date\", \"url\",\n"
    "\"source\". In a folder, other files are ignored (-v lists them).\n"
    "\n"
    "Exit status: 0 all inputs indexed, 1 some inputs skipped (see warnings),\n"
    "2 error.\n";

struct opts {
    const char *db;
    int rebuild, replace, dry_run, quiet, verbose, stats, progress;
    const char *lang;
    unsigned jobs;
    unsigned writers; /* parts written in parallel by a fresh build */
    unsigned shards;  /* --shards N: a sharded index of N databases */
    int compact;
    size_t batch;
    size_t max_article;
    size_t min_words, max_words;
};

/* One run: the walk, the diff, and where it writes (or, dry run, looks). */
struct run {
    struct opts *o;
    struct walk walk;
    struct sync sync;
    trawl_writer *w;          /* NULL on a dry run */
    trawl_index *ix;          /* a dry run's look at the index (NULL: none yet) */
    struct trawl_source *src; /* per walk entry: the JSON Lines file's record, if has_src */
    char *has_src;
    struct trawl_write_counts counts;
    uint64_t done_files;
    uint64_t input_total, input_done; /* input file bytes, for the ETA */
    int progress_on;
    int progress_started; /* the run has shown progress (worth_showing) */
    int progress_shown;   /* a progress line is on stderr, not ended yet */
    struct timespec t0, last_progress;
};

/* "1 article", "2 articles": the noun with an s unless n is 1. */
static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

static double since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0' || v == 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* A decimal number from min to max. Zero is refused only where min says so. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* ---- Progress ------------------------------------------------------------------------- */

/* Progress is shown once there is work to show: an article queued to be written or removed,
 * or a second gone by (reading and comparing a large corpus). A run that finds nothing to do
 * in less stays quiet, its summary line alone. */
static int worth_showing(struct run *r)
{
    const struct sync *s = &r->sync;

    if (r->progress_on && !r->progress_started)
        r->progress_started = s->added + s->updated + s->removed > 0 || since(&r->t0) >= 1.0;
    return r->progress_started;
}

static void progress(struct run *r, int final)
{
    struct trawl_write_counts c;
    double t, mb, frac;
    uint64_t done, read;

    if (!worth_showing(r))
        return;
    if (!final) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - r->last_progress.tv_sec) +
                (double)(now.tv_nsec - r->last_progress.tv_nsec) / 1e9 < 0.2)
            return;
        r->last_progress = now;
    }
    if (r->w != NULL)
        trawl_writer_counts(r->w, &c);
    else
        memset(&c, 0, sizeof c);
    t = since(&r->t0);
    mb = (double)r->sync.bytes_read / 1e6;
    done = r->input_done + r->sync.input_partial;
    frac = r->input_total ? (double)done / (double)r->input_total : 0;
    read = r->sync.added + r->sync.updated + r->sync.unchanged;
    fprintf(stderr, "\r" PROG ": %llu article%s read, %llu written, %.1f MB at %.1f MB/s",
            (unsigned long long)read, plural(read), (unsigned long long)c.put, mb,
            t > 0 ? mb / t : 0.0);
    if (!final && frac > 0.01 && frac < 1 && t > 1)
        fprintf(stderr, ", %.0f%%, ETA %.0f s", frac * 100, t / frac - t);
    fputs(final ? "\n" : "   ", stderr);
    r->progress_shown = !final;
}

/* The writer's closing phases (trawl_writer_opts.phase): reading is over, so the line says
 * what the wait is for instead of sitting at 99%. */
static void phase(void *ctx, enum trawl_phase ph)
{
    struct run *r = ctx;

    if (!worth_showing(r))
        return;
    if (r->progress_shown)
        fputc('\n', stderr);
    r->progress_shown = 0;
    fprintf(stderr, PROG ": %s\n",
            ph == TRAWL_PHASE_WRITING ? "writing the articles still queued…"
                                      : "merging parts…");
}

static void tick(void *ctx)
{
    progress(ctx, 0);
}

/* ---- Stats and compaction ------------------------------------------------------------------ */

/* The statistics of the index at db into *st. */
static int read_stats(const char *db, struct trawl_stats *st, struct trawl_error *err)
{
    trawl_index *ix;
    int rc = trawl_open(db, NULL, &ix, err);

    if (rc == TRAWL_OK) {
        rc = trawl_stats(ix, st, err);
        trawl_close(ix);
    }
    return rc;
}

static int print_stats(const char *db)
{
    struct trawl_stats st;
    struct trawl_error err;
    char *text;

    if (read_stats(db, &st, &err) != TRAWL_OK) {
        warn_msg("%s", err.msg);
        return 2;
    }
    if ((text = trawl_stats_format(db, &st)) == NULL) {
        warn_msg("out of memory");
        return 2;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

/* --compact: size before and after, then the same searches on a smaller index. */
static int compact(const struct opts *o)
{
    struct trawl_stats before, after;
    struct trawl_error err;

    if (read_stats(o->db, &before, &err) != TRAWL_OK || trawl_compact(o->db, &err) != TRAWL_OK ||
        read_stats(o->db, &after, &err) != TRAWL_OK) {
        warn_msg("%s", err.msg);
        return 2;
    }
    if (!o->quiet)
        printf("compacted '%s': %.1f MB -> %.1f MB (%llu passages)\n", o->db,
               (double)before.disk_bytes / 1e6, (double)after.disk_bytes / 1e6,
               (unsigned long long)after.passages);
    return 0;
}

/* ---- Options ---------------------------------------------------------------------------- */

static void version(void)
{
    printf("trawl-index %s\n", trawl_version());
    printf("%s\n", trawl_library_versions());
}

enum {
    O_REBUILD = 256, O_LANG, O_BATCH, O_WRITERS, O_SHARDS, O_COMPACT, O_MAXSIZE, O_MINW,
    O_MAXW, O_PROGRESS, O_NOPROGRESS, O_STATS, O_REPLACE,
};

/* An unknown stemmer language: say which there are. */
static void unknown_language(const char *lang)
{
    const char *const *v = trawl_languages();
    size_t n = 0;

    fflush(stdout);
    fprintf(stderr, PROG ": unknown stemmer language '%s'; known:", lang);
    for (; v[n] != NULL; n++) {
        if (n % 10 == 0)
            fputs("\n ", stderr);
        fprintf(stderr, " %s", v[n]);
    }
    fputs(trawl_language_known("none") ? "\n  and none (no stemming)\n" : "\n", stderr);
}

/* The numeric options, their ranges, and whether a refusal names the range or asks for a
 * positive number (zero is refused by all of them: min is 1). */
static const struct number_opt {
    int c;
    const char *name;
    unsigned long min, max;
    int say_range;
} number_opts[] = {
    {'j', "jobs", 1, 256, 1},
    {O_BATCH, "batch", 1, 10000000, 0},
    {O_SHARDS, "shards", 1, TRAWL_MAX_SHARDS, 1},
    {O_WRITERS, "writers", 1, TRAWL_MAX_SHARDS, 1},
    {O_MINW, "min-words", 1, 1000000, 0},
    {O_MAXW, "max-words", 1, 1000000, 0},
};

/* Sets numeric option n from arg: 0, or 2 after saying what is wrong. */
static int number_option(const struct number_opt *n, const char *arg, struct opts *o)
{
    unsigned long v;

    if (parse_uint(arg, n->min, n->max, &v) != 0) {
        if (n->say_range)
            warn_msg("invalid --%s '%s': expected a number from %lu to %lu", n->name, arg,
                     n->min, n->max);
        else
            warn_msg("invalid --%s '%s': expected a positive number", n->name, arg);
        return 2;
    }
    switch (n->c) {
    case 'j': o->jobs = (unsigned)v; break;
    case O_BATCH: o->batch = v; break;
    case O_SHARDS: o->shards = (unsigned)v; break;
    case O_WRITERS: o->writers = (unsigned)v; break;
    case O_MINW: o->min_words = v; break;
    case O_MAXW: o->max_words = v; break;
    }
    return 0;
}

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"rebuild", no_argument, NULL, O_REBUILD},
    {"replace", no_argument, NULL, O_REPLACE},
    {"dry-run", no_argument, NULL, 'n'},
    {"lang", required_argument, NULL, O_LANG},
    {"jobs", required_argument, NULL, 'j'},
    {"batch", required_argument, NULL, O_BATCH},
    {"writers", required_argument, NULL, O_WRITERS},
    {"shards", required_argument, NULL, O_SHARDS},
    {"compact", no_argument, NULL, O_COMPACT},
    {"max-article-size", required_argument, NULL, O_MAXSIZE},
    {"min-words", required_argument, NULL, O_MINW},
    {"max-words", required_argument, NULL, O_MAXW},
    {"progress", no_argument, NULL, O_PROGRESS},
    {"no-progress", no_argument, NULL, O_NOPROGRESS},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"stats", no_argument, NULL, O_STATS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The long options that start with the len bytes of name ("--max": --max-article-size and
 * --max-words), as getopt matches them: how many, and in *one the first (the exact one if
 * any). getopt takes an unambiguous prefix, and calls an ambiguous one unknown. */
static int long_matches(const char *name, size_t len, const struct option **one)
{
    int n = 0;

    *one = NULL;
    for (const struct option *o = long_opts; o->name != NULL; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (strlen(o->name) == len) {
            *one = o;
            return 1;
        }
        if (n++ == 0)
            *one = o;
    }
    return n;
}

/* getopt's complaint, in our voice (getopt's own starts with argv[0], a full path). */
static int bad_option(int c, char **argv)
{
    /* getopt moves optind past a long option's word before it complains; a short one may sit
     * inside a cluster ("-nx") with optind still on it, so argv[optind - 1] is then the word
     * before, which may be a long option. optopt tells them apart: 0 for an unknown long
     * option, the letter for a short one, and the option's value for a long one given a value
     * it does not take ("--rebuild=yes"). A value is missing only at the end of argv. */
    const char *arg = argv[optind - 1];
    size_t len = strcspn(arg, "=");
    const struct option *o = NULL;
    int n = strncmp(arg, "--", 2) == 0 ? long_matches(arg + 2, len - 2, &o) : 0;
    char letter[3] = {'-', (char)optopt, '\0'};

    if (c == ':' && n > 0)
        warn_msg("option '%.*s' needs a value", (int)len, arg);
    else if (c == ':')
        warn_msg("option '%s' needs a value", letter);
    else if (optopt == 0 && n > 1)
        warn_msg("option '%.*s' is ambiguous", (int)len, arg);
    else if (optopt == 0)
        warn_msg("unknown option '%.*s'", (int)len, arg);
    else if (n == 1 && arg[len] == '=' && o->has_arg == no_argument && o->val == optopt)
        warn_msg("option '%.*s' takes no value", (int)len, arg);
    else
        warn_msg("unknown option '%s'", letter);
    fprintf(stderr, "Try '" PROG " --help' for more information.\n");
    return 2;
}

/* Returns an exit status to leave with at once, or -1 to go on. */
static int parse_args(int argc, char **argv, struct opts *o)
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:nj:qvhV", long_opts, NULL)) != -1) {
        for (size_t i = 0; i < sizeof number_opts / sizeof *number_opts; i++)
            if (number_opts[i].c == c && number_option(&number_opts[i], optarg, o) != 0)
                return 2;
        switch (c) {
        case 'd': o->db = optarg; break;
        case O_REBUILD: o->rebuild = 1; break;
        case O_REPLACE: o->replace = 1; break;
        case 'n': o->dry_run = 1; break;
        case O_LANG: o->lang = optarg; break;
        case 'j': case O_BATCH: case O_SHARDS: case O_WRITERS: case O_MINW: case O_MAXW: break;
        case O_COMPACT: o->compact = 1; break;
        case O_MAXSIZE:
            if (parse_size(optarg, &o->max_article) != 0) {
                warn_msg("invalid --max-article-size '%s': expected a size such as 32M", optarg);
                return 2;
            }
            break;
        case O_PROGRESS: o->progress = 1; break;
        case O_NOPROGRESS: o->progress = -1; break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case O_STATS: o->stats = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': version(); return 0;
        default: return bad_option(c, argv);
        }
    }
    if (o->lang != NULL && !trawl_language_known(o->lang)) {
        unknown_language(o->lang);
        return 2;
    }
    if (o->max_words < o->min_words) {
        warn_msg("--max-words (%zu) must not be below --min-words (%zu)", o->max_words,
                 o->min_words);
        return 2;
    }
    return -1;
}

static void opts_init(struct opts *o)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("TRAWL_DB");

    memset(o, 0, sizeof *o);
    o->db = env && *env ? env : TRAWL_DEFAULT_PATH;
    o->batch = DEFAULT_BATCH;
    o->max_article = DEFAULT_MAX_ARTICLE;
    o->min_words = TRAWL_MIN_WORDS;
    o->max_words = TRAWL_MAX_WORDS;
    o->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    o->writers = ncpu > 1 ? 2 : 1;
}

/* ---- The run ------------------------------------------------------------------------------ */

/* A dry run looks at the index without its lock: no index yet means everything is new. */
static int open_dry(struct run *r, struct trawl_error *err)
{
    const struct opts *o = r->o;
    int rc;

    rc = trawl_open(o->db, NULL, &r->ix, err);
    if (rc == TRAWL_EINDEX)
        return TRAWL_OK;
    if (rc == TRAWL_OK && o->lang != NULL && !o->rebuild &&
        strcmp(o->lang, trawl_index_lang(r->ix)) != 0) {
        snprintf(err->msg, sizeof err->msg,
                 "index '%s' was built for language '%s', not '%s': use "
                 "'trawl-index --rebuild --lang %s' to change it",
                 o->db, trawl_index_lang(r->ix), o->lang, o->lang);
        return err->code = TRAWL_EINPUT;
    }
    return rc;
}

/* Opens the index (a writer, or a dry run's reader) and loads what it knows. */
static int open_index(struct run *r, struct trawl_error *err)
{
    const struct opts *o = r->o;
    struct trawl_writer_opts wo;
    int rc;

    memset(&wo, 0, sizeof wo);
    wo.lang = o->lang;
    wo.rebuild = o->rebuild;
    wo.shards = o->shards;
    wo.parts = o->writers;
    wo.jobs = o->jobs;
    wo.batch = o->batch;
    wo.min_words = o->min_words;
    wo.max_words = o->max_words;
    wo.phase = phase;
    wo.phase_ctx = r;
    rc = o->dry_run ? open_dry(r, err) : trawl_writer_open(o->db, &wo, &r->w, err);
    if (rc == TRAWL_OK && !o->rebuild && r->w != NULL)
        rc = trawl_writer_each_record(r->w, sync_known_add, &r->sync, err);
    else if (rc == TRAWL_OK && !o->rebuild && r->ix != NULL)
        rc = trawl_each_record(r->ix, sync_known_add, &r->sync, err);
    if (rc == TRAWL_OK && r->sync.fatal) {
        *err = r->sync.err;
        rc = r->sync.fatal;
    }
    sync_loaded(&r->sync);
    r->sync.w = r->w;
    return rc;
}

/* Finds the input files: before the index is opened, so that finding none creates none. */
static int find_inputs(struct run *r, const char *const *inputs, size_t n,
                       struct trawl_error *err)
{
    struct walk *w = &r->walk;

    for (size_t i = 0; i < n && !w->oom; i++)
        walk_input(w, inputs[i]);
    r->sync.skipped += w->skipped;
    if (w->oom) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return err->code = TRAWL_ENOMEM;
    }
    return TRAWL_OK;
}

/* The walk found no input file. Says so (unless every input was skipped, each with its
 * warning) and returns -1 to go on when the index exists (its articles under the inputs
 * may be gone); with no index yet, creates none and returns the exit status, 1. */
static int nothing_found(const struct run *r)
{
    struct stat sb;

    if (r->walk.skipped == 0)
        warn_msg("no article files (*.txt, *.jsonl, *.jsonl.gz) in the paths given");
    if (stat(r->o->db, &sb) == 0)
        return -1;
    if (r->o->dry_run)
        warn_msg("nothing to index");
    else
        warn_msg("nothing to index: '%s' not created", r->o->db);
    return 1;
}

/* What the index knows of the JSON Lines files among the inputs, and their total size. */
static int find_sources(struct run *r, struct trawl_error *err)
{
    struct walk *w = &r->walk;

    r->src = calloc(w->n ? w->n : 1, sizeof *r->src);
    r->has_src = calloc(w->n ? w->n : 1, 1);
    if (r->src == NULL || r->has_src == NULL) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return err->code = TRAWL_ENOMEM;
    }
    for (size_t i = 0; i < w->n && !r->o->rebuild; i++) {
        if (w->v[i].kind != WALK_JSONL)
            continue;
        if (r->w != NULL)
            r->has_src[i] = trawl_writer_source_get(r->w, w->v[i].path, &r->src[i], NULL) ==
                            TRAWL_OK;
        else if (r->ix != NULL)
            r->has_src[i] = trawl_source_get(r->ix, w->v[i].path, &r->src[i], NULL) ==
                            TRAWL_OK;
    }
    for (size_t i = 0; i < w->n; i++) {
        struct stat sb;
        if (stat(w->v[i].path, &sb) == 0)
            r->input_total += (uint64_t)sb.st_size;
    }
    return TRAWL_OK;
}

/* Reads every input, queueing what changed, then the removals. */
static void sync_inputs(struct run *r)
{
    struct sync *s = &r->sync;

    for (size_t i = 0; i < r->walk.n && !s->fatal; i++) {
        const char *path = r->walk.v[i].path;
        struct stat sb = {0};
        if (stat(path, &sb) != 0) {
            int e = errno;
            warn_msg("cannot read '%s': %s: skipped", path, strerror(e));
            s->skipped++;
            if (e != ENOENT) /* unreadable is not gone: its articles stay */
                walk_keep(&r->walk, path);
        } else if (r->walk.v[i].kind == WALK_JSONL) {
            sync_jsonl_file(s, path, &sb, r->has_src[i] ? &r->src[i] : NULL);
        } else {
            sync_article_file(s, path, &sb);
        }
        r->done_files++;
        r->input_done += (uint64_t)sb.st_size;
        s->input_partial = 0;
        progress(r, 0);
    }
    sync_later_files(s);
    sync_removals(s, &r->walk);
}

/* Writes what is queued and switches the index; or, after a failure, drops it. */
static int finish(struct run *r)
{
    struct sync *s = &r->sync;

    if (r->w != NULL && !s->fatal &&
        trawl_writer_finish(r->w, &r->counts, &s->err) != TRAWL_OK)
        s->fatal = s->err.code;
    if (getenv("TRAWL_TIMING") != NULL)
        fprintf(stderr, PROG ": timing: analysed, written and merged in %.2f s\n",
                since(&r->t0));
    progress(r, 1);
    if (s->fatal) {
        warn_msg("%s", s->err.msg);
        warn_msg("stopped: the index keeps its last committed batch; run again to finish");
        return 2;
    }
    if (!r->o->quiet) {
        printf("%sadded %llu, updated %llu, removed %llu, unchanged %llu, skipped %llu "
               "(passages %llu) in %.2f s\n",
               r->o->dry_run ? "dry run: would have " : "", (unsigned long long)s->added,
               (unsigned long long)s->updated, (unsigned long long)s->removed,
               (unsigned long long)s->unchanged, (unsigned long long)s->skipped,
               (unsigned long long)(r->o->dry_run ? s->passages : r->counts.passages),
               since(&r->t0));
        /* A line of its own, so the one above keeps the format scripts parse. */
        if (r->walk.ignored > 0)
            printf("ignored %llu file%s: not .txt, .jsonl or .jsonl.gz%s\n",
                   (unsigned long long)r->walk.ignored, plural(r->walk.ignored),
                   r->o->verbose ? "" : " (-v lists them)");
    }
    return s->skipped ? 1 : 0;
}

static void run_release(struct run *r)
{
    trawl_writer_close(r->w); /* releases the lock last: after finish, or dropping all */
    trawl_close(r->ix);
    walk_release(&r->walk);
    sync_release(&r->sync);
    free(r->src);
    free(r->has_src);
}

static int run(struct opts *o, const char *const *inputs, size_t ninputs)
{
    struct run r;
    struct trawl_error err;
    int status = 2;

    memset(&r, 0, sizeof r);
    r.o = o;
    walk_init(&r.walk);
    r.walk.verbose = o->verbose;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.progress_on = o->progress > 0 || (o->progress == 0 && isatty(2));
    if (sync_init(&r.sync) != TRAWL_OK) {
        warn_msg("out of memory");
        run_release(&r);
        return 2;
    }
    r.sync.rebuild = o->rebuild;
    r.sync.verbose = o->verbose;
    r.sync.replace = o->replace;
    r.sync.walk = &r.walk;
    r.sync.min_words = o->min_words;
    r.sync.max_words = o->max_words;
    r.sync.max_article = o->max_article;
    r.sync.tick = tick;
    r.sync.tick_ctx = &r;
    if (find_inputs(&r, inputs, ninputs, &err) != TRAWL_OK) {
        warn_msg("%s", err.msg);
    } else if (r.walk.n == 0 && (status = nothing_found(&r)) >= 0) {
        /* said why: nothing created */
    } else if (open_index(&r, &err) != TRAWL_OK || find_sources(&r, &err) != TRAWL_OK ||
               (r.w != NULL && trawl_writer_start(r.w, &err) != TRAWL_OK)) {
        status = 2;
        warn_msg("%s", err.msg);
    } else {
        sync_inputs(&r);
        status = finish(&r);
    }
    run_release(&r);
    return status;
}

/* 0 unless db exists and is not a folder (an index always is one): then 2, said in
 * trawl-search's words (trawl_open's). Xapian would take a file for a stub and fail with "Bad
 * line". */
static int check_db(const char *db)
{
    struct stat sb;

    if (stat(db, &sb) != 0 || S_ISDIR(sb.st_mode))
        return 0;
    warn_msg("'%s' is not a trawl index: an index is a folder", db);
    return 2;
}

/* 0 if the current folder has corpus/, the default input; else 2, said why. Checked before
 * the index is opened, so a mistaken run leaves no empty ./trawl.db behind. */
static int check_default_input(void)
{
    struct stat sb;

    if (stat("corpus", &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    warn_msg("no PATH given and no corpus/ here: name the files or folders to index");
    fprintf(stderr, "Try '" PROG " --help' for more information.\n");
    return 2;
}

/* The process ends here when Xapian gives up in the middle of a failed write (trawl_on_fatal):
 * the same report as any failed run, written with write(2) (other threads may hold stdio's
 * locks), then _exit. */
static void fatal_write(const char *msg)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     PROG ": writing the index failed: %s\n" PROG
                          ": stopped: the index keeps its last committed batch; run again to "
                          "finish\n",
                     msg);

    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
        (void)w; /* nothing left to do if stderr is gone */
    }
    _exit(2);
}

int main(int argc, char **argv)
{
    const char *def_inputs[] = {"corpus"};
    struct opts o;
    int status;

    opts_init(&o);
    if ((status = parse_args(argc, argv, &o)) >= 0)
        return status;
    if (check_db(o.db) != 0)
        return 2;
    if (o.stats)
        return print_stats(o.db);
    signal(SIGPIPE, SIG_IGN);
    trawl_on_fatal(fatal_write);
    if (o.compact)
        return compact(&o);
    if (optind < argc)
        return run(&o, (const char *const *)argv + optind, (size_t)(argc - optind));
    if (check_default_input() != 0)
        return 2;
    return run(&o, def_inputs, 1);
}
