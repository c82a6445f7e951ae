/* date: the Gregorian calendar shared by article dates and date: filters. */
#include "common/date.h"

int date_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && date_leap(y) ? 29 : dim[m - 1];
}

/* s[0..n) as a decimal number, or 0 when a character is not an ASCII digit. */
static int digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

int date_split(const char *s, size_t len, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    if ((len != 4 && len != 7 && len != 10) || !digits(s, 4, y) ||
        (len >= 7 && (s[4] != '-' || !digits(s + 5, 2, m))) ||
        (len == 10 && (s[7] != '-' || !digits(s + 8, 2, d)))) {
        *y = *m = *d = 0;
        return 0;
    }
    return len == 4 ? 1 : len == 7 ? 2 : 3;
}

int date_valid(const char *s, size_t len)
{
    int y, m, d;

    if (s == NULL || len != 10 || date_split(s, len, &y, &m, &d) != 3)
        return 0;
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in(y, m);
}
