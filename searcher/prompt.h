/* prompt: trawl-search's interactive prompt (GNU readline): queries and :commands, history
 * in $XDG_STATE_HOME/trawl/history, Ctrl-C that cancels the line or the running search (not
 * the program), Tab completion of commands and index words, and options changed on the fly.
 * Used only when stdin is a terminal. Depends on search (the session) and pager. */
#ifndef TRAWL_SEARCHER_PROMPT_H
#define TRAWL_SEARCHER_PROMPT_H

#include "common/trawl.h"
#include "searcher/search.h"

/* Runs the prompt on s until Ctrl-D or :quit; returns the exit status (0). no_pager: never
 * page long output (--no-pager). */
int prompt_run(struct session *s, int no_pager);

#endif
