/* pager: trawl-search's human output on a terminal. What a command prints is collected in
 * memory, then wrapped at word boundaries to the terminal's width with a hanging indent, and
 * shown through the user's pager ($PAGER, else less -R) when it is taller than the screen.
 * Output that is not to a terminal (pipes, golden tests) passes through untouched.
 * Depends on libc only. */
#ifndef TRAWL_SEARCHER_PAGER_H
#define TRAWL_SEARCHER_PAGER_H

#include <stddef.h>
#include <stdio.h>

struct pager {
    int wrap;   /* stdout is a terminal and the output is for people: wrap it */
    int page;   /* and long output may go through a pager */
    FILE *mem;  /* collecting, between pager_begin and pager_end */
    char *buf;
    size_t len;
};

/* Sets p up for stdout: human != 0 is text for people (not JSON or TREC); no_pager != 0
 * (--no-pager) wraps but never pages. */
void pager_init(struct pager *p, int human, int no_pager);

/* The stream to print to until pager_end: a memory buffer when p wraps, else stdout (also
 * when memory runs out). */
FILE *pager_begin(struct pager *p);

/* Prints what was collected: wrapped, and through the pager when it has more lines than the
 * terminal (a pager that cannot start: printed directly). NULL-safe for a p never begun. */
void pager_end(struct pager *p);

/* Writes text[0..len) to f with every line longer than cols columns broken at spaces, the
 * continuation lines indented as far as the line's text starts (after its indent and a
 * leading marker such as "12.", "▶" or "¶3"). Words are never split: a word longer than a
 * line stays whole. ANSI colour sequences take no columns; a code point takes one. Returns
 * the number of lines written. */
size_t pager_wrap(const char *text, size_t len, unsigned cols, FILE *f);

/* The terminal's size on stdout, else $COLUMNS and $LINES, else 80 by 24. */
void pager_size(unsigned *cols, unsigned *rows);

#endif
