/* strata-schema-file-private.h: schema.sql run into a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-database.h"

G_BEGIN_DECLS

/* Runs @sql, the text of schema.sql, on @database (empty, in memory): its
 * CREATE statements, nothing else. Any other statement (rows, settings,
 * transaction control, ALTER, DROP, a TEMP object), a CREATE SQLite refuses,
 * and a view or trigger that names what does not exist (SQLite accepts those
 * until they are used) set @error to "@display_name:line: …" with the line of
 * the statement at fault and what to do. */
gboolean _strata_schema_file_load (StrataDatabase  *database,
                                   const char      *sql,
                                   const char      *display_name,
                                   GError         **error);

G_END_DECLS
