/* strata-drop-analysis-private.h: what a section of SQL drops, read from its tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* Reads @sql statement by statement, with SQLite's tokens, and appends what
 * it drops: to @tables the name of each table of a DROP TABLE, to @columns
 * "table.column" for each ALTER TABLE … DROP COLUMN. A name already in the
 * array is not added twice. Text inside string literals and comments never
 * counts, and nothing runs. Either array may be NULL. Returns TRUE when
 * something is dropped. */
gboolean _strata_drop_analysis_scan         (const char      *sql,
                                             GPtrArray       *tables,
                                             GPtrArray       *columns);
/* The same on the section of @revision that runs in @direction; a stamp
 * runs none. */
gboolean _strata_drop_analysis_scan_section (StrataRevision  *revision,
                                             StrataDirection  direction,
                                             GPtrArray       *tables,
                                             GPtrArray       *columns);

G_END_DECLS
