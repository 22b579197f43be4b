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

/* A statement refused because a view or trigger uses an FTS or R*Tree table
 * (SQLite's message says "unsafe use of virtual table") may be prepared and
 * run again between these two calls, with such tables trusted and nothing
 * else; see strata-database-trust.c. */
typedef struct _StrataTrust StrataTrust;

gboolean     _strata_database_is_storage_refusal (const char  *message);
StrataTrust *_strata_database_trust_storage      (sqlite3     *db);
void         _strata_trust_end                   (StrataTrust *trust);
/* sqlite3_prepare_v2(), and for such a refusal the second try: *@trust is
 * then set, to be ended once the statement has run, or kept for the next
 * statements of the same script (they are then prepared trusted, falling
 * back to untrusted should the authorizer refuse one). */
int          _strata_database_prepare            (sqlite3        *db,
                                                  const char     *sql,
                                                  int             length,
                                                  sqlite3_stmt  **stmt,
                                                  const char    **tail,
                                                  StrataTrust   **trust);
/* Steps *@stmt (from the above) to its end; one that stops on such a refusal
 * is prepared again (replacing *@stmt) and run trusted. SQLite's last code. */
int          _strata_database_step               (sqlite3        *db,
                                                  sqlite3_stmt  **stmt,
                                                  StrataTrust   **trust);
/* sqlite3_exec() without callback, each statement run as above. */
int          _strata_database_exec               (sqlite3        *db,
                                                  const char     *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTrust, _strata_trust_end)

G_END_DECLS
