/* date: the one Gregorian calendar, for article dates (article.c) and date: filters (query.c):
 * the shapes YYYY, YYYY-MM and YYYY-MM-DD, leap years and the days of a month.
 * Depends only on libc. */
#ifndef TRAWL_COMMON_DATE_H
#define TRAWL_COMMON_DATE_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

/* 1 if y is a leap year: every 4th, except centuries not divisible by 400. */
int date_leap(int y);

/* The days of month m (1-12) of year y: 28 to 31. */
int date_days_in(int y, int m);

/* Splits s[0..len) of the shape YYYY, YYYY-MM or YYYY-MM-DD (ASCII digits, '-') into *y, *m
 * and *d (0 when the shape has no month or day) and returns how many parts it has: 1, 2 or 3.
 * 0 (and all three 0) for any other shape. Ranges are not checked. */
int date_split(const char *s, size_t len, int *y, int *m, int *d);

/* 1 if s[0..len) is a calendar date YYYY-MM-DD of years 0001-9999; s may be NULL (0). */
int date_valid(const char *s, size_t len);

TRAWL_END_DECLS

#endif
