// _GNU_SOURCE for memmem, which glibc declares only then.
#define _GNU_SOURCE
#include <string.h>
#include <sqlite3.h>
#include "CSQLiteShim.h"

int lumiere_sqlite3_db_config_int(void *db, int op, int value, int *previous) {
    return sqlite3_db_config((sqlite3 *)db, op, value, previous);
}

const void *lumiere_memmem(const void *haystack, size_t haystack_length,
                           const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
