/* strata-history-sections-private.h: a revision's SQL in its strata_history row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* A big file's sections are not written into their strata_history row
 * (whose upgrade_sql and downgrade_sql are then NULL) but into the row of
 * strata_history_sql with the same id, as BLOBs of their text: SQLite
 * writes a zeroblob that ends a row without making it in memory, and the
 * run copies the section into it from the file a piece at a time, never
 * holding it whole. */

/* Binds @revision's @direction section to the parameter @parameter of the
 * statement that inserts its history row: a section held in memory as
 * text, not copied; a big file's as NULL. */
void      _strata_history_bind_section   (sqlite3_stmt    *stmt,
                                          int              parameter,
                                          StrataRevision  *revision,
                                          StrataDirection  direction);

/* Writes the big sections of the history row @rowid, just inserted, into
 * strata_history_sql, reading them again from the file a piece at a time.
 * FALSE with @error set when the file is not what was read for the run:
 * the caller must then not commit the row. Nothing to do for sections in
 * memory. */
gboolean  _strata_history_write_sections (sqlite3         *db,
                                          sqlite3_int64    rowid,
                                          StrataRevision  *revision,
                                          GError         **error);

G_END_DECLS
