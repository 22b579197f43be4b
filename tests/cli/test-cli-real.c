/* test-cli-real.c: strata-cli on databases that other tools and years of use left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cli-test.h"

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

/* A project in @fixture->root/real whose test.db is tests/data/real/@name,
 * built with plain SQLite. */
static char *
real_project (CliFixture *fixture,
              const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "real", name, NULL);
  char *dir = g_build_filename (fixture->root, "real", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *sql = NULL;
  sqlite3 *handle = NULL;

  write_file (dir, "strata.ini", "[strata]\ndatabase = test.db\nschema = schema.sql\n");
  write_file (dir, "versions/.keep", "");
  g_assert_true (g_file_get_contents (source, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  return dir;
}

static CliResult *
run_in (const char *dir,
        const char *first_arg,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg = first_arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)"-C");
  g_ptr_array_add (argv, (gpointer)dir);
  va_start (args, first_arg);
  for (; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return cli_run_full (dir, NULL, (const char * const *)argv->pdata);
}

/* Purchases of a deleted customer were there before: the upgrade succeeds
 * and says which table, how many rows, and how to list them. */
static void
test_existing_orphans (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *dir = real_project (fixture, "legacy.sql");
  CliResult *result;

  write_file (dir, "versions/aaa000000001_tag.sql",
              "-- tag\n--\n-- Revision ID: aaa000000001\n-- Revises: \n"
              "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
              "-- migrate:upgrade\nCREATE TABLE tag (name TEXT PRIMARY KEY);\n"
              "-- migrate:downgrade\nDROP TABLE tag;\n");
  result = run_in (dir, "upgrade", "head", NULL);
  cli_assert_status (result, 0);
  assert_contains (result->err, "strata-cli: warning: 2 rows of table “purchase” point at "
                                "missing rows of “customer”; they were there before this run");
  assert_contains (result->err, "PRAGMA foreign_key_check(\"purchase\");");
  assert_contains (result->err, "strata-cli: warning: 1 row of table “note”");
  cli_result_free (result);
}

static void
exec_on (const char *db,
         const char *sql)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

/* revision --autogenerate and check read the database: before the revision
 * is written they say which rows the new NOT NULL and CHECK would refuse,
 * how many, and what to do; --fill puts COALESCE into the copy. */
static void
test_autogenerate_reads_rows (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->root, "rows", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *written = NULL;
  g_autofree char *path = NULL;
  CliResult *result;

  write_file (dir, "strata.ini", "[strata]\ndatabase = test.db\nschema = schema.sql\n");
  write_file (dir, "versions/aaa000000001_account.sql",
              "-- account\n--\n-- Revision ID: aaa000000001\n-- Revises: \n"
              "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
              "-- migrate:upgrade\nCREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT, "
              "status TEXT);\n-- migrate:downgrade\nDROP TABLE account;\n");
  write_file (dir, "schema.sql",
              "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
              "status TEXT CHECK (status IN ('active', 'retired')));\n");
  result = run_in (dir, "upgrade", "head", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
  exec_on (db, "INSERT INTO account VALUES (1, NULL, 'active'), (2, NULL, 'gone'), "
               "(3, 'c@example.com', NULL);");

  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 1);
  assert_contains (result->err, "strata-cli: warning: column “email” of table “account” becomes "
                                "NOT NULL, but 2 rows hold NULL there");
  cli_result_free (result);

  result = run_in (dir, "revision", "--autogenerate", "-m", "strict", "--rev-id",
                   "bbb000000002", NULL);
  cli_assert_status (result, 0);
  assert_contains (result->err, "--fill account.email=''");
  assert_contains (result->err, "column “status” of table “account” gets CHECK (status IN "
                                "('active', 'retired')), but 1 row breaks it");
  g_assert_null (strstr (result->err, "new_account"));
  cli_result_free (result);

  path = g_build_filename (dir, "versions", "bbb000000002_strict.sql", NULL);
  g_assert_cmpint (g_remove (path), ==, 0);
  result = run_in (dir, "revision", "--autogenerate", "-m", "strict", "--rev-id",
                   "bbb000000002", "--fill", "account.email='unknown'", NULL);
  cli_assert_status (result, 0);
  g_assert_null (strstr (result->err, "becomes NOT NULL, but"));
  cli_result_free (result);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  assert_contains (written, "coalesce(email, 'unknown')");
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("/cli/real/existing-orphans", test_existing_orphans);
  ADD ("/cli/real/autogenerate-reads-rows", test_autogenerate_reads_rows);
#undef ADD

  return g_test_run ();
}
