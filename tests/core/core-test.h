/* core-test.h: shared fixtures of the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>
#include <strata.h>

G_BEGIN_DECLS

/* A fresh temporary folder; removed with everything in it by ct_remove_tree(). */
char          *ct_make_tmp          (void);
/* Runs strata-kill-helper (an upgrade to head of @dir) and SIGKILLs it once
 * @commits steps have committed and @delay_us more have passed. Returns how
 * many commits it saw. */
guint          ct_kill_helper_after (const char *dir,
                                     guint       commits,
                                     gint64      delay_us);
void           ct_remove_tree       (const char  *path);
/* Copies the example project of the source tree into @dir/migrations and
 * returns that folder. */
char          *ct_copy_example      (const char  *dir);
/* Writes @dir/strata.ini (database test.db) and an empty versions folder. */
void           ct_write_config      (const char  *dir);
/* Writes versions/<id>.sql revising @down (NULL for a base). */
void           ct_write_revision    (const char  *dir,
                                     const char  *id,
                                     const char  *down,
                                     const char  *message,
                                     const char  *upgrade,
                                     const char  *downgrade);
StrataProject *ct_open_project      (const char  *dir);
/* Runs a migration synchronously and asserts it succeeds. */
void           ct_migrate           (StrataProject   *project,
                                     StrataDirection  direction,
                                     const char      *target);
/* SHA-256 of a file's bytes, or "missing". */
char          *ct_file_checksum     (const char  *path);
/* The first column of the first row of @sql against @db_path, as text;
 * NULL when there is no row. */
char          *ct_query             (const char  *db_path,
                                     const char  *sql);
gint64         ct_query_int         (const char  *db_path,
                                     const char  *sql);
/* Asserts that ct_query() gives @expected (NULL: no row). */
void           ct_assert_query      (const char  *db_path,
                                     const char  *sql,
                                     const char  *expected);
/* The schema and every row of every table but strata_history, as text. */
char          *ct_dump              (const char  *db_path);
/* Every file under @dir with its checksum, to prove nothing changed. */
char          *ct_snapshot          (const char  *dir);
/* Builds @dir/test.db from tests/data/real/@name with plain SQLite, as the
 * application that owns the database would have; returns its path. */
char          *ct_load_real         (const char  *dir,
                                     const char  *name);
/* The version table's rows joined by ",". */
char          *ct_heads             (const char  *db_path);
void           ct_assert_heads      (const char  *db_path,
                                     const char  *expected);

G_END_DECLS
