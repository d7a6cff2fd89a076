/* jsonl_stub.c — placeholder until the module lands; registers nothing. */
#include "common.h"

int safety_register_jsonl(sqlite3 *db) {
  (void)db;
  return SQLITE_OK;
}
