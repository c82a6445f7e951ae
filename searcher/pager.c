/* pager: wrapping and paging human output on a terminal (see pager.h). */
#include "searcher/pager.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

void pager_size(unsigned *cols, unsigned *rows)
{
    struct winsize ws;
    const char *c = getenv("COLUMNS"), *l = getenv("LINES");

    *cols = 80;
    *rows = 24;
    if (c != NULL && atoi(c) > 0)
        *cols = (unsigned)atoi(c);
    if (l != NULL && atoi(l) > 0)
        *rows = (unsigned)atoi(l);
    /* The terminal itself wins: the variables are not updated when it is resized. */
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

void pager_init(struct pager *p, int human, int no_pager)
{
    memset(p, 0, sizeof *p);
    p->wrap = human && isatty(STDOUT_FILENO);
    p->page = p->wrap && !no_pager;
}

FILE *pager_begin(struct pager *p)
{
    if (p->wrap && (p->mem = open_memstream(&p->buf, &p->len)) != NULL)
        return p->mem;
    return stdout;
}

/* The end (exclusive) of the ANSI sequence starting at s[i] (an ESC). */
static size_t skip_escape(const char *s, size_t n, size_t i)
{
    if (i + 1 < n && s[i + 1] == '[') {
        i += 2;
        while (i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e))
            i++;
        return i < n ? i + 1 : n;
    }
    return i + 1;
}

/* Columns of s[0..n): one per code point, none for colour sequences. */
static size_t columns(const char *s, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n;) {
        if (s[i] == '\033') {
            i = skip_escape(s, n, i);
            continue;
        }
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
        i++;
    }
    return w;
}

/* Whether the word s[0..n) is a marker a line's text starts after: "12.", "▶", "¶3". */
static int is_marker(const char *s, size_t n)
{
    char vis[16];
    size_t v = 0, d = 0;

    for (size_t i = 0; i < n;) {
        if (s[i] == '\033') {
            i = skip_escape(s, n, i);
            continue;
        }
        if (v + 1 >= sizeof vis)
            return 0;
        vis[v++] = s[i++];
    }
    vis[v] = '\0';
    if (strncmp(vis, "\xE2\x96\xB6", 3) == 0 || strncmp(vis, "\xC2\xB6", 2) == 0)
        return 1;
    while (vis[d] >= '0' && vis[d] <= '9')
        d++;
    return d > 0 && vis[d] == '.' && vis[d + 1] == '\0';
}

/* One line (no newline in s[0..n)), wrapped; returns the lines written. */
static size_t wrap_line(const char *s, size_t n, unsigned cols, FILE *f)
{
    size_t head = 0, at, col, hang, lines = 1;

    if (columns(s, n) <= cols) {
        fwrite(s, 1, n, f);
        fputc('\n', f);
        return 1;
    }
    /* The hanging indent: the leading spaces, and the markers after them. */
    while (head < n && s[head] == ' ')
        head++;
    for (;;) {
        size_t k = head;
        while (k < n && s[k] != ' ')
            k++;
        if (k == n || !is_marker(s + head, k - head))
            break;
        while (k < n && s[k] == ' ')
            k++;
        head = k;
    }
    hang = columns(s, head);
    if (hang > cols / 2)
        hang = 0;
    fwrite(s, 1, head, f);
    col = columns(s, head);
    for (at = head; at < n;) {
        size_t sp = at, we;
        size_t sw, ww;
        while (sp < n && s[sp] == ' ')
            sp++;
        for (we = sp; we < n && s[we] != ' ';)
            we++;
        sw = sp - at;
        ww = columns(s + sp, we - sp);
        if (we > sp && col + sw + ww > cols && col > hang) {
            fprintf(f, "\n%*s", (int)hang, "");
            col = hang;
            lines++;
        } else {
            fwrite(s + at, 1, sw, f);
            col += sw;
        }
        fwrite(s + sp, 1, we - sp, f);
        col += ww;
        at = we;
    }
    fputc('\n', f);
    return lines;
}

size_t pager_wrap(const char *text, size_t len, unsigned cols, FILE *f)
{
    size_t lines = 0, at = 0;

    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        lines += wrap_line(text + at, end - at, cols, f);
        at = end + 1;
    }
    return lines;
}

static void ignore_signal(int sig)
{
    (void)sig;
}

/* Shows text through the user's pager; -1 when there is none or it could not start. */
static int run_pager(const char *text, size_t len)
{
    const char *cmd = getenv("PAGER");
    struct sigaction quiet, old_int, old_pipe;
    FILE *f;
    int status;

    if (cmd == NULL)
        cmd = "less -R";
    if (cmd[0] == '\0' || strcmp(cmd, "cat") == 0)
        return -1;
    /* As git does: less quits on a screenful, keeps colours and the screen. */
    setenv("LESS", "FRX", 0);
    fflush(stdout);
    /* While the pager runs, Ctrl-C is the pager's (a handler, unlike SIG_IGN, is not
     * inherited), and a pager quit early must not kill us with SIGPIPE. */
    memset(&quiet, 0, sizeof quiet);
    quiet.sa_handler = ignore_signal;
    quiet.sa_flags = SA_RESTART;
    sigemptyset(&quiet.sa_mask);
    sigaction(SIGINT, &quiet, &old_int);
    quiet.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &quiet, &old_pipe);
    if ((f = popen(cmd, "w")) != NULL) {
        fwrite(text, 1, len, f);
        status = pclose(f);
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigaction(SIGINT, &old_int, NULL);
    /* 127: the shell could not find the pager (it said so on stderr). */
    if (f == NULL || (WIFEXITED(status) && WEXITSTATUS(status) == 127))
        return -1;
    return 0;
}

void pager_end(struct pager *p)
{
    char *w = NULL;
    size_t wlen = 0, lines;
    unsigned cols, rows;
    FILE *m;

    if (p->mem == NULL) {
        fflush(stdout);
        return;
    }
    fclose(p->mem);
    p->mem = NULL;
    pager_size(&cols, &rows);
    if ((m = open_memstream(&w, &wlen)) == NULL) {
        fwrite(p->buf, 1, p->len, stdout);
    } else {
        lines = pager_wrap(p->buf, p->len, cols, m);
        fclose(m);
        if (!p->page || lines < rows || run_pager(w, wlen) != 0)
            fwrite(w, 1, wlen, stdout);
        free(w);
    }
    fflush(stdout);
    free(p->buf);
    p->buf = NULL;
    p->len = 0;
}
