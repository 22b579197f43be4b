/* strata-copy-failure-private.h: a rebuild's copy failing, told in the user's names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* SQLite's @message for @statement as said to people. When @statement is
 * the copy of a table rebuild (INSERT INTO new_t (…) SELECT … FROM t) and a
 * constraint stopped it, the scratch table's name becomes the user's table,
 * and for NOT NULL the rows of @db at fault are counted; otherwise a copy of
 * @message. */
char *_strata_copy_failure_explain (sqlite3    *db,
                                    const char *statement,
                                    const char *message);

/* @message with each scratch table of a rebuild in @script (ALTER TABLE
 * new_x RENAME TO x) named as the user's table. */
char *_strata_copy_failure_in_script (const char *script,
                                      const char *message);

G_END_DECLS
