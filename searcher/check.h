/* check: scripted relevance tests (`trawl-search --check FILE`). A check file holds one case
 * per line, `QUERY => EXPECTATION, ...`: articles, passages or phrases that must rank in the
 * top N, or must not; the grammar is in check.c and the README. The runner builds nothing: it
 * runs each case on the session's index and options, prints one line per case and a summary.
 * Depends on the search session (search.h) and the public trawl.h. */
#ifndef TRAWL_SEARCHER_CHECK_H
#define TRAWL_SEARCHER_CHECK_H

#include "searcher/search.h"

/* Runs the cases of the file at path ("-": stdin) on s and prints to s->out. Returns the exit
 * status: 0 every case passed, 1 some failed, 2 the file or a query could not be read (the
 * other cases still run). */
int check_main(struct session *s, const char *path);

#endif
