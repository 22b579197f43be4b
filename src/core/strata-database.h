/* strata-database.h: one SQLite connection, opened the careful way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DATABASE (strata_database_get_type ())

G_DECLARE_FINAL_TYPE (StrataDatabase, strata_database, STRATA, DATABASE, GObject)

typedef enum /*< flags >*/
{
  STRATA_DATABASE_FLAGS_NONE      = 0,
  STRATA_DATABASE_FLAGS_READ_ONLY = 1 << 0,
  STRATA_DATABASE_FLAGS_CREATE    = 1 << 1,
} StrataDatabaseFlags;

/* Opens @file with SQLITE_DBCONFIG_DEFENSIVE, trusted_schema off, no extension
 * loading and a busy timeout, and checks that it is a SQLite database. A
 * connection belongs to the thread that uses it: open one per worker. */
StrataDatabase *strata_database_open            (GFile               *file,
                                                 StrataDatabaseFlags  flags,
                                                 GError             **error);
/* An in-memory database with the same settings (rehearsals, scratch schemas). */
StrataDatabase *strata_database_open_memory     (GError             **error);
GFile          *strata_database_get_file        (StrataDatabase      *self);
sqlite3        *strata_database_get_handle      (StrataDatabase      *self);

/* Runs @sql (several statements allowed) and turns a failure into STRATA_ERROR. */
gboolean        strata_database_exec            (StrataDatabase      *self,
                                                 const char          *sql,
                                                 GError             **error);
/* The rows of @version_table, sorted; an empty vector when it does not exist. */
GStrv           strata_database_read_heads      (StrataDatabase      *self,
                                                 const char          *version_table,
                                                 GError             **error);

/* How long connections opened from now on wait for another connection's
 * lock before failing with STRATA_ERROR_BUSY, for the whole process: 5000 ms
 * unless the program says otherwise. The core reads no environment variable;
 * strata-cli sets this from STRATA_BUSY_TIMEOUT_MS, which tests use to fail
 * fast on a locked database. */
void            strata_database_set_default_busy_timeout (guint timeout_ms);
guint           strata_database_get_default_busy_timeout (void);

/* Sets @error from the connection's last error: SQLITE_BUSY becomes
 * STRATA_ERROR_BUSY, read-only codes STRATA_ERROR_READ_ONLY, SQLITE_NOTADB and
 * SQLITE_CORRUPT STRATA_ERROR_DATABASE, anything else @fallback_code, with
 * @prefix (may be NULL) before SQLite's message. */
void            strata_database_set_error       (StrataDatabase      *self,
                                                 GError             **error,
                                                 int                  fallback_code,
                                                 const char          *prefix);

G_END_DECLS
