#include <sqlite3.h>
#include "CSQLiteShim.h"

int lumiere_sqlite3_db_config_int(void *db, int op, int value, int *previous) {
    return sqlite3_db_config((sqlite3 *)db, op, value, previous);
}
