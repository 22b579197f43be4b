/* strata-schema.h: what a database holds (tables, views, indexes, triggers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCHEMA        (strata_schema_get_type ())
#define STRATA_TYPE_SCHEMA_OBJECT (strata_schema_object_get_type ())
#define STRATA_TYPE_SCHEMA_COLUMN (strata_schema_column_get_type ())

/* As GtkStringList keeps GtkStringObject beside it, the snapshot keeps its item
 * types here: an object of the schema and a column of a table or view. */
G_DECLARE_FINAL_TYPE (StrataSchema, strata_schema, STRATA, SCHEMA, GObject)
G_DECLARE_FINAL_TYPE (StrataSchemaObject, strata_schema_object, STRATA, SCHEMA_OBJECT, GObject)
G_DECLARE_FINAL_TYPE (StrataSchemaColumn, strata_schema_column, STRATA, SCHEMA_COLUMN, GObject)

typedef enum
{
  STRATA_SCHEMA_KIND_TABLE,
  STRATA_SCHEMA_KIND_VIEW,
  STRATA_SCHEMA_KIND_INDEX,
  STRATA_SCHEMA_KIND_TRIGGER,
} StrataSchemaKind;

typedef enum /*< flags >*/
{
  STRATA_SCHEMA_FLAGS_NONE       = 0,
  /* Count the rows of every table (a full scan each; slow on big tables). */
  STRATA_SCHEMA_FLAGS_COUNT_ROWS = 1 << 0,
} StrataSchemaFlags;

/* PRAGMA table_xinfo's "hidden" column. */
typedef enum
{
  STRATA_SCHEMA_HIDDEN_NONE             = 0,
  STRATA_SCHEMA_HIDDEN_VIRTUAL_TABLE    = 1,
  STRATA_SCHEMA_HIDDEN_GENERATED_VIRTUAL = 2,
  STRATA_SCHEMA_HIDDEN_GENERATED_STORED = 3,
} StrataSchemaHidden;

typedef struct
{
  char     *name;
  char     *origin;   /* "c" (CREATE INDEX), "u" (UNIQUE), "pk" */
  gboolean  unique;
  gboolean  partial;
  GStrv     columns;  /* key columns in order; "<expression>" for an expression */
  char     *sql;      /* NULL for an automatic index */
} StrataSchemaIndex;

typedef struct
{
  int    id;
  char  *table;       /* the referenced (parent) table */
  GStrv  from;        /* columns of this table */
  GStrv  to;          /* columns of the parent; "" where the parent's primary key is meant */
  char  *on_update;
  char  *on_delete;
} StrataSchemaForeignKey;

void                    strata_schema_index_free         (StrataSchemaIndex      *index);
void                    strata_schema_foreign_key_free   (StrataSchemaForeignKey *foreign_key);

/* Reads the schema of the main database of @database (any thread; the caller
 * owns the connection). */
StrataSchema           *strata_schema_read               (StrataDatabase         *database,
                                                          StrataSchemaFlags       flags,
                                                          GCancellable           *cancellable,
                                                          GError                **error);
/* Opens @file read-only on a worker with its own connection and reads it. A
 * database that does not exist yet gives an empty schema, not an error. */
StrataSchema           *strata_schema_load               (GFile                  *file,
                                                          StrataSchemaFlags       flags,
                                                          GCancellable           *cancellable,
                                                          GError                **error);
void                    strata_schema_load_async         (GFile                  *file,
                                                          StrataSchemaFlags       flags,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
StrataSchema           *strata_schema_load_finish        (GAsyncResult           *result,
                                                          GError                **error);
/* The number of rows of @table, on a worker with its own read-only connection. */
void                    strata_schema_count_rows_async   (GFile                  *file,
                                                          const char             *table,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gint64                  strata_schema_count_rows_finish  (GAsyncResult           *result,
                                                          GError                **error);

/* StrataSchemaObject items: tables, views, indexes, triggers, each sorted by name. */
GListModel             *strata_schema_get_objects        (StrataSchema           *self);
StrataSchemaObject     *strata_schema_lookup             (StrataSchema           *self,
                                                          const char             *name);
/* Names of tables, views and their columns, sorted and unique: for completion. */
GStrv                   strata_schema_dup_names          (StrataSchema           *self);

StrataSchemaKind        strata_schema_object_get_kind    (StrataSchemaObject     *self);
const char             *strata_schema_object_get_name    (StrataSchemaObject     *self);
/* The table an index or trigger belongs to; the name itself for tables and views. */
const char             *strata_schema_object_get_table_name (StrataSchemaObject  *self);
/* NULL for automatic indexes (UNIQUE and PRIMARY KEY constraints). */
const char             *strata_schema_object_get_sql     (StrataSchemaObject     *self);
gboolean                strata_schema_object_get_without_rowid (StrataSchemaObject *self);
/* -1 unless read with STRATA_SCHEMA_FLAGS_COUNT_ROWS. */
gint64                  strata_schema_object_get_row_count (StrataSchemaObject   *self);
/* StrataSchemaColumn items, in table order, hidden and generated ones included. */
GListModel             *strata_schema_object_get_columns (StrataSchemaObject     *self);
/* StrataSchemaIndex, StrataSchemaForeignKey; empty but for tables. */
GPtrArray              *strata_schema_object_get_indexes (StrataSchemaObject     *self);
GPtrArray              *strata_schema_object_get_foreign_keys (StrataSchemaObject *self);
/* Names of the triggers on this table or view. */
const char * const     *strata_schema_object_get_triggers (StrataSchemaObject    *self);

int                     strata_schema_column_get_position   (StrataSchemaColumn  *self);
const char             *strata_schema_column_get_name       (StrataSchemaColumn  *self);
/* The declared type; "" when none was declared. */
const char             *strata_schema_column_get_type_name  (StrataSchemaColumn  *self);
gboolean                strata_schema_column_get_not_null   (StrataSchemaColumn  *self);
/* The DEFAULT expression as written; NULL when there is none. */
const char             *strata_schema_column_get_default    (StrataSchemaColumn  *self);
/* The column's 1-based place in the primary key; 0 when not part of it. */
int                     strata_schema_column_get_primary_key (StrataSchemaColumn *self);
StrataSchemaHidden      strata_schema_column_get_hidden     (StrataSchemaColumn  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSchemaIndex, strata_schema_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSchemaForeignKey, strata_schema_foreign_key_free)

G_END_DECLS
