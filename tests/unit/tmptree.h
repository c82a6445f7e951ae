/* tmptree: removing a unit test's scratch folder and everything below it (the tests that
 * write indexes and files). The including file defines _XOPEN_SOURCE 700 or _GNU_SOURCE
 * first, for nftw. */
#ifndef TRAWL_TESTS_UNIT_TMPTREE_H
#define TRAWL_TESTS_UNIT_TMPTREE_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int tmptree_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

/* Removes dir and all it holds, depth first, never following a symbolic link. */
static inline void tmptree_remove(const char *dir)
{
    nftw(dir, tmptree_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
