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

/* Where the views and triggers of a database built from files (schema.sql,
 * revisions replayed) were created, so that one that does not resolve is
 * told at its file and line. */
typedef struct _StrataSchemaOrigins StrataSchemaOrigins;

StrataSchemaOrigins *_strata_schema_origins_new   (void);
void                 _strata_schema_origins_free  (StrataSchemaOrigins  *self);
/* Notes the views and triggers made on @database since the last note, by
 * @sql, read from @display_name where it starts on @first_line. */
void                 _strata_schema_origins_note  (StrataSchemaOrigins  *self,
                                                   StrataDatabase       *database,
                                                   const char           *sql,
                                                   const char           *display_name,
                                                   guint                 first_line);
/* FALSE with "file:line: view “v”: …" when a view or trigger does not
 * resolve (@display_name names the whole when none of the noted ones is
 * at fault). */
gboolean             _strata_schema_origins_check (StrataSchemaOrigins  *self,
                                                   StrataDatabase       *database,
                                                   const char           *display_name,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSchemaOrigins, _strata_schema_origins_free)

G_END_DECLS
