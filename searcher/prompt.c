/* prompt: the interactive prompt of trawl-search (see prompt.h). */
#include "searcher/prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "searcher/pager.h"

#define PROMPT "trawl> "
#define COMPLETIONS_MAX 1000 /* index words offered for one Tab: enough to choose from */

/* Set by Ctrl-C (SIGINT): ends the line being typed, or stops the search running (the
 * library reads it through trawl_search_opts.cancel). Cleared before each line. */
static volatile sig_atomic_t interrupted;
/* 1 while a line runs. A search stops at Ctrl-C between its steps, but not inside one
 * Xapian call, and one may never return (Xapian 1.4.22 loops on some damaged document
 * data: README "Reliability"): a second Ctrl-C then leaves the program. */
static volatile sig_atomic_t running;

/* readline's callbacks take no context: the session whose index words complete. */
static struct session *current;

static void on_sigint(int sig)
{
    static const char msg[] = "\ntrawl-search: the search did not stop at Ctrl-C: leaving\n";
    ssize_t w;

    (void)sig;
    if (running && interrupted) {
        w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(130);
    }
    interrupted = 1;
}

/* readline's input function. Ctrl-C ends the line: show "^C" at its end and hand readline an
 * Enter, so that it returns the line, which prompt_run drops (readline's own SIGINT handling
 * would clean up and go on reading the same line). SIGINT is blocked except inside pselect,
 * which unblocks it and waits in one step: a Ctrl-C that lands while readline is busy
 * echoing the last key is not lost before the wait begins (it was, with a plain read). */
static int prompt_getc(FILE *in)
{
    int fd = fileno(in), c = EOF;
    sigset_t block, open_mask;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &open_mask);
    sigdelset(&open_mask, SIGINT);
    while (!interrupted) {
        fd_set r;
        unsigned char b;
        int k;
        FD_ZERO(&r);
        FD_SET(fd, &r);
        k = pselect(fd + 1, &r, NULL, NULL, NULL, &open_mask);
        if (k < 0 && errno == EINTR)
            continue;
        if (k > 0 && read(fd, &b, 1) == 1)
            c = b;
        break;
    }
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    if (interrupted) {
        rl_point = rl_end;
        rl_redisplay();
        fputs("^C", rl_outstream);
        return '\n';
    }
    return c;
}

/* ---- History ----------------------------------------------------------------------------- */

static char *history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char *dir = NULL, *path = NULL;

    if (state != NULL && state[0] == '/') {
        if (asprintf(&dir, "%s/trawl", state) < 0)
            return NULL;
    } else if (home != NULL && home[0] != '\0') {
        if (asprintf(&dir, "%s/.local/state/trawl", home) < 0)
            return NULL;
    } else {
        return NULL;
    }
    /* mkdir -p, quietly: no history is no reason to refuse to search. */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
    if (asprintf(&path, "%s/history", dir) < 0)
        path = NULL;
    free(dir);
    return path;
}

/* ---- Tab completion ---------------------------------------------------------------------- */

static const char *const commands[] = {":help", ":n", ":more", ":show", ":explain", ":all",
                                       ":passages", ":sort", ":stats", ":duplicates", ":expand", ":y",
                                       ":quit", NULL};
static const char *const sort_values[] = {"score", "date", "-date", NULL};
static const char *const on_off[] = {"on", "off", NULL};
static const char *const passages_values[] = {"all", NULL};

/* What value_generator offers. */
static const char *const *offered;

/* A readline generator over `offered`: the ones starting with text (malloc'ed, as readline
 * wants). */
static char *value_generator(const char *text, int state)
{
    static size_t next;
    size_t len = strlen(text);

    if (state == 0)
        next = 0;
    while (offered[next] != NULL) {
        const char *v = offered[next++];
        if (strncmp(v, text, len) == 0)
            return strdup(v);
    }
    return NULL;
}

struct words {
    char *v[COMPLETIONS_MAX];
    size_t n;
    char lead[8]; /* the "+" or "-" typed before the word, put back in front */
};

static int add_word(void *ctx, const char *word, size_t len, uint64_t freq)
{
    struct words *w = ctx;
    size_t lead = strlen(w->lead);
    char *m;

    (void)freq;
    if (w->n >= COMPLETIONS_MAX || (m = malloc(lead + len + 1)) == NULL)
        return 1;
    memcpy(m, w->lead, lead);
    memcpy(m + lead, word, len);
    m[lead + len] = '\0';
    w->v[w->n++] = m;
    return 0;
}

/* A readline generator over the index's words starting with text (folded as the index folds
 * words, trawl_fold: "Éco" completes as "eco" does; a "+" or "-" in front is kept). The
 * strings go to readline. */
static char *word_generator(const char *text, int state)
{
    static struct words w;
    static size_t next;

    if (state == 0) {
        size_t lead = strspn(text, "+-");
        char *prefix;
        w.n = 0;
        next = 0;
        if (lead >= sizeof w.lead)
            return NULL;
        memcpy(w.lead, text, lead);
        w.lead[lead] = '\0';
        if (trawl_fold(text + lead, strlen(text + lead), &prefix, NULL) != TRAWL_OK)
            return NULL;
        /* An empty prefix would list the whole table: offer nothing. */
        if (prefix[0] != '\0')
            trawl_complete(current->ix, prefix, strlen(prefix), add_word, &w, NULL);
        free(prefix);
    }
    return next < w.n ? w.v[next++] : NULL;
}

/* rl_attempted_completion_function: commands first on the line, their values after them,
 * index words anywhere in a query. Never file names. */
static char **complete(const char *text, int start, int end)
{
    const char *line = rl_line_buffer;

    (void)end;
    rl_attempted_completion_over = 1;
    while (*line == ' ')
        line++;
    if (*line != ':')
        return rl_completion_matches(text, word_generator);
    if (rl_line_buffer + start == line) {
        offered = commands;
    } else if (strncmp(line, ":sort ", 6) == 0) {
        offered = sort_values;
    } else if (strncmp(line, ":all ", 5) == 0 || strncmp(line, ":duplicates ", 12) == 0 ||
               strncmp(line, ":expand ", 8) == 0) {
        offered = on_off;
    } else if (strncmp(line, ":passages ", 10) == 0) {
        offered = passages_values;
    } else {
        return NULL;
    }
    return rl_completion_matches(text, value_generator);
}

/* ---- Commands ---------------------------------------------------------------------------- */

static const char prompt_help[] =
    "Type a query to search. Commands:\n"
    "  :help             this help\n"
    "  :n [N]            results per page (N: set it, and show the last query again)\n"
    "  :more             the next page of the last query\n"
    "  :show R           the whole article of result R, its passage marked, the query's\n"
    "                    words highlighted (any result of the last query)\n"
    "  :explain R        why result R scored what it did\n"
    "  :all [on|off]     all words must match (off: any word may)\n"
    "  :passages [N|all] passages shown per article (all: every passage ranked alone)\n"
    "  :sort [ORDER]     score, date (newest first) or -date (oldest first)\n"
    "  :duplicates [on|off]\n"
    "                    near-duplicate articles shown too (off: one per group)\n"
    "  :expand [on|off]  query expansion from the best passages' words\n"
    "  :stats            index statistics\n"
    "  :y                run the suggested query (after \"did you mean\")\n"
    "  :quit             leave (Ctrl-D too)\n"
    "Tab completes commands and the index's words; Ctrl-C cancels the line or the search.\n";

/* Whether cmd is the command name, alone or with an argument. */
static int is_cmd(const char *cmd, const char *name)
{
    size_t n = strlen(name);
    return strncmp(cmd, name, n) == 0 && (cmd[n] == '\0' || cmd[n] == ' ');
}

static void show_options(struct session *s)
{
    const struct trawl_search_opts *o = &s->o.so;
    char per[32];

    if (o->per_article)
        snprintf(per, sizeof per, "%u per article", o->per_article);
    else
        snprintf(per, sizeof per, "every passage");
    fprintf(s->out, "%u results per page, %s, %s, by %s, %s\n", o->count,
            o->all_words ? "all words must match" : "any word may match", per,
            session_sort_name(o->sort),
            o->duplicates ? "near-duplicates shown" : "near-duplicates folded");
    if (o->expand)
        fputs("query expansion on\n", s->out);
}

/* :duplicates, :expand and :all: "on" or "off" sets the switch; with or without, the options are shown. */
static void set_switch(struct session *s, const char *name, const char *arg, int *flag)
{
    if (arg != NULL && strcmp(arg, "on") && strcmp(arg, "off"))
        search_warn("%s takes on or off", name);
    else if (arg != NULL)
        *flag = strcmp(arg, "on") == 0;
    show_options(s);
}

/* :show R and :explain R. */
static void result_command(struct session *s, const char *name, const char *arg)
{
    unsigned long v;

    if (s->last_query == NULL)
        search_warn("no query yet");
    else if (arg == NULL)
        search_warn("usage: %s R, where R is a result number of the last query", name);
    else if (search_parse_count(arg, 1, UINT_MAX, &v) != 0)
        search_warn("%s needs a result number (1 or more)", name);
    else if (name[1] == 's')
        session_show(s, (unsigned)v);
    else
        session_explain(s, (unsigned)v);
}

/* Runs one :command; returns 1 to leave the prompt. */
static int prompt_command(struct session *s, const char *cmd)
{
    struct trawl_search_opts *o = &s->o.so;
    unsigned long v;
    const char *arg = strchr(cmd, ' ');

    while (arg != NULL && *arg == ' ')
        arg++;
    if (arg != NULL && *arg == '\0')
        arg = NULL;
    if (is_cmd(cmd, ":quit") || is_cmd(cmd, ":q"))
        return 1;
    if (is_cmd(cmd, ":help") || is_cmd(cmd, ":h") || is_cmd(cmd, ":?")) {
        fputs(prompt_help, s->out);
    } else if (is_cmd(cmd, ":n")) {
        if (arg == NULL) {
            fprintf(s->out, "%u results per page\n", o->count);
        } else if (search_parse_count(arg, 1, 10000, &v) != 0) {
            search_warn(":n needs a number from 1 to 10000");
        } else {
            o->count = (unsigned)v;
            /* The page again at its new size, from the same first result. */
            if (s->last_query != NULL)
                session_query(s, NULL, s->last_query, s->last_offset);
        }
    } else if (is_cmd(cmd, ":more") || is_cmd(cmd, ":m")) {
        if (s->last_query == NULL)
            search_warn("no query yet");
        else
            session_query(s, NULL, s->last_query, s->last_offset + o->count);
    } else if (is_cmd(cmd, ":show") || is_cmd(cmd, ":explain")) {
        result_command(s, cmd[1] == 's' ? ":show" : ":explain", arg);
    } else if (is_cmd(cmd, ":duplicates")) {
        set_switch(s, ":duplicates", arg, &o->duplicates);
    } else if (is_cmd(cmd, ":expand")) {
        set_switch(s, ":expand", arg, &o->expand);
    } else if (is_cmd(cmd, ":all")) {
        set_switch(s, ":all", arg, &o->all_words);
    } else if (is_cmd(cmd, ":passages")) {
        if (arg != NULL && strcmp(arg, "all") == 0)
            o->per_article = 0;
        else if (arg != NULL && search_parse_count(arg, 1, 10000, &v) != 0)
            search_warn(":passages needs a number from 1 to 10000, or all");
        else if (arg != NULL)
            o->per_article = (unsigned)v;
        show_options(s);
    } else if (is_cmd(cmd, ":sort")) {
        if (arg != NULL && session_parse_sort(arg, &o->sort) != 0)
            search_warn(":sort takes score, date or -date");
        show_options(s);
    } else if (is_cmd(cmd, ":stats")) {
        session_stats(s);
    } else if (is_cmd(cmd, ":y")) {
        char *q = s->suggested;
        if (q == NULL) {
            search_warn("no suggestion to run");
        } else {
            s->suggested = NULL; /* session_query replaces it */
            session_query(s, NULL, q, 0);
            free(q);
        }
    } else {
        search_warn("unknown command '%s' (try :help)", cmd);
    }
    return 0;
}

/* ---- The loop ---------------------------------------------------------------------------- */

/* One line typed: a :command or a query, its output wrapped and paged. Returns 1 to leave. */
static int prompt_line(struct session *s, char *q, int no_pager)
{
    struct pager pg;
    struct trawl_error err;
    int quit = 0;

    pager_init(&pg, s->o.format == FMT_HUMAN, no_pager);
    s->out = pager_begin(&pg);
    if (q[0] == ':') {
        quit = prompt_command(s, q);
    } else {
        /* See what the indexer has committed since the last query. */
        if (trawl_reopen(s->ix, &err) != TRAWL_OK)
            search_warn("%s", err.msg);
        session_query(s, NULL, q, 0);
    }
    pager_end(&pg);
    s->out = stdout;
    return quit;
}

int prompt_run(struct session *s, int no_pager)
{
    static char word_breaks[] = " \t\n\"()";
    char *hist = history_path();
    struct sigaction sa, old;
    char *line;

    /* readline appends only to an existing file: create it on the first run. */
    if (hist != NULL && read_history(hist) == ENOENT) {
        int fd = open(hist, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0)
            close(fd);
    }
    current = s;
    rl_readline_name = "trawl";
    rl_catch_signals = 0; /* SIGINT is ours (on_sigint); readline keeps SIGWINCH */
    rl_getc_function = prompt_getc;
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = word_breaks;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: Ctrl-C must end a blocked read */
    sigaction(SIGINT, &sa, &old);
    s->o.so.cancel = &interrupted;
    s->interactive = 1;

    printf("trawl %s: searching %s. Type a query, :help for commands, Ctrl-D to leave.\n",
           trawl_version(), s->o.db);
    for (;;) {
        char *q;
        size_t n;
        interrupted = 0;
        if ((line = readline(PROMPT)) == NULL)
            break;
        if (interrupted) { /* Ctrl-C: the line is dropped */
            free(line);
            continue;
        }
        q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        n = strlen(q);
        while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t'))
            q[--n] = '\0';
        if (n > 0) {
            int quit;
            add_history(q);
            if (hist != NULL)
                append_history(1, hist);
            running = 1;
            quit = prompt_line(s, q, no_pager);
            running = 0;
            if (quit) {
                free(line);
                break;
            }
        }
        free(line);
    }
    if (line == NULL)
        putchar('\n');
    sigaction(SIGINT, &old, NULL);
    s->o.so.cancel = NULL;
    current = NULL;
    if (hist != NULL)
        history_truncate_file(hist, 1000);
    free(hist);
    clear_history();
    return 0;
}
