/* test-autogen.c: the corpus of schema pairs, each generated, applied both ways and checked
 *
 * Each folder of tests/data/autogen holds before.sql and after.sql, and may
 * hold rows.sql (rows for before; otherwise three rows a table are made up)
 * and options: "allow-drop", "rename SPEC", "fill SPEC", "no-change",
 * "expect-error TEXT", "expect-note TEXT" and "expect-downgrade TEXT" (a note,
 * or the downgrade's SQL, holds TEXT), "expect-placeholders A B..." (the
 * downgrade's placeholders, exactly and in order; alone: none),
 * "dangling-after-upgrade N" and "dangling-after-downgrade N"
 * (foreign_key_check finds N rows, the ones a dropped parent leaves pointing
 * at nothing), one a line. The checks here are made with plain SQLite queries and the
 * snapshot comparison, independently of the self-check autogenerate runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strata.h>

#include "core-test.h"

typedef struct
{
  char      *before;
  char      *after;
  char      *rows;
  GPtrArray *renames;
  GPtrArray *fills;
  char      *expect_note;
  char      *expect_downgrade;
  char      *expect_placeholders;
  guint      dangling_up;
  guint      dangling_down;
  gboolean   allow_drop;
  gboolean   no_change;
  char      *expect_error;
} Pair;

static void
pair_free (Pair *pair)
{
  g_free (pair->before);
  g_free (pair->after);
  g_free (pair->rows);
  g_ptr_array_unref (pair->renames);
  g_ptr_array_unref (pair->fills);
  g_free (pair->expect_error);
  g_free (pair->expect_note);
  g_free (pair->expect_downgrade);
  g_free (pair->expect_placeholders);
  g_free (pair);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pair, pair_free)

static char *
read_optional (const char *dir,
               const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents;
}

static void
read_options (Pair       *pair,
              const char *dir)
{
  g_autofree char *text = read_optional (dir, "options");
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_equal (lines[i], "allow-drop"))
        pair->allow_drop = TRUE;
      else if (g_str_equal (lines[i], "no-change"))
        pair->no_change = TRUE;
      else if (g_str_has_prefix (lines[i], "rename "))
        g_ptr_array_add (pair->renames, g_strdup (lines[i] + strlen ("rename ")));
      else if (g_str_has_prefix (lines[i], "fill "))
        g_ptr_array_add (pair->fills, g_strdup (lines[i] + strlen ("fill ")));
      else if (g_str_has_prefix (lines[i], "expect-error "))
        pair->expect_error = g_strdup (lines[i] + strlen ("expect-error "));
      else if (g_str_has_prefix (lines[i], "expect-note "))
        pair->expect_note = g_strdup (lines[i] + strlen ("expect-note "));
      else if (g_str_has_prefix (lines[i], "expect-downgrade "))
        pair->expect_downgrade = g_strdup (lines[i] + strlen ("expect-downgrade "));
      else if (g_str_equal (lines[i], "expect-placeholders"))
        pair->expect_placeholders = g_strdup ("");
      else if (g_str_has_prefix (lines[i], "expect-placeholders "))
        pair->expect_placeholders = g_strdup (lines[i] + strlen ("expect-placeholders "));
      else if (g_str_has_prefix (lines[i], "dangling-after-upgrade "))
        pair->dangling_up = atoi (lines[i] + strlen ("dangling-after-upgrade "));
      else if (g_str_has_prefix (lines[i], "dangling-after-downgrade "))
        pair->dangling_down = atoi (lines[i] + strlen ("dangling-after-downgrade "));
    }
}

static sqlite3 *
open_with (const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  /* These checks use plain SQLite, apart from Strata; a schema whose
   * triggers write into an FTS table needs the schema trusted. */
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA trusted_schema = ON", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

static char *
query (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static GPtrArray *
query_column (sqlite3    *db,
              const char *sql)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (values, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return values;
}

static GPtrArray *
user_tables (sqlite3 *db)
{
  /* A virtual table's shadow tables are its own bookkeeping, which a new
   * definition rewrites (FTS5 counts tokens per column): its rows are
   * compared through the virtual table. */
  return query_column (db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                           "AND name NOT IN (SELECT name FROM pragma_table_list "
                           "WHERE schema = 'main' AND type = 'shadow') ORDER BY rowid");
}

/* "name\ttype" of the stored (not generated) columns of @table. */
static GPtrArray *
stored_columns (sqlite3    *db,
                const char *table)
{
  g_autofree char *literal = strata_sql_quote_literal (table);
  g_autofree char *sql = g_strdup_printf ("SELECT name || char(9) || upper(type) FROM "
                                          "pragma_table_xinfo(%s) WHERE hidden = 0", literal);
  return query_column (db, sql);
}

static const char *
made_up_value (const char *type,
               guint       n,
               char       *buffer)
{
  g_autofree char *upper = g_ascii_strup (type, -1);

  if (strstr (upper, "INT"))
    g_snprintf (buffer, 32, "%u", n);
  else if (strstr (upper, "REAL") || strstr (upper, "FLOA") || strstr (upper, "DOUB"))
    g_snprintf (buffer, 32, "%u.5", n);
  else if (strstr (upper, "BLOB"))
    g_snprintf (buffer, 32, "x'0%u'", n);
  else
    g_snprintf (buffer, 32, "'v%u'", n);
  return buffer;
}

/* Three rows a table; INSERT OR IGNORE leaves out those a CHECK refuses. */
static char *
make_up_rows (const char *before)
{
  sqlite3 *db = open_with (before);
  g_autoptr(GPtrArray) tables = user_tables (db);
  g_autoptr(GString) rows = g_string_new (NULL);

  for (guint t = 0; t < tables->len; t++)
    {
      g_autoptr(GPtrArray) columns = stored_columns (db, g_ptr_array_index (tables, t));
      g_autofree char *table = strata_sql_quote_identifier (g_ptr_array_index (tables, t));

      for (guint n = 1; n <= 3 && columns->len > 0; n++)
        {
          g_autoptr(GString) names = g_string_new (NULL);
          g_autoptr(GString) values = g_string_new (NULL);

          for (guint c = 0; c < columns->len; c++)
            {
              g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (columns, c), "\t", 2);
              g_autofree char *name = strata_sql_quote_identifier (parts[0]);
              char buffer[32];

              g_string_append_printf (names, "%s%s", c ? ", " : "", name);
              g_string_append_printf (values, "%s%s", c ? ", " : "",
                                      made_up_value (parts[1], n, buffer));
            }
          g_string_append_printf (rows, "INSERT OR IGNORE INTO %s (%s) VALUES (%s);\n", table,
                                  names->str, values->str);
        }
    }
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&rows), FALSE);
}

static Pair *
load_pair (const char *dir)
{
  g_autoptr(Pair) pair = g_new0 (Pair, 1);

  pair->before = read_optional (dir, "before.sql");
  pair->after = read_optional (dir, "after.sql");
  g_assert_nonnull (pair->before);
  g_assert_nonnull (pair->after);
  pair->renames = g_ptr_array_new_with_free_func (g_free);
  pair->fills = g_ptr_array_new_with_free_func (g_free);
  read_options (pair, dir);
  pair->rows = read_optional (dir, "rows.sql");
  if (pair->rows == NULL)
    pair->rows = make_up_rows (pair->before);
  return g_steal_pointer (&pair);
}

/* Renames ------------------------------------------------------------------------- */

static char *
renamed (Pair       *pair,
         const char *table,
         const char *column,
         gboolean    upgrade)
{
  for (guint i = 0; i < pair->renames->len; i++)
    {
      g_auto(GStrv) sides = g_strsplit (g_ptr_array_index (pair->renames, i), ":", 2);
      g_autofree char *prefix = g_strdup_printf ("%s.", table);
      const char *from = upgrade ? sides[0] : sides[1];
      const char *to = upgrade ? sides[1] : sides[0];

      if (column == NULL && g_ascii_strcasecmp (from, table) == 0)
        return g_strdup (to);
      if (column != NULL && upgrade && g_str_has_prefix (from, prefix) &&
          g_ascii_strcasecmp (from + strlen (prefix), column) == 0)
        return g_strdup (to);
      if (column != NULL && !upgrade && g_str_has_prefix (to, prefix) &&
          g_ascii_strcasecmp (from, column) == 0)
        return g_strdup (to + strlen (prefix));
    }
  return g_strdup (column ? column : table);
}

/* Row checks ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray *tables;    /* name on the far side */
  GPtrArray *counts;
  GPtrArray *queries;   /* to run on the far side */
  GPtrArray *expected;
} Rows;

static void
rows_free (Rows *rows)
{
  g_ptr_array_unref (rows->tables);
  g_ptr_array_unref (rows->counts);
  g_ptr_array_unref (rows->queries);
  g_ptr_array_unref (rows->expected);
  g_free (rows);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rows, rows_free)

static char *
fingerprint_query (GPtrArray  *columns,
                   const char *table)
{
  g_autoptr(GString) expression = g_string_new ("'row'");
  g_autofree char *table_id = strata_sql_quote_identifier (table);

  for (guint i = 0; i < columns->len; i++)
    {
      g_autofree char *name = strata_sql_quote_identifier (g_ptr_array_index (columns, i));
      g_string_append_printf (expression, " || '|' || quote(%s)", name);
    }
  return g_strdup_printf ("SELECT count(*) || ':' || ifnull(group_concat(r, char(10)), '') FROM "
                          "(SELECT %s AS r FROM %s ORDER BY 1)", expression->str, table_id);
}

/* For each table of @db that the far side (@far, a database holding the far
 * schema) keeps: its row count and the values of the columns both sides
 * have with the same type, to find again on the far side. */
static Rows *
take_rows (Pair     *pair,
           sqlite3  *db,
           sqlite3  *far,
           gboolean  upgrade)
{
  g_autoptr(GPtrArray) tables = user_tables (db);
  Rows *rows = g_new0 (Rows, 1);

  rows->tables = g_ptr_array_new_with_free_func (g_free);
  rows->counts = g_ptr_array_new_with_free_func (g_free);
  rows->queries = g_ptr_array_new_with_free_func (g_free);
  rows->expected = g_ptr_array_new_with_free_func (g_free);
  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      g_autofree char *far_table = renamed (pair, table, NULL, upgrade);
      g_autoptr(GPtrArray) near_columns = stored_columns (db, table);
      g_autoptr(GPtrArray) far_columns = stored_columns (far, far_table);
      g_autoptr(GPtrArray) near_names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) far_names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *near_query = NULL;

      if (far_columns->len == 0)
        continue;
      for (guint c = 0; c < near_columns->len; c++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (near_columns, c), "\t", 2);
          g_autofree char *far_name = renamed (pair, table, parts[0], upgrade);
          g_autofree char *wanted = g_strdup_printf ("%s\t%s", far_name, parts[1]);

          for (guint f = 0; f < far_columns->len; f++)
            if (g_ascii_strcasecmp (g_ptr_array_index (far_columns, f), wanted) == 0)
              {
                g_ptr_array_add (near_names, g_strdup (parts[0]));
                g_ptr_array_add (far_names, g_strdup (far_name));
                break;
              }
        }
      near_query = fingerprint_query (near_names, table);
      g_ptr_array_add (rows->tables, g_strdup (far_table));
      g_ptr_array_add (rows->queries, fingerprint_query (far_names, far_table));
      g_ptr_array_add (rows->expected, query (db, near_query));
    }
  return rows;
}

static void
assert_rows (Rows    *rows,
             sqlite3 *db)
{
  for (guint i = 0; i < rows->tables->len; i++)
    {
      g_autofree char *actual = query (db, g_ptr_array_index (rows->queries, i));

      if (g_strcmp0 (actual, g_ptr_array_index (rows->expected, i)) != 0)
        g_test_message ("table %s", (char *)g_ptr_array_index (rows->tables, i));
      g_assert_cmpstr (actual, ==, g_ptr_array_index (rows->expected, i));
    }
}

/* Applying ----------------------------------------------------------------------------- */

static void
assert_schema (StrataDatabase       *database,
               StrataSchemaSnapshot *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchemaSnapshot) actual = strata_schema_snapshot_read (database, NULL, &error);
  g_auto(GStrv) differences = NULL;

  g_assert_no_error (error);
  differences = strata_schema_snapshot_compare (actual, expected);
  for (guint i = 0; differences[i] != NULL; i++)
    g_test_message ("difference: %s", differences[i]);
  g_assert_cmpuint (g_strv_length (differences), ==, 0);
}

/* As the executor runs a section: foreign keys off, one transaction; then
 * foreign_key_check must find @dangling rows. */
static void
apply (StrataDatabase *database,
       const char     *sql,
       guint           dangling)
{
  sqlite3 *db = strata_database_get_handle (database);
  g_autofree char *script = g_strdup_printf ("PRAGMA foreign_keys = OFF;\nBEGIN;\n%s\nCOMMIT;",
                                             sql);
  g_autofree char *violations = NULL;
  char *message = NULL;

  sqlite3_exec (db, script, NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  violations = query (db, "SELECT count(*) FROM pragma_foreign_key_check");
  g_assert_cmpint (atoi (violations), ==, dangling);
}

static StrataAutogen *
make_autogen (Pair *pair)
{
  g_autofree char *head = g_strconcat (pair->before, "\n", pair->rows, NULL);
  StrataAutogen *autogen = strata_autogen_new_for_sql (head, pair->after);

  if (pair->allow_drop)
    strata_autogen_set_flags (autogen, STRATA_AUTOGEN_FLAGS_ALLOW_DROP);
  for (guint i = 0; i < pair->renames->len; i++)
    g_assert_true (strata_autogen_add_rename (autogen, g_ptr_array_index (pair->renames, i),
                                              NULL));
  for (guint i = 0; i < pair->fills->len; i++)
    g_assert_true (strata_autogen_add_fill (autogen, g_ptr_array_index (pair->fills, i), NULL));
  return autogen;
}

static void
check_generated (Pair          *pair,
                 StrataAutogen *autogen)
{
  g_autofree char *head = g_strconcat (pair->before, "\n", pair->rows, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDatabase) database = strata_database_open_memory (&error);
  g_autoptr(StrataSchemaSnapshot) before =
    strata_schema_snapshot_new_from_sql (pair->before, "before", &error);
  g_autoptr(StrataSchemaSnapshot) after =
    strata_schema_snapshot_new_from_sql (pair->after, "after", &error);
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3 *before_db = open_with (pair->before);
  sqlite3 *after_db = open_with (pair->after);
  g_autoptr(Rows) up_rows = NULL;
  g_autoptr(Rows) down_rows = NULL;

  g_assert_no_error (error);
  /* Loaded as the before side was; what runs next runs as Strata runs it. */
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA trusted_schema = ON", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, head, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA trusted_schema = OFF", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  up_rows = take_rows (pair, db, after_db, TRUE);

  apply (database, strata_autogen_get_upgrade_sql (autogen), pair->dangling_up);
  assert_schema (database, after);
  assert_rows (up_rows, db);

  down_rows = take_rows (pair, db, before_db, FALSE);
  apply (database, strata_autogen_get_downgrade_sql (autogen), pair->dangling_down);
  assert_schema (database, before);
  assert_rows (down_rows, db);

  sqlite3_close (before_db);
  sqlite3_close (after_db);
}

static void
test_pair (gconstpointer data)
{
  g_autoptr(Pair) pair = load_pair (data);
  g_autoptr(StrataAutogen) autogen = make_autogen (pair);
  g_autoptr(GError) error = NULL;
  gboolean ok = strata_autogen_run (autogen, NULL, &error);

  if (pair->expect_error != NULL)
    {
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, pair->expect_error));
      g_assert_null (strata_autogen_get_upgrade_sql (autogen));
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  if (pair->no_change)
    {
      g_assert_cmpuint (g_strv_length ((GStrv)strata_autogen_get_differences (autogen)), ==, 0);
      g_assert_null (strata_autogen_get_upgrade_sql (autogen));
      return;
    }
  g_assert_cmpuint (g_strv_length ((GStrv)strata_autogen_get_differences (autogen)), >, 0);
  g_test_message ("upgrade:\n%s", strata_autogen_get_upgrade_sql (autogen));
  /* A rebuild never renames the old table aside. */
  g_assert_null (strstr (strata_autogen_get_upgrade_sql (autogen), "RENAME TO \"old_"));
  g_test_message ("downgrade:\n%s", strata_autogen_get_downgrade_sql (autogen));
  if (pair->expect_downgrade != NULL)
    g_assert_nonnull (strstr (strata_autogen_get_downgrade_sql (autogen),
                              pair->expect_downgrade));
  if (pair->expect_note != NULL)
    {
      g_autofree char *notes = g_strjoinv ("\n", (GStrv)strata_autogen_get_notes (autogen));
      g_assert_nonnull (strstr (notes, pair->expect_note));
    }
  if (pair->expect_placeholders != NULL)
    {
      g_autofree char *placeholders = g_strjoinv (" ", (GStrv)strata_autogen_get_placeholders (autogen));
      g_assert_cmpstr (placeholders, ==, pair->expect_placeholders);
    }
  check_generated (pair, autogen);
}

/* Through the real executor: strata.ini with "schema =", revisions replayed
 * for head, the revision written to disk and run by StrataMigration. */
static void
test_executor (gconstpointer data)
{
  g_autoptr(Pair) pair = load_pair (data);
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *schema = g_build_filename (dir, "schema.sql", NULL);
  g_autofree char *db_path = g_build_filename (dir, "test.db", NULL);
  g_autofree char *base_sql = g_strconcat (pair->before, pair->rows, NULL);
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  const char *count_sql = "SELECT sum(n) FROM (SELECT count(*) AS n FROM child UNION ALL "
                          "SELECT count(*) FROM parent)";

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config,
                                      "[strata]\ndatabase = test.db\nschema = schema.sql\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (schema, pair->after, -1, NULL));
  ct_write_revision (dir, "base0001", NULL, "base", base_sql, "SELECT 1;");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  rows_before = ct_query (db_path, count_sql);

  autogen = strata_autogen_new (project);
  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_no_error (error);
  revision = strata_autogen_write_revision (autogen, NULL, "from schema", "auto0001", &error);
  g_assert_no_error (error);
  g_assert_nonnull (revision);

  g_clear_object (&project);
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  rows_after = ct_query (db_path, count_sql);
  g_assert_cmpstr (rows_after, ==, rows_before);
  g_assert_cmpint (ct_query_int (db_path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* Nothing is left to generate once the database is at head. */
  g_clear_object (&autogen);
  autogen = strata_autogen_new (project);
  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_null (strata_autogen_get_upgrade_sql (autogen));

  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "-1");
  g_free (rows_after);
  rows_after = ct_query (db_path, count_sql);
  g_assert_cmpstr (rows_after, ==, rows_before);
  ct_remove_tree (dir);
}

/* Runs @project to @target in @direction; its warnings, joined. */
static char *
migrate_warned (StrataProject   *project,
                StrataDirection  direction,
                const char      *target)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (project, direction, target);
  g_autoptr(GError) error = NULL;

  strata_migration_run (migration, NULL, &error);
  g_assert_no_error (error);
  return g_strjoinv ("\n", (GStrv)strata_migration_get_warnings (migration));
}

/* A parent table dropped while a child keeps pointing at it, through the
 * real executor: the upgrade and its downgrade (which brings the parent back
 * empty) both run, each warning about the child's rows instead of refusing
 * them; the child's rows and their values are all there after both. Rows
 * that point at nothing in a table that stays are still refused. */
static void
test_executor_dropped_parent (gconstpointer data)
{
  g_autoptr(Pair) pair = load_pair (data);
  gboolean keeps_references = strstr (pair->after, "REFERENCES parent") != NULL;
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *schema = g_build_filename (dir, "schema.sql", NULL);
  g_autofree char *db_path = g_build_filename (dir, "test.db", NULL);
  g_autofree char *base_sql = g_strconcat (pair->before, pair->rows, NULL);
  g_autofree char *warnings = NULL;
  g_autofree char *children = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  const char *child_sql = "SELECT group_concat(id || ':' || ifnull(parent_id, '-'), ',') FROM "
                          "(SELECT * FROM child ORDER BY id)";

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config,
                                      "[strata]\ndatabase = test.db\nschema = schema.sql\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (schema, pair->after, -1, NULL));
  ct_write_revision (dir, "base0001", NULL, "base", base_sql, "SELECT 1;");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  children = ct_query (db_path, child_sql);
  g_assert_cmpstr (children, ==, "1:1,2:2,3:-");

  autogen = strata_autogen_new (project);
  strata_autogen_set_flags (autogen, STRATA_AUTOGEN_FLAGS_ALLOW_DROP);
  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_no_error (error);
  revision = strata_autogen_write_revision (autogen, NULL, "drop parent", "auto0001", &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  project = ct_open_project (dir);

  /* The rehearsal counts as the run does: nothing to report. */
  {
    g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, "head");

    g_assert_true (strata_rehearsal_run (rehearsal, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (strata_rehearsal_get_n_checked (rehearsal), ==, 1);
    g_assert_cmpuint (strata_rehearsal_get_findings (rehearsal)->len, ==, 0);
  }

  warnings = migrate_warned (project, STRATA_DIRECTION_UPGRADE, "head");
  /* Without its REFERENCES, child points at nothing only after the downgrade. */
  if (keeps_references)
    {
      g_assert_nonnull (strstr (warnings, "2 rows of table “child” point at nothing in "
                                          "“parent”"));
      g_assert_nonnull (strstr (warnings, "only in the backup"));
    }
  else
    g_assert_cmpstr (warnings, ==, "");
  g_assert_cmpint (ct_query_int (db_path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                          "'parent'"), ==, 0);
  g_free (children);
  children = ct_query (db_path, child_sql);
  g_assert_cmpstr (children, ==, "1:1,2:2,3:-");

  g_free (warnings);
  warnings = migrate_warned (project, STRATA_DIRECTION_DOWNGRADE, "-1");
  /* With its REFERENCES kept, the rows already pointed at nothing. */
  g_assert_nonnull (strstr (warnings, "2 rows of table “child” point at "));
  if (!keeps_references)
    g_assert_nonnull (strstr (warnings, "only in the backup"));
  g_assert_cmpint (ct_query_int (db_path, "SELECT count(*) FROM parent"), ==, 0);
  g_free (children);
  children = ct_query (db_path, child_sql);
  g_assert_cmpstr (children, ==, "1:1,2:2,3:-");

  /* A revision that leaves rows pointing at nothing in a table that stays
   * is refused as before. */
  ct_write_revision (dir, "orphan01", "base0001", "orphan",
                     "INSERT INTO child VALUES (9, 99, 'x');", "DELETE FROM child WHERE id = 9;");
  g_clear_object (&project);
  project = ct_open_project (dir);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "orphan01");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY);
  ct_remove_tree (dir);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *)a, *(char * const *)b);
}

static void
test_async (void)
{
  g_autoptr(StrataAutogen) autogen =
    strata_autogen_new_for_sql ("CREATE TABLE t (a INTEGER);",
                                "CREATE TABLE t (a INTEGER, b TEXT);");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  strata_autogen_run_async (autogen, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (strata_autogen_run_finish (autogen, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_autogen_get_upgrade_sql (autogen), ==,
                   "ALTER TABLE t ADD COLUMN b TEXT;\n");
  g_assert_cmpstr (strata_autogen_get_downgrade_sql (autogen), ==,
                   "ALTER TABLE t DROP COLUMN b;\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint pairs = 0;

  g_test_init (&argc, &argv, NULL);
  corpus = g_test_build_filename (G_TEST_DIST, "data", "autogen", NULL);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (corpus, g_ptr_array_index (names, i), NULL);
      g_autofree char *test = g_strdup_printf ("/core/autogen/corpus/%s",
                                               (char *)g_ptr_array_index (names, i));

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_free (path);
          continue;
        }
      g_test_add_data_func_full (test, path, test_pair, g_free);
      pairs++;
    }
  g_assert_cmpuint (pairs, >=, 80);

  g_test_add_func ("/core/autogen/async", test_async);
  for (guint i = 0; i < names->len; i++)
    {
      const char *pair = g_ptr_array_index (names, i);
      g_autofree char *test = NULL;

      if (strstr (pair, "drop-referenced-table") == NULL)
        continue;
      test = g_strdup_printf ("/core/autogen/executor-dropped-parent/%s", pair);
      g_test_add_data_func_full (test, g_build_filename (corpus, pair, NULL),
                                 test_executor_dropped_parent, g_free);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *pair = g_ptr_array_index (names, i);

      if (strstr (pair, "cascade") == NULL && strstr (pair, "many-changes") == NULL)
        continue;
      {
        g_autofree char *test = g_strdup_printf ("/core/autogen/executor/%s", pair);
        g_test_add_data_func_full (test, g_build_filename (corpus, pair, NULL), test_executor,
                                   g_free);
      }
    }
  return g_test_run ();
}
