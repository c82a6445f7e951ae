/* Shared by the fuzz targets: a check that aborts with file:line, so a broken promise is a
 * finding like a crash, and the declarations libFuzzer (or replay.c) calls. */
#ifndef TRAWL_TESTS_FUZZ_H
#define TRAWL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

__attribute__((noreturn)) static inline void fuzz_die(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz set-up: %s: %s\n", what, msg);
    exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
