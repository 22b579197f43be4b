/* strata-schema-snapshot.h: a schema in one normalised spelling, to print and compare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCHEMA_SNAPSHOT (strata_schema_snapshot_get_type ())

G_DECLARE_FINAL_TYPE (StrataSchemaSnapshot, strata_schema_snapshot,
                      STRATA, SCHEMA_SNAPSHOT, GObject)

/* Reads the main schema of @database through sqlite_schema and the
 * table_xinfo, index_list, index_xinfo and foreign_key_list pragmas (by way of
 * StrataSchema), and the parts no pragma tells (CHECK, COLLATE, generated
 * expressions, STRICT, AUTOINCREMENT) from each CREATE statement. Every
 * object is kept in a canonical spelling: keywords in capitals, identifiers
 * quoted only where needed, a column's constraints in a fixed order, columns
 * before table constraints. Two schemas are the same when their canonical
 * spellings are, names compared without regard to ASCII case. */
StrataSchemaSnapshot *strata_schema_snapshot_read        (StrataDatabase        *database,
                                                          GCancellable          *cancellable,
                                                          GError               **error);
/* Runs @sql (CREATE statements, as in schema.sql) in a fresh in-memory
 * database and reads it. A failing statement is an error naming
 * @display_name and its line. */
StrataSchemaSnapshot *strata_schema_snapshot_new_from_sql (const char           *sql,
                                                          const char           *display_name,
                                                          GError              **error);
/* The schema as normalised CREATE statements, each ending in ";" on a line
 * of its own: tables, then indexes, views and triggers, each in the order
 * they were created, so the text runs as it is (a schema.sql to start from). */
char                 *strata_schema_snapshot_to_sql       (StrataSchemaSnapshot  *self);
/* TRUE when both hold the same objects with the same canonical spelling. */
gboolean              strata_schema_snapshot_equal        (StrataSchemaSnapshot  *self,
                                                           StrataSchemaSnapshot  *other);
/* What changes from @self to @other, one sentence each ("table “part”:
 * column “price” added: price REAL"); empty when they are equal. */
GStrv                 strata_schema_snapshot_compare      (StrataSchemaSnapshot  *self,
                                                           StrataSchemaSnapshot  *other);
/* Leaves out @table with its indexes and triggers: the version table and
 * strata_history belong to Strata, not to the user's schema. */
void                  strata_schema_snapshot_exclude      (StrataSchemaSnapshot  *self,
                                                           const char            *table);
/* Names of the tables, in the order they were created. */
GStrv                 strata_schema_snapshot_dup_tables   (StrataSchemaSnapshot  *self);

G_END_DECLS
