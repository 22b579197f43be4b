/* test-hostile.c: a database that is not ours cannot run code in us
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "core-test.h"

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static int
config_value (sqlite3 *db,
              int      option)
{
  int value = -1;

  g_assert_cmpint (sqlite3_db_config (db, option, -1, &value), ==, SQLITE_OK);
  return value;
}

static void
assert_defensive (StrataDatabase *database)
{
  sqlite3 *db = strata_database_get_handle (database);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (config_value (db, SQLITE_DBCONFIG_DEFENSIVE), ==, 1);
  g_assert_cmpint (config_value (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA), ==, 0);
  g_assert_cmpint (config_value (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION), ==, 0);

  /* No extension loads, even when asked for directly. */
  g_assert_false (strata_database_exec (database, "SELECT load_extension('/nonexistent.so');",
                                        &error));
  assert_contains (error->message, "not authorized");
}

static void
test_settings (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *path = g_build_filename (dir, "x.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(StrataDatabase) created = NULL;
  g_autoptr(StrataDatabase) read_only = NULL;
  g_autoptr(StrataDatabase) memory = NULL;
  g_autoptr(GError) error = NULL;

  created = strata_database_open (file, STRATA_DATABASE_FLAGS_CREATE, &error);
  g_assert_no_error (error);
  assert_defensive (created);
  g_assert_true (strata_database_exec (created, "CREATE TABLE t (x);", &error));

  /* Defensive: sqlite_schema cannot be edited, even with writable_schema. */
  g_assert_true (strata_database_exec (created, "PRAGMA writable_schema = ON;", NULL));
  g_assert_false (strata_database_exec (created, "UPDATE sqlite_schema SET sql = "
                                                 "'CREATE TABLE t (y)' WHERE name = 't';",
                                        &error));
  g_clear_error (&error);

  read_only = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  assert_defensive (read_only);
  memory = strata_database_open_memory (&error);
  g_assert_no_error (error);
  assert_defensive (memory);
  ct_remove_tree (dir);
}

/* A schema whose view and trigger call functions with side effects: with
 * trusted_schema off they are refused where they run, and reading the
 * schema or the status never crashes. */
static void
test_unsafe_schema (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  sqlite3 *handle = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "INSERT INTO log VALUES ('r1');\n", "");
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "CREATE TABLE log (x);"
                                 "CREATE TRIGGER spy AFTER INSERT ON log BEGIN "
                                 "SELECT writefile('/tmp/strata-pwned', 'x'); "
                                 "SELECT load_extension('/nonexistent.so'); END;"
                                 "CREATE VIEW \"v\"\"; DROP TABLE log; --\" AS "
                                 "SELECT fts3_tokenizer('simple') AS x;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  project = ct_open_project (dir);
  status = strata_project_read_status (project, NULL, &error);
  g_assert_no_error (error);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  assert_contains (error->message, "versions/r1.sql:8:");
  g_assert_false (g_file_test ("/tmp/strata-pwned", G_FILE_TEST_EXISTS));
  /* Rolled back: no row, no version; only the failure is in the history. */
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM log"), ==, 0);
  after = ct_heads (db);
  g_assert_cmpstr (after, ==, "");
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM strata_history WHERE outcome = "
                                     "'failed'"), ==, 1);
  ct_remove_tree (dir);
}

static void
test_odd_names (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one",
                     "CREATE TABLE \"x\"\"; DROP TABLE seed; --\" (\"a]b\" TEXT, \"'\" INT);\n"
                     "CREATE INDEX \"i;\" ON \"x\"\"; DROP TABLE seed; --\" (\"a]b\");\n",
                     "DROP TABLE \"x\"\"; DROP TABLE seed; --\";\n");
  {
    sqlite3 *handle = NULL;
    g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE seed (x); INSERT INTO seed VALUES (1);",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  project = ct_open_project (dir);
  rehearsal = strata_rehearsal_new (project, "head");
  g_assert_true (strata_rehearsal_run (rehearsal, NULL, &error));
  g_assert_cmpuint (strata_rehearsal_get_findings (rehearsal)->len, ==, 0);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "base");
  rows = ct_query (db, "SELECT count(*) FROM seed");
  g_assert_cmpstr (rows, ==, "1");
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/hostile/settings", test_settings);
  g_test_add_func ("/core/hostile/unsafe-schema", test_unsafe_schema);
  g_test_add_func ("/core/hostile/odd-names", test_odd_names);

  return g_test_run ();
}
