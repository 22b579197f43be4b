/* strata-history-sections-private.h: a revision's SQL in its strata_history row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* Binds @revision's @direction section to the parameter @parameter of the
 * statement that inserts its history row. A section held in memory is
 * bound as text, not copied; a big file's as a zeroblob of its length,
 * which takes no memory, for _strata_history_write_sections() to fill once
 * the row is in: SQLite would otherwise build the whole row in memory, and
 * the run would hold the section's text besides. */
void      _strata_history_bind_section   (sqlite3_stmt    *stmt,
                                          int              parameter,
                                          StrataRevision  *revision,
                                          StrataDirection  direction);

/* Fills the big sections of the history row @rowid, inserted with the
 * above, reading them again from the file a piece at a time. FALSE with
 * @error set when the file is not what was read for the run: the caller
 * must then not commit the row. Nothing to do for sections in memory. */
gboolean  _strata_history_write_sections (sqlite3         *db,
                                          sqlite3_int64    rowid,
                                          StrataRevision  *revision,
                                          GError         **error);

G_END_DECLS
