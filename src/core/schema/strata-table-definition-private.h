/* strata-table-definition-private.h: a CREATE TABLE statement taken apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One column as its definition says, each part in canonical spelling. The
 * pragmas say less than the SQL (no CHECK, COLLATE or generated expression),
 * so the SQL is what Strata compares. */
typedef struct
{
  char      *name;         /* as declared, unquoted */
  char      *type;         /* canonical declared type; "" when none */
  char      *definition;   /* canonical "name TYPE constraints…" */
  char      *key;          /* the definition case-folded, for comparisons */
  char      *default_sql;  /* the DEFAULT value; NULL when none */
  char      *collation;    /* NULL when none */
  char      *generated;    /* the generated expression; NULL when none */
  char      *references;   /* "REFERENCES p(id) ON DELETE CASCADE"; NULL when none */
  GPtrArray *checks;       /* canonical CHECK expressions */
  gboolean   primary_key;
  gboolean   autoincrement;
  gboolean   not_null;
  gboolean   unique;
  gboolean   stored;
} StrataColumnDefinition;

typedef struct
{
  char      *name;
  GPtrArray *columns;          /* StrataColumnDefinition */
  GPtrArray *constraints;      /* canonical table constraints, in order */
  GPtrArray *constraint_keys;  /* the same, case-folded */
  gboolean   strict;
  gboolean   without_rowid;
  gboolean   autoincrement;
} StrataTableDefinition;

void                    _strata_table_definition_free   (StrataTableDefinition *self);
/* NULL when @sql is not a CREATE TABLE with a column list. */
StrataTableDefinition  *_strata_table_definition_parse  (const char            *sql);
/* Canonical CREATE TABLE: columns, then table constraints, then options.
 * @pretty puts each on a line of its own; @fold gives a comparison key. */
char                   *_strata_table_definition_to_sql (StrataTableDefinition *self,
                                                         gboolean               pretty,
                                                         gboolean               fold);
StrataColumnDefinition *_strata_table_definition_lookup (StrataTableDefinition *self,
                                                         const char            *column);
/* @sql with the name of the table it creates replaced by @name (quoted as
 * needed); everything else kept as written. */
char                   *_strata_table_sql_rename        (const char            *sql,
                                                         const char            *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTableDefinition, _strata_table_definition_free)

G_END_DECLS
