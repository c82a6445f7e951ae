/* grow: the doubling array append step. */
#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *grow_more(void *v, size_t *cap, size_t size, size_t first)
{
    size_t want;

    if (*cap == 0)
        want = first > 0 ? first : 1;
    else if (*cap <= SIZE_MAX / 2)
        want = *cap * 2;
    else
        return NULL;
    if (want > SIZE_MAX / size)
        return NULL;
    if ((v = realloc(v, want * size)) != NULL)
        *cap = want;
    return v;
}
