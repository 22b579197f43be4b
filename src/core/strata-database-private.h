/* strata-database-private.h: what the core's other files need of a connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-database.h"

G_BEGIN_DECLS

/* Milliseconds a write waits for a lock: 5000, or STRATA_BUSY_TIMEOUT_MS. */
int         _strata_database_get_busy_timeout  (void);
/* The database's path as shown in messages. */
const char *_strata_database_get_display_name  (StrataDatabase  *self);
gboolean    _strata_database_table_exists      (StrataDatabase  *self,
                                                const char      *table,
                                                gboolean        *exists,
                                                GError         **error);
/* VACUUM INTO @path, with the schema trusted for that statement only (it
 * runs nothing of the schema); returns SQLite's result code. */
int         _strata_database_vacuum_into       (StrataDatabase  *self,
                                                const char      *path);
/* TRUE when @name is a shadow table of a virtual table (FTS5, R*Tree). */
gboolean    _strata_database_is_shadow_table   (sqlite3         *db,
                                                const char      *name);

G_END_DECLS
