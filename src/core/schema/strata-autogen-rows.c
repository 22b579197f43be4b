/* strata-autogen-rows.c: the real rows a generated upgrade would refuse
 *
 * Autogenerate compares schemas; the rows are in the project's database. A
 * new NOT NULL on a column holding NULLs, a CHECK or UNIQUE that rows break,
 * a STRICT type that stored values cannot take: each would let the revision
 * be written and fail only at upgrade, inside the copy of a rebuild. Here
 * the database is read (never written: a probe lives in the temp schema) and
 * each such constraint is named with its table, column, row count, what to
 * do and the query that lists the rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-autogen.h"
#include "strata-autogen-private.h"
#include "strata-database-private.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql.h"
#include "strata-sql-lexer-private.h"

typedef struct
{
  sqlite3              *db;
  StrataAutogen        *autogen;
  GPtrArray            *problems;
  GPtrArray            *fills;     /* "table.column=VALUE" to suggest; may be NULL */
  StrataSnapshotEntry  *table;
  char                 *table_id;
} Check;

static gint64
count (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gboolean
contains (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; texts != NULL && i < texts->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* What a listing shows of each row: its rowid too, where it has one. */
static const char *
all_columns (Check *check)
{
  return check->table->definition->without_rowid ? "*" : "rowid, *";
}

/* A value to suggest as a fill: the column's DEFAULT, else a zero of its type. */
static const char *
fill_example (StrataColumnDefinition *column)
{
  g_autofree char *upper = g_ascii_strup (column->type, -1);

  if (column->default_sql != NULL)
    return column->default_sql;
  if (strstr (upper, "INT") || strstr (upper, "REAL") || strstr (upper, "FLOA") ||
      strstr (upper, "DOUB") || strstr (upper, "NUM") || strstr (upper, "DEC") ||
      strstr (upper, "BOOL"))
    return "0";
  return "''";
}

static void
check_not_null (Check                  *check,
                StrataColumnDefinition *column,
                const char             *column_id)
{
  g_autofree char *list = g_strdup_printf ("SELECT %s FROM %s WHERE %s IS NULL",
                                           all_columns (check), check->table_id, column_id);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s IS NULL",
                                          check->table_id, column_id);
  gint64 n;

  if (_strata_autogen_get_fill (check->autogen, check->table->name, column->name) != NULL ||
      (n = count (check->db, sql)) <= 0)
    return;
  /* Said without a tool's words: the CLI adds its --fill line from the
   * suggested fills, the app shows an entry for each. */
  g_ptr_array_add (check->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "column “%s” of table “%s” becomes NOT "
                                                     "NULL, but %lld row holds NULL there and "
                                                     "the upgrade would fail on it; give it a "
                                                     "value in the copy (%s, say), or set it "
                                                     "first (list it with: %s;)",
                                                     "column “%s” of table “%s” becomes NOT "
                                                     "NULL, but %lld rows hold NULL there and "
                                                     "the upgrade would fail on them; give them "
                                                     "a value in the copy (%s, say), or set "
                                                     "them first (list them with: %s;)",
                                                     (gulong)n),
                                        column->name, check->table->name, (long long)n,
                                        fill_example (column), list));
  if (check->fills != NULL)
    g_ptr_array_add (check->fills, g_strdup_printf ("%s.%s=%s", check->table->name,
                                                    column->name, fill_example (column)));
}

/* CHECK fails where its expression is false, not where it is NULL. */
static void
check_expression (Check      *check,
                  const char *column,
                  const char *expression)
{
  g_autofree char *failing = g_strdup_printf ("NOT coalesce(CASE WHEN (%s) THEN 1 ELSE 0 END "
                                              "OR (%s) IS NULL, 1)", expression, expression);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s", check->table_id,
                                          failing);
  g_autofree char *list = g_strdup_printf ("SELECT %s FROM %s WHERE NOT (%s)",
                                           all_columns (check), check->table_id, expression);
  g_autofree char *subject = NULL;
  gint64 n;

  if ((n = count (check->db, sql)) <= 0)
    return;
  subject = column != NULL
    ? g_strdup_printf (_("column “%s” of table “%s”"), column, check->table->name)
    : g_strdup_printf (_("table “%s”"), check->table->name);
  g_ptr_array_add (check->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s gets CHECK (%s), but %lld row breaks "
                                                     "it and the upgrade would fail on it; "
                                                     "correct it first, in the database or in "
                                                     "a revision before this one (list it "
                                                     "with: %s;)",
                                                     "%s gets CHECK (%s), but %lld rows break "
                                                     "it and the upgrade would fail on them; "
                                                     "correct them first, in the database or in "
                                                     "a revision before this one (list them "
                                                     "with: %s;)",
                                                     (gulong)n),
                                        subject, expression, (long long)n, list));
}

/* @columns: quoted and joined by ", ". */
static void
check_unique (Check      *check,
              const char *columns,
              const char *present)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s "
                                          "GROUP BY %s HAVING count(*) > 1)",
                                          check->table_id, present, columns);
  g_autofree char *list = g_strdup_printf ("SELECT %s, count(*) FROM %s WHERE %s GROUP BY %s "
                                           "HAVING count(*) > 1", columns, check->table_id,
                                           present, columns);
  gint64 n;

  if ((n = count (check->db, sql)) <= 0)
    return;
  g_ptr_array_add (check->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "table “%s” becomes UNIQUE on (%s), but "
                                                     "%lld value occurs more than once and the "
                                                     "upgrade would fail on it; remove the "
                                                     "duplicates first (list them with: %s;)",
                                                     "table “%s” becomes UNIQUE on (%s), but "
                                                     "%lld values occur more than once and the "
                                                     "upgrade would fail on them; remove the "
                                                     "duplicates first (list them with: %s;)",
                                                     (gulong)n),
                                        check->table->name, columns, (long long)n, list));
}

/* The type a STRICT column keeps, after its affinity converted the value. */
static const char *
strict_storage (const char *type)
{
  if (g_ascii_strcasecmp (type, "INT") == 0 || g_ascii_strcasecmp (type, "INTEGER") == 0)
    return "integer";
  if (g_ascii_strcasecmp (type, "REAL") == 0)
    return "real";
  if (g_ascii_strcasecmp (type, "TEXT") == 0)
    return "text";
  if (g_ascii_strcasecmp (type, "BLOB") == 0)
    return "blob";
  return NULL;
}

/* The keys (rowids) of at most ten rows of @probe (a temp table) that
 * @condition selects, as "1, 3", for a query that lists them: enough to
 * look at. NULL when there are none. */
static char *
probe_keys (Check      *check,
            const char *probe,
            const char *condition)
{
  g_autofree char *sql = g_strdup_printf ("SELECT group_concat(k, ', ') FROM (SELECT k FROM "
                                          "temp.%s WHERE %s ORDER BY k LIMIT 10)",
                                          probe, condition);
  sqlite3_stmt *stmt = NULL;
  char *keys = NULL;

  if (sqlite3_prepare_v2 (check->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    keys = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return keys;
}

/* Stored values go through a table with the column's affinity, in the temp
 * schema, to see what STRICT would be handed; the rows named are those the
 * probe refused (a REAL 2.0 is an INTEGER there, and not listed). */
static void
check_strict (Check                  *check,
              StrataColumnDefinition *column,
              const char             *column_id)
{
  const char *storage = strict_storage (column->type);
  gboolean rowid = !check->table->definition->without_rowid;
  g_autofree char *create = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *list = NULL;
  g_autofree char *ids = NULL;
  gint64 n;

  if (storage == NULL)
    return;
  create = g_strdup_printf ("CREATE TEMP TABLE strata_strict_probe (k, v %s)", column->type);
  fill = g_strdup_printf ("INSERT INTO temp.strata_strict_probe SELECT %s, %s FROM %s WHERE %s "
                          "IS NOT NULL", rowid ? "rowid" : "NULL", column_id, check->table_id,
                          column_id);
  sqlite3_exec (check->db, "DROP TABLE IF EXISTS temp.strata_strict_probe", NULL, NULL, NULL);
  if (sqlite3_exec (check->db, create, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (check->db, fill, NULL, NULL, NULL) != SQLITE_OK)
    n = -1;
  else
    {
      g_autofree char *refused = g_strdup_printf ("typeof(v) != '%s'", storage);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM temp.strata_strict_probe "
                                              "WHERE %s", refused);

      n = count (check->db, sql);
      if (n > 0 && rowid)
        ids = probe_keys (check, "strata_strict_probe", refused);
    }
  sqlite3_exec (check->db, "DROP TABLE IF EXISTS temp.strata_strict_probe", NULL, NULL, NULL);
  if (n <= 0)
    return;
  list = ids != NULL
         ? g_strdup_printf ("SELECT rowid, %s, typeof(%s) FROM %s WHERE rowid IN (%s)",
                            column_id, column_id, check->table_id, ids)
         : g_strdup_printf ("SELECT %s, typeof(%s) FROM %s WHERE typeof(%s) NOT IN "
                            "('null', '%s')", all_columns (check), column_id, check->table_id,
                            column_id, storage);
  g_ptr_array_add (check->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "column “%s” of table “%s” becomes %s in "
                                                     "a STRICT table, but %lld row holds a "
                                                     "value SQLite cannot store as %s and the "
                                                     "upgrade would fail on it; convert or "
                                                     "clear it first (list it with: %s;)",
                                                     "column “%s” of table “%s” becomes %s in "
                                                     "a STRICT table, but %lld rows hold "
                                                     "values SQLite cannot store as %s and the "
                                                     "upgrade would fail on them; convert or "
                                                     "clear them first (list them with: %s;)",
                                                     (gulong)n),
                                        column->name, check->table->name, column->type,
                                        (long long)n, column->type, list));
}

/* Outside STRICT, a new declared type is a new affinity, and the copy into
 * the rebuilt table converts what it can: '01234' becomes 1234 in an
 * INTEGER column, '1e3' becomes 1000, '2.50' becomes 2.5 in a REAL one. The
 * values go through a one-column table with the new type, in the temp
 * schema, and a value counts as changed when it no longer reads back as
 * the same text. */
static void
check_affinity (Check                  *check,
                StrataColumnDefinition *old,
                StrataColumnDefinition *column,
                const char             *column_id)
{
  g_autofree char *create = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *ids = NULL;
  gint64 n;

  if (check->table->definition->without_rowid)
    return;
  create = g_strdup_printf ("CREATE TEMP TABLE strata_affinity_probe (k INTEGER PRIMARY KEY, "
                            "v %s, changed)", column->type);
  fill = g_strdup_printf ("INSERT INTO temp.strata_affinity_probe (k, v) SELECT rowid, %s "
                          "FROM %s WHERE %s IS NOT NULL", column_id, check->table_id, column_id);
  sqlite3_exec (check->db, "DROP TABLE IF EXISTS temp.strata_affinity_probe", NULL, NULL, NULL);
  if (sqlite3_exec (check->db, create, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (check->db, fill, NULL, NULL, NULL) != SQLITE_OK)
    n = -1;
  else
    {
      g_autofree char *mark = g_strdup_printf ("UPDATE temp.strata_affinity_probe SET changed = "
                                               "1 WHERE CAST (v AS TEXT) IS NOT (SELECT CAST "
                                               "(%s AS TEXT) FROM %s WHERE rowid = k)",
                                               column_id, check->table_id);

      n = sqlite3_exec (check->db, mark, NULL, NULL, NULL) == SQLITE_OK
          ? count (check->db, "SELECT count(*) FROM temp.strata_affinity_probe WHERE changed")
          : -1;
      if (n > 0)
        ids = probe_keys (check, "strata_affinity_probe", "changed");
    }
  sqlite3_exec (check->db, "DROP TABLE IF EXISTS temp.strata_affinity_probe", NULL, NULL, NULL);
  if (n <= 0)
    return;
  g_ptr_array_add (check->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "column “%s” of table “%s” changes type "
                                                     "from %s to %s, and SQLite would change "
                                                     "%lld of its values in the copy (such as "
                                                     "a leading zero or an exponent dropped), "
                                                     "and the downgrade would not bring it "
                                                     "back; keep the type, or convert it "
                                                     "first (see it with: SELECT rowid, * FROM "
                                                     "%s WHERE rowid IN (%s);)",
                                                     "column “%s” of table “%s” changes type "
                                                     "from %s to %s, and SQLite would change "
                                                     "%lld of its values in the copy (such as "
                                                     "a leading zero or an exponent dropped), "
                                                     "and the downgrade would not bring them "
                                                     "back; keep the type, or convert them "
                                                     "first (see the first with: SELECT rowid, "
                                                     "* FROM %s WHERE rowid IN (%s);)",
                                                     (gulong)n),
                                        column->name, check->table->name,
                                        old->type[0] ? old->type : "(none)",
                                        column->type[0] ? column->type : "(none)",
                                        (long long)n, check->table_id, ids));
}

static void
check_column (Check                  *check,
              StrataTableDefinition  *old_table,
              StrataColumnDefinition *column)
{
  StrataColumnDefinition *old = _strata_table_definition_lookup (old_table, column->name);
  g_autofree char *column_id = NULL;

  if (old == NULL || old->generated != NULL || column->generated != NULL)
    return;
  column_id = _strata_sql_identifier (column->name);
  if (column->not_null && !old->not_null)
    check_not_null (check, column, column_id);
  for (guint i = 0; i < column->checks->len; i++)
    if (!contains (old->checks, g_ptr_array_index (column->checks, i)))
      check_expression (check, column->name, g_ptr_array_index (column->checks, i));
  /* New, or compared in a new way: under COLLATE NOCASE, 'Bob' and 'bob'
   * are one value. */
  if (column->unique && !column->primary_key &&
      (!old->unique || g_ascii_strcasecmp (column->collation ? column->collation : "BINARY",
                                           old->collation ? old->collation : "BINARY") != 0))
    {
      g_autofree char *present = g_strdup_printf ("%s IS NOT NULL", column_id);
      g_autofree char *compared = column->collation != NULL
                                  ? g_strdup_printf ("%s COLLATE %s", column_id, column->collation)
                                  : g_strdup (column_id);

      check_unique (check, compared, present);
    }
  if (check->table->definition->strict &&
      (!old_table->strict || g_ascii_strcasecmp (old->type, column->type) != 0))
    check_strict (check, column, column_id);
  else if (!check->table->definition->strict &&
           g_ascii_strcasecmp (old->type, column->type) != 0)
    check_affinity (check, old, column, column_id);
}

/* "CHECK (x)" gives "x"; "UNIQUE (a, b)" gives "a, b"; else NULL. */
static char *
constraint_body (const char *constraint,
                 const char *keyword)
{
  gsize length = strlen (constraint);
  gsize prefix = strlen (keyword);

  if (g_ascii_strncasecmp (constraint, keyword, prefix) != 0 || constraint[prefix] != ' ' ||
      constraint[prefix + 1] != '(' || constraint[length - 1] != ')')
    return NULL;
  return g_strndup (constraint + prefix + 2, length - prefix - 3);
}

static void
check_table_constraint (Check      *check,
                        const char *constraint)
{
  g_autofree char *expression = constraint_body (constraint, "CHECK");
  g_autofree char *columns = constraint_body (constraint, "UNIQUE");

  if (expression != NULL)
    check_expression (check, NULL, expression);
  else if (columns != NULL)
    {
      g_auto(GStrv) names = g_strsplit (columns, ", ", -1);
      g_autoptr(GString) present = g_string_new (NULL);

      for (guint i = 0; names[i] != NULL; i++)
        g_string_append_printf (present, "%s%s IS NOT NULL", i ? " AND " : "", names[i]);
      check_unique (check, columns, present->str);
    }
}

static void
check_table (Check               *check,
             StrataSnapshotEntry *old,
             StrataSnapshotEntry *table)
{
  StrataTableDefinition *definition = table->definition;

  check->table = table;
  check->table_id = _strata_sql_identifier (table->name);
  for (guint i = 0; i < definition->columns->len; i++)
    check_column (check, old->definition, g_ptr_array_index (definition->columns, i));
  for (guint i = 0; i < definition->constraints->len; i++)
    if (!contains (old->definition->constraints, g_ptr_array_index (definition->constraints, i)))
      check_table_constraint (check, g_ptr_array_index (definition->constraints, i));
  g_clear_pointer (&check->table_id, g_free);
}

/* The terms of a CREATE UNIQUE INDEX (their ASC or DESC left out, their
 * COLLATE kept) as a GROUP BY list, and its WHERE; FALSE for any other
 * statement. */
static gboolean
unique_index_terms (const char  *sql,
                    GString     *terms,
                    GString     *present)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql);
  guint open = 0;
  guint close;
  guint start;

  if (!_strata_sql_token_is (tokens, 1, "UNIQUE"))
    return FALSE;
  while (open < tokens->len && !_strata_sql_token_is (tokens, open, "("))
    open++;
  if ((close = _strata_sql_find_close (tokens, open)) >= tokens->len)
    return FALSE;
  start = open + 1;
  for (guint i = start, depth = 0; i <= close; i++)
    {
      guint end = i;

      if (_strata_sql_token_is (tokens, i, "("))
        depth++;
      else if (_strata_sql_token_is (tokens, i, ")") && i < close)
        depth--;
      if (i < close && (depth > 0 || !_strata_sql_token_is (tokens, i, ",")))
        continue;
      if (_strata_sql_token_is (tokens, end - 1, "ASC") ||
          _strata_sql_token_is (tokens, end - 1, "DESC"))
        end--;
      if (end > start)
        {
          g_autofree char *term = _strata_sql_normalise (tokens, start, end, FALSE);

          g_string_append_printf (terms, "%s%s", terms->len ? ", " : "", term);
          g_string_append_printf (present, "%s%s IS NOT NULL", present->len ? " AND " : "", term);
        }
      start = i + 1;
    }
  if (_strata_sql_token_is (tokens, close + 1, "WHERE"))
    {
      guint end = tokens->len;
      g_autofree char *where = NULL;

      if (end > close + 2 && _strata_sql_token_is (tokens, end - 1, ";"))
        end--;
      where = _strata_sql_normalise (tokens, close + 2, end, FALSE);
      g_string_append_printf (present, " AND (%s)", where);
    }
  return terms->len > 0;
}

/* A unique index new to a table that stays (Django's unique_together, a
 * CREATE UNIQUE INDEX), or changed: the duplicates among its rows. */
static void
check_unique_index (Check                *check,
                    StrataSchemaSnapshot *current,
                    StrataSnapshotEntry  *index)
{
  StrataSnapshotEntry *table;
  StrataSnapshotEntry *old = _strata_schema_snapshot_lookup (current, STRATA_SCHEMA_KIND_INDEX,
                                                             index->name);
  g_autoptr(GString) terms = g_string_new (NULL);
  g_autoptr(GString) present = g_string_new (NULL);

  if ((old != NULL && strcmp (old->key, index->key) == 0) || index->table == NULL ||
      !(table = _strata_schema_snapshot_lookup (current, STRATA_SCHEMA_KIND_TABLE,
                                                index->table)) ||
      !unique_index_terms (index->sql, terms, present))
    return;
  check->table = table;
  check->table_id = _strata_sql_identifier (table->name);
  check_unique (check, terms->str, present->str);
  g_clear_pointer (&check->table_id, g_free);
}

GStrv
strata_autogen_check_rows (StrataAutogen  *self,
                           StrataDatabase *database,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);

  return _strata_autogen_collect_rows (self, database, NULL, cancellable, error);
}

GStrv
_strata_autogen_collect_rows (StrataAutogen   *self,
                              StrataDatabase  *database,
                              GPtrArray       *fills,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(StrataSchemaSnapshot) target = NULL;
  g_autoptr(StrataSchemaSnapshot) current = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  Check check = { strata_database_get_handle (database), self, problems, fills, NULL, NULL };
  GPtrArray *entries;

  if (strata_autogen_get_upgrade_sql (self) == NULL)
    return g_new0 (char *, 1);
  if (!(target = strata_schema_snapshot_new_from_sql (strata_autogen_get_target_sql (self),
                                                      "schema.sql", error)) ||
      !(current = strata_schema_snapshot_read (database, cancellable, error)))
    return NULL;
  entries = _strata_schema_snapshot_get_entries (target);
  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *table = g_ptr_array_index (entries, i);
      StrataSnapshotEntry *old;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (table->kind == STRATA_SCHEMA_KIND_INDEX)
        check_unique_index (&check, current, table);
      if (table->kind != STRATA_SCHEMA_KIND_TABLE || table->definition == NULL)
        continue;
      old = _strata_schema_snapshot_lookup (current, STRATA_SCHEMA_KIND_TABLE, table->name);
      if (old == NULL || old->definition == NULL || strcmp (old->key, table->key) == 0 ||
          _strata_database_is_shadow_table (check.db, table->name))
        continue;
      check_table (&check, old, table);
    }
  g_ptr_array_add (problems, NULL);
  return (GStrv)g_ptr_array_free (g_steal_pointer (&problems), FALSE);
}
