/* Runs a fuzz target over files without libFuzzer, so every build (gcc, ASan, valgrind)
 * replays the seed corpora, regression inputs included:
 *     replay_TARGET FILE_OR_FOLDER...
 * Prints "replayed N inputs" and exits 0; a finding aborts, as under libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static size_t replayed;

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long len;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        fuzz_die("cannot read", path);
    /* An exact-size copy, so ASan sees any read past the input's end. */
    if ((buf = malloc(len > 0 ? (size_t)len : 1)) == NULL ||
        fread(buf, 1, (size_t)len, f) != (size_t)len)
        fuzz_die("cannot read", path);
    fclose(f);
    LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)len);
    free(buf);
    replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *path)
{
    struct stat sb;
    struct dirent **names;
    int n;

    if (stat(path, &sb) != 0)
        fuzz_die("cannot stat", path);
    if (!S_ISDIR(sb.st_mode)) {
        replay_file(path);
        return;
    }
    if ((n = scandir(path, &names, NULL, by_name)) < 0)
        fuzz_die("cannot list", path);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char *sub;
            if (asprintf(&sub, "%s/%s", path, names[i]->d_name) < 0)
                fuzz_die("asprintf", path);
            replay(sub);
            free(sub);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        replay(argv[i]);
    printf("replayed %zu inputs\n", replayed);
    return replayed > 0 ? 0 : 1;
}
