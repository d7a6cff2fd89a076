/*
 * truncation_sql.h — registers is_truncated(response) (truncation_sql.c).
 */
#ifndef SAFETY_TRUNCATION_SQL_H
#define SAFETY_TRUNCATION_SQL_H

#include "common.h"

int safety_register_truncation(sqlite3 *db);

#endif
