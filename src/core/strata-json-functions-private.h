/* strata-json-functions-private.h: JSON functions a schema may use with
 * trusted_schema off
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Replaces, on @db, each built-in JSON function that this SQLite leaves
 * without SQLITE_INNOCUOUS by an innocuous copy with the same results. Call
 * before the schema is first read. Returns an SQLite result code. */
int _strata_json_functions_register (sqlite3 *db);

G_END_DECLS
