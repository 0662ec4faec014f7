// Non-variadic wrappers for SQLite's variadic configuration calls, which Swift cannot call.
// The handle is passed as a void pointer so this header does not re-declare sqlite3's types
// (Swift code gets those from GRDBSQLite).
#ifndef LUMIERE_CSQLITESHIM_H
#define LUMIERE_CSQLITESHIM_H

/// sqlite3_db_config(db, op, value, &previous) for the integer on/off options
/// (SQLITE_DBCONFIG_DEFENSIVE, SQLITE_DBCONFIG_TRUSTED_SCHEMA, ...). Returns SQLite's code.
int lumiere_sqlite3_db_config_int(void *db, int op, int value, int *previous);

#include <stddef.h>

/// glibc's memmem (two-way string matching: linear time), which Swift's Glibc module does
/// not export because it needs _GNU_SOURCE. Used by the sandbox's instr/replace.
const void *lumiere_memmem(const void *haystack, size_t haystack_length,
                           const void *needle, size_t needle_length);

#endif
