/* test-cli-bad-input.c: each bad input of the issue gets one clear message,
 * exit status 1, and changes nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)

#define QUANTITY "27c6a30d7c24"
#define INDEX    "3cb9a1d5f0e2"
#define MERGE    "8c6e3a0f1b25"

/* Runs `upgrade head` and asserts it failed with one "strata-cli:" line
 * holding @needle, leaving the database as it was. */
static void
assert_upgrade_refused (CliFixture *fixture,
                        const char *needle)
{
  g_autofree char *before = cli_file_digest (fixture->database);
  g_autofree char *after = NULL;
  g_autoptr(CliResult) result = RUN ("upgrade", "head");

  cli_assert_status (result, 1);
  g_assert_true (g_str_has_prefix (result->err, "strata-cli: "));
  g_assert_cmpuint (strlen (strchr (result->err, '\n')), ==, 1);
  if (strstr (result->err, needle) == NULL)
    g_error ("“%s” not in: %s", needle, result->err);

  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);
}

static void
upgrade_to (CliFixture *fixture,
            const char *target)
{
  g_autoptr(CliResult) result = RUN ("upgrade", target);

  cli_assert_status (result, 0);
}

static void
replace_in_file (const char *path,
                 const char *old,
                 const char *replacement)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *changed = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, old));
  parts = g_strsplit (contents, old, -1);
  changed = g_strjoinv (replacement, parts);
  g_assert_true (g_file_set_contents (path, changed, -1, NULL));
}

static char *
versions_file (CliFixture *fixture,
               const char *name)
{
  return g_build_filename (fixture->versions, name, NULL);
}

static void
test_missing_config (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *ini = g_build_filename (fixture->project, "strata.ini", NULL);

  g_assert_cmpint (g_unlink (ini), ==, 0);
  assert_upgrade_refused (fixture, "strata.ini");
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
}

static void
test_malformed_config (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *ini = g_build_filename (fixture->project, "strata.ini", NULL);

  upgrade_to (fixture, QUANTITY);
  g_assert_true (g_file_set_contents (ini, "[strata]\ndatabase maker_hub.db\n", -1, NULL));
  assert_upgrade_refused (fixture, "strata.ini:2");
}

static void
test_missing_database_folder (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (fixture->root, "no-such-folder", NULL);
  g_autofree char *database = g_build_filename (folder, "maker_hub.db", NULL);
  g_autoptr(CliResult) result = RUN ("--database", database, "upgrade", "head");

  cli_assert_status (result, 1);
  g_assert_true (g_str_has_prefix (result->err, "strata-cli: "));
  g_assert_nonnull (strstr (result->err, "no-such-folder"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static void
test_not_sqlite (CliFixture    *fixture,
                 gconstpointer  data)
{
  g_assert_true (g_file_set_contents (fixture->database,
                                      "These are my shopping notes, not a database.\n"
                                      "Milk, eggs, 100 nF capacitors.\n", -1, NULL));
  assert_upgrade_refused (fixture, "maker_hub.db");
}

static gboolean
set_immutable (const char *path,
               gboolean    immutable)
{
  const char *argv[] = { "chattr", immutable ? "+i" : "-i", path, NULL };
  g_autoptr(CliResult) result = cli_run_program ("/", argv);

  return result->status == 0;
}

/* File modes do not stop root, so as root the file is made immutable, which
 * SQLite sees the same way: it can only open it read-only. */
static void
test_read_only (CliFixture    *fixture,
                gconstpointer  data)
{
  upgrade_to (fixture, QUANTITY);

  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (fixture->database, 0444), ==, 0);
      assert_upgrade_refused (fixture, "maker_hub.db");
      return;
    }

  if (!set_immutable (fixture->database, TRUE))
    {
      g_test_skip ("running as root and chattr +i is not allowed here: "
                   "nothing can make the database read-only");
      return;
    }

  assert_upgrade_refused (fixture, "maker_hub.db");
  g_assert_true (set_immutable (fixture->database, FALSE));
}

/* The digests are taken outside the lock: closing any descriptor of the file
 * would drop this process's POSIX locks on it. */
static void
test_locked (CliFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) result = NULL;
  sqlite3 *db = NULL;

  upgrade_to (fixture, QUANTITY);
  before = cli_file_digest (fixture->database);
  g_assert_cmpint (sqlite3_open (fixture->database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  result = RUN ("upgrade", "head");

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  cli_assert_status (result, 1);
  g_test_message ("stderr: %s", result->err);
  g_assert_true (g_str_has_prefix (result->err, "strata-cli: "));
  g_assert_nonnull (strstr (result->err, "maker_hub.db"));
  g_assert_nonnull (strstr (result->err, "busy"));
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);
}

static void
test_revision_without_id (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = versions_file (fixture, INDEX "_index_part_mpn.sql");

  upgrade_to (fixture, QUANTITY);
  replace_in_file (path, "-- Revision ID: " INDEX "\n", "");
  assert_upgrade_refused (fixture, "versions/" INDEX "_index_part_mpn.sql");
}

static void
test_duplicate_id (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = versions_file (fixture, INDEX "_index_part_mpn.sql");
  g_autofree char *copy = NULL;

  upgrade_to (fixture, QUANTITY);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  copy = cli_write_revision (fixture, "ffff00000000_copy.sql", contents);
  assert_upgrade_refused (fixture, INDEX);
}

static void
test_unknown_revises (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = versions_file (fixture, INDEX "_index_part_mpn.sql");

  upgrade_to (fixture, QUANTITY);
  replace_in_file (path, "Revises: " QUANTITY, "Revises: deadbeef0000");
  assert_upgrade_refused (fixture, "deadbeef0000");
}

static void
test_cycle (CliFixture    *fixture,
            gconstpointer  data)
{
  g_autofree char *path = versions_file (fixture, "1975ea83b712_create_part_table.sql");

  upgrade_to (fixture, QUANTITY);
  replace_in_file (path, "-- Revises:\n", "-- Revises: " INDEX "\n");
  assert_upgrade_refused (fixture, INDEX);
}

static void
test_bad_targets (CliFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) ambiguous = NULL;
  g_autoptr(CliResult) unknown = NULL;
  g_autoptr(CliResult) past_end = NULL;
  g_autoptr(CliResult) twin = RUN ("revision", "-m", "twin", "--rev-id", "3cb9a1d5ffff");

  cli_assert_status (twin, 0);
  upgrade_to (fixture, QUANTITY);
  before = cli_file_digest (fixture->database);

  ambiguous = RUN ("upgrade", "3cb9a1");
  cli_assert_status (ambiguous, 1);
  g_assert_nonnull (strstr (ambiguous->err, "3cb9a1"));

  unknown = RUN ("upgrade", "feedface1234");
  cli_assert_status (unknown, 1);
  g_assert_nonnull (strstr (unknown->err, "feedface1234"));

  past_end = RUN ("downgrade", "-5");
  cli_assert_status (past_end, 1);
  g_assert_true (g_str_has_prefix (past_end->err, "strata-cli: "));

  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);
}

static void
test_unknown_version (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) check = NULL;

  upgrade_to (fixture, QUANTITY);
  cli_db_exec (fixture->database, "UPDATE alembic_version SET version_num = 'c0ffee000000'");
  assert_upgrade_refused (fixture, "c0ffee000000");

  current = RUN ("current");
  cli_assert_status (current, 1);
  g_assert_nonnull (strstr (current->err, "c0ffee000000"));

  check = RUN ("check");
  cli_assert_status (check, 1);
  g_assert_nonnull (strstr (check->out, "c0ffee000000"));
}

static const char broken_revision[] =
  "-- Add a broken table\n"
  "--\n"
  "-- Revision ID: 0badc0de0001\n"
  "-- Revises: " MERGE "\n"
  "-- Create Date: 2021-10-01 00:00:00.000000\n"
  "\n"
  "-- migrate:upgrade\n"
  "CREATE TABLE fine (id INTEGER PRIMARY KEY);\n"
  "\n"
  "INSERT INTO fine (id)\n"
  "VALUES (1);\n"
  "INSERT INTO no_such_table (id) VALUES (1);\n"
  "\n"
  "-- migrate:downgrade\n"
  "DROP TABLE fine;\n";

/* A failing statement rolls its revision back; the schema and version table
 * stay as they were (strata_history may record the failure). */
static void
test_sql_error (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *path = cli_write_revision (fixture, "0badc0de0001_broken.sql",
                                              broken_revision);
  g_autoptr(CliResult) result = NULL;
  const char *schema = "SELECT type, name, sql FROM sqlite_master "
                       "WHERE name NOT LIKE 'strata%' ORDER BY name";

  upgrade_to (fixture, MERGE);
  schema_before = cli_db_query (fixture->database, schema);

  result = RUN ("upgrade", "head");
  cli_assert_status (result, 1);
  g_test_message ("stderr: %s", result->err);
  g_assert_nonnull (strstr (result->err, "versions/0badc0de0001_broken.sql:12"));
  g_assert_nonnull (strstr (result->err, "no_such_table"));

  schema_after = cli_db_query (fixture->database, schema);
  g_assert_cmpstr (schema_before, ==, schema_after);
  versions = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (versions, ==, MERGE "\n");
}

/* From base, the revisions before the failing one stay applied. */
static void
test_sql_error_keeps_earlier (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = cli_write_revision (fixture, "0badc0de0001_broken.sql",
                                              broken_revision);
  g_autofree char *versions = NULL;
  g_autoptr(CliResult) result = RUN ("upgrade", "head");

  cli_assert_status (result, 1);
  g_assert_cmpuint (g_strv_length (result->lines), ==, 9);
  versions = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (versions, ==, MERGE "\n");
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/bad-input/missing-config", test_missing_config);
  ADD ("/cli/bad-input/malformed-config", test_malformed_config);
  ADD ("/cli/bad-input/missing-database-folder", test_missing_database_folder);
  ADD ("/cli/bad-input/not-sqlite", test_not_sqlite);
  ADD ("/cli/bad-input/read-only", test_read_only);
  ADD ("/cli/bad-input/locked", test_locked);
  ADD ("/cli/bad-input/revision-without-id", test_revision_without_id);
  ADD ("/cli/bad-input/duplicate-id", test_duplicate_id);
  ADD ("/cli/bad-input/unknown-revises", test_unknown_revises);
  ADD ("/cli/bad-input/cycle", test_cycle);
  ADD ("/cli/bad-input/targets", test_bad_targets);
  ADD ("/cli/bad-input/unknown-version", test_unknown_version);
  ADD ("/cli/bad-input/sql-error", test_sql_error);
  ADD ("/cli/bad-input/sql-error-keeps-earlier", test_sql_error_keeps_earlier);

  return g_test_run ();
}
