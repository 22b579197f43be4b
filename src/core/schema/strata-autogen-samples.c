/* strata-autogen-samples.c: made-up rows that both schemas accept
 *
 * The self-check puts two rows in each empty table of head, so that a
 * rebuild has something to lose. Rows that schema.sql's new constraints
 * refuse would stop the upgrade and, with it, autogenerate, whatever the
 * real rows hold: `status TEXT CHECK (status IN ('active', 'retired'))` and
 * 'sample 1'. So each column's value is picked among candidates (a plain
 * sample, then the literals of the constraints of the column and its table
 * on both sides) by trying it in a one-column probe table with the column's
 * definition from each side; a row is kept only if head's table takes it
 * and the target's table would take it too. A table for which no such row
 * is found stays empty: the check of its rows is then weaker, never a dead
 * end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "strata-autogen-private.h"
#include "strata-database-private.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql.h"
#include "strata-sql-lexer-private.h"

#define N_ROWS 2
#define PROBE "strata_probe"

static const char *
sample_value (const char *type,
              guint       n)
{
  g_autofree char *upper = g_ascii_strup (type, -1);

  /* SQLite's affinity rules, in their order. */
  if (strstr (upper, "INT"))
    return n == 1 ? "1" : "2";
  if (strstr (upper, "CHAR") || strstr (upper, "CLOB") || strstr (upper, "TEXT"))
    return n == 1 ? "'sample 1'" : "'sample 2'";
  if (strstr (upper, "BLOB") || upper[0] == '\0')
    return n == 1 ? "x'01'" : "x'02'";
  if (strstr (upper, "REAL") || strstr (upper, "FLOA") || strstr (upper, "DOUB"))
    return n == 1 ? "1.5" : "2.5";
  return n == 1 ? "1" : "2";
}

static gboolean
exec (sqlite3    *db,
      const char *sql)
{
  return _strata_database_exec (db, sql) == SQLITE_OK;
}

static void
add_unique (GPtrArray  *values,
            const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (strcmp (g_ptr_array_index (values, i), value) == 0)
      return;
  g_ptr_array_add (values, g_strdup (value));
}

/* The string and number literals of @sql; each number also one more, for
 * "year > 1888". */
static void
add_literals (GPtrArray  *values,
              const char *sql)
{
  g_autoptr(GPtrArray) tokens = NULL;

  if (sql == NULL)
    return;
  tokens = _strata_sql_lex (sql);
  for (guint i = 0; i < tokens->len; i++)
    {
      StrataSqlToken *token = g_ptr_array_index (tokens, i);

      if (token->kind == STRATA_SQL_TOKEN_STRING)
        add_unique (values, token->text);
      else if (token->kind == STRATA_SQL_TOKEN_NUMBER)
        {
          g_autofree char *next = g_strdup_printf ("%s + 1", token->text);

          add_unique (values, token->text);
          add_unique (values, next);
        }
    }
}

static void
add_column_literals (GPtrArray              *values,
                     StrataTableDefinition  *table,
                     StrataColumnDefinition *column)
{
  if (column == NULL)
    return;
  for (guint i = 0; i < column->checks->len; i++)
    add_literals (values, g_ptr_array_index (column->checks, i));
  add_literals (values, column->default_sql);
  for (guint i = 0; i < table->constraints->len; i++)
    if (_strata_sql_mentions (g_ptr_array_index (table->constraints, i), column->name))
      add_literals (values, g_ptr_array_index (table->constraints, i));
}

static StrataColumnDefinition *
target_column (StrataTableDefinition *head,
               StrataTableDefinition *target,
               GPtrArray             *renames,
               const char            *column)
{
  for (guint i = 0; target != NULL && i < renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (renames, i);

      if (rename->from_column != NULL &&
          g_ascii_strcasecmp (rename->from_table, head->name) == 0 &&
          g_ascii_strcasecmp (rename->from_column, column) == 0)
        return _strata_table_definition_lookup (target, rename->to_column);
    }
  return target != NULL ? _strata_table_definition_lookup (target, column) : NULL;
}

/* One column alone in a temporary table, with its definition and its
 * table's STRICT; NULL when that cannot be made (a CHECK naming another
 * column), and the probe then accepts anything. */
static gboolean
create_probe (sqlite3                *db,
              StrataTableDefinition  *table,
              StrataColumnDefinition *column)
{
  g_autofree char *sql = NULL;

  exec (db, "DROP TABLE IF EXISTS temp." PROBE);
  if (column == NULL)
    return FALSE;
  sql = g_strdup_printf ("CREATE TEMP TABLE " PROBE " (%s)%s", column->definition,
                         table->strict ? " STRICT" : "");
  return exec (db, sql);
}

static gboolean
probe_accepts (sqlite3    *db,
               gboolean    probing,
               const char *value)
{
  g_autofree char *sql = NULL;
  gboolean accepted;

  if (!probing)
    return TRUE;
  sql = g_strdup_printf ("INSERT INTO temp." PROBE " VALUES (%s)", value);
  accepted = exec (db, sql);
  exec (db, "DELETE FROM temp." PROBE);
  return accepted;
}

/* Whether @column refers to another table in @table, by its own
 * REFERENCES or a table's FOREIGN KEY naming it. */
static gboolean
refers (StrataTableDefinition  *table,
        StrataColumnDefinition *column)
{
  g_autofree char *name = g_ascii_strdown (column->name, -1);

  if (column->references != NULL)
    return TRUE;
  for (guint i = 0; i < table->constraint_keys->len; i++)
    {
      const char *key = g_ptr_array_index (table->constraint_keys, i);
      const char *close = strchr (key, ')');
      g_autofree char *columns = NULL;
      g_auto(GStrv) names = NULL;

      if (g_ascii_strncasecmp (key, "FOREIGN KEY (", 13) != 0 || close == NULL)
        continue;
      columns = g_strndup (key + 13, close - key - 13);
      names = g_strsplit (columns, ", ", -1);
      if (g_strv_contains ((const char * const *)names, name))
        return TRUE;
    }
  return FALSE;
}

/* The candidates of @column that its definitions on both sides accept, in
 * order; never empty (the plain sample stays when nothing fits). A column
 * that will refer to another table takes NULL where it may: a made-up
 * value would point at nothing, and the self-check would blame the
 * revision for it (an untyped column's sample is a blob no key equals). */
static GPtrArray *
accepted_values (sqlite3                *db,
                 StrataTableDefinition  *head,
                 StrataColumnDefinition *column,
                 StrataTableDefinition  *target,
                 StrataColumnDefinition *other)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *accepted = g_ptr_array_new_with_free_func (g_free);

  if (other != NULL && refers (target, other) && !column->not_null && !other->not_null &&
      !column->primary_key && !other->primary_key)
    {
      g_ptr_array_add (accepted, g_strdup ("NULL"));
      return accepted;
    }

  for (guint n = 1; n <= N_ROWS; n++)
    add_unique (candidates, sample_value (column->type, n));
  add_column_literals (candidates, head, column);
  if (other != NULL)
    add_column_literals (candidates, target, other);
  for (guint n = 1; n <= N_ROWS; n++)
    {
      g_autofree char *text = g_strdup_printf ("'%u'", n);
      add_unique (candidates, text);
    }

  for (guint side = 0; side < 2; side++)
    {
      gboolean probing = side == 0 ? create_probe (db, head, column)
                                   : create_probe (db, target, other);

      for (guint i = 0; i < candidates->len; i++)
        if (g_ptr_array_index (candidates, i) != NULL &&
            !probe_accepts (db, probing, g_ptr_array_index (candidates, i)))
          g_clear_pointer (&g_ptr_array_index (candidates, i), g_free);
    }
  exec (db, "DROP TABLE IF EXISTS temp." PROBE);
  for (guint i = 0; i < candidates->len; i++)
    if (g_ptr_array_index (candidates, i) != NULL)
      g_ptr_array_add (accepted, g_strdup (g_ptr_array_index (candidates, i)));
  if (accepted->len == 0)
    g_ptr_array_add (accepted, g_strdup (sample_value (column->type, 1)));
  return accepted;
}

typedef struct
{
  GString *head_names;
  GString *target_names;
  GString *head_values;
  GString *target_values;
} Row;

static void
row_clear (Row *row)
{
  g_string_free (row->head_names, TRUE);
  g_string_free (row->target_names, TRUE);
  g_string_free (row->head_values, TRUE);
  g_string_free (row->target_values, TRUE);
}

static void
row_add (GString    *names,
         GString    *values,
         const char *name,
         const char *value)
{
  g_autofree char *quoted = strata_sql_quote_identifier (name);

  g_string_append_printf (names, "%s%s", names->len ? ", " : "", quoted);
  g_string_append_printf (values, "%s%s", values->len ? ", " : "", value);
}

/* Row @n: the n-th accepted value of each column, or its last one. */
static void
row_build (Row                   *row,
           StrataTableDefinition *head,
           StrataTableDefinition *target,
           GPtrArray             *renames,
           GPtrArray             *accepted,
           guint                  n)
{
  for (guint c = 0; c < head->columns->len; c++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (head->columns, c);
      StrataColumnDefinition *other = target_column (head, target, renames, column->name);
      GPtrArray *values = g_ptr_array_index (accepted, c);
      const char *value;

      if (values == NULL)
        continue;
      value = g_ptr_array_index (values, MIN (n, values->len) - 1);
      row_add (row->head_names, row->head_values, column->name, value);
      if (other != NULL && other->generated == NULL)
        row_add (row->target_names, row->target_values, other->name, value);
    }
}

static gboolean
insert (sqlite3    *db,
        const char *table,
        GString    *names,
        GString    *values)
{
  g_autofree char *quoted = strata_sql_quote_identifier (table);
  g_autofree char *sql = NULL;

  if (names->len == 0)
    sql = g_strdup_printf ("INSERT INTO %s DEFAULT VALUES", quoted);
  else
    sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", quoted, names->str, values->str);
  return exec (db, sql);
}

/* NULL for a generated column, which gets no value. */
static void
values_free (gpointer values)
{
  if (values != NULL)
    g_ptr_array_unref (values);
}

static void
fill_table (sqlite3               *db,
            sqlite3               *target_db,
            StrataTableDefinition *head,
            StrataTableDefinition *target,
            GPtrArray             *renames)
{
  g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func (values_free);

  for (guint c = 0; c < head->columns->len; c++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (head->columns, c);
      StrataColumnDefinition *other = target_column (head, target, renames, column->name);

      g_ptr_array_add (accepted, column->generated != NULL ? NULL :
                       accepted_values (db, head, column, target, other));
    }
  /* The target's table keeps the rows tried so far, for its UNIQUE
   * constraints; all of them go when the table is done. */
  exec (target_db, "SAVEPOINT strata_samples");
  for (guint n = 1; n <= N_ROWS; n++)
    {
      Row row = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL),
                  g_string_new (NULL) };

      row_build (&row, head, target, renames, accepted, n);
      exec (db, "SAVEPOINT strata_sample");
      if (!insert (db, head->name, row.head_names, row.head_values) ||
          (target != NULL && !insert (target_db, target->name, row.target_names,
                                      row.target_values)))
        exec (db, "ROLLBACK TO strata_sample");
      exec (db, "RELEASE strata_sample");
      row_clear (&row);
    }
  exec (target_db, "ROLLBACK TO strata_samples");
  exec (target_db, "RELEASE strata_samples");
}

static const char *
target_table (GPtrArray  *renames,
              const char *table)
{
  for (guint i = 0; i < renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (renames, i);

      if (rename->from_column == NULL && g_ascii_strcasecmp (rename->from_table, table) == 0)
        return rename->to_table;
    }
  return table;
}

void
_strata_autogen_add_sample_rows (StrataDatabase       *database,
                                 StrataSchemaSnapshot *head,
                                 StrataDatabase       *target,
                                 StrataSchemaSnapshot *target_schema,
                                 GPtrArray            *renames)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (head);
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3 *target_db = strata_database_get_handle (target);

  g_return_if_fail (STRATA_IS_DATABASE (database));
  g_return_if_fail (STRATA_IS_DATABASE (target));

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      StrataSnapshotEntry *other;
      g_autofree char *count_sql = NULL;
      g_autofree char *quoted = NULL;
      sqlite3_stmt *stmt = NULL;
      gboolean empty = FALSE;

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || entry->definition == NULL ||
          _strata_database_is_shadow_table (db, entry->name))
        continue;
      quoted = strata_sql_quote_identifier (entry->name);
      count_sql = g_strdup_printf ("SELECT NOT EXISTS (SELECT 1 FROM %s)", quoted);
      if (sqlite3_prepare_v2 (db, count_sql, -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        empty = sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);
      if (!empty)
        continue;
      other = _strata_schema_snapshot_lookup (target_schema, STRATA_SCHEMA_KIND_TABLE,
                                              target_table (renames, entry->name));
      fill_table (db, target_db, entry->definition, other ? other->definition : NULL, renames);
    }
}
