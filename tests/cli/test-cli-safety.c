/* test-cli-safety.c: rehearse, backups, restore and check --rehearse; hostile
 * databases through the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)
#define RUN_OK(...) run_ok (cli_run (fixture, __VA_ARGS__, NULL))

static void
run_ok (CliResult *result)
{
  cli_assert_status (result, 0);
  cli_result_free (result);
}

#define QUANTITY "27c6a30d7c24"
#define MERGE    "8c6e3a0f1b25"

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

/* A revision after the merge whose downgrade forgets its column. */
static const char *forgetful =
  "-- Add a colour\n"
  "--\n"
  "-- Revision ID: c0101a000001\n"
  "-- Revises: " MERGE "\n"
  "-- Create Date: 2024-01-01 00:00:00.000000\n"
  "\n"
  "-- migrate:upgrade\n"
  "ALTER TABLE part ADD COLUMN colour TEXT;\n"
  "\n"
  "-- migrate:downgrade\n"
  "SELECT 1;\n";

static void
test_rehearse (CliFixture    *fixture,
               gconstpointer  data)
{
  g_autoptr(CliResult) clean = NULL;
  g_autoptr(CliResult) found = NULL;
  g_autoptr(CliResult) json = NULL;
  g_autoptr(CliResult) gate = NULL;
  g_autofree char *path = NULL;

  clean = RUN ("rehearse");
  cli_assert_status (clean, 0);
  g_assert_cmpstr (clean->out, ==, "Rehearsed 9 revisions on a copy of maker_hub.db in memory; "
                                   "the database was not touched.\n");
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  path = cli_write_revision (fixture, "c0101a000001_colour.sql", forgetful);
  found = RUN ("rehearse", "head");
  cli_assert_status (found, 1);
  assert_contains (found->out, "versions/c0101a000001_colour.sql:11: downgrade: the downgrade "
                               "does not restore the schema");
  assert_contains (found->out, "colour");
  assert_contains (found->out, "versions/c0101a000001_colour.sql:8: upgrade: duplicate column "
                               "name: colour (upgrading again after the downgrade)");
  g_assert_cmpstr (found->err, ==, "strata-cli: the rehearsal found 2 problems\n");
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  json = RUN ("rehearse", "--json");
  cli_assert_status (json, 1);
  assert_contains (json->out, "\"checked\" : 10");
  assert_contains (json->out, "\"revision\" : \"c0101a000001\"");

  /* check --rehearse is a CI gate: up to date, and still it fails. */
  RUN_OK ("upgrade", "head");
  g_clear_pointer (&gate, cli_result_free);
  gate = RUN ("check");
  cli_assert_status (gate, 0);
  g_clear_pointer (&gate, cli_result_free);
  gate = RUN ("check", "--rehearse");
  cli_assert_status (gate, 0);
  /* A database one revision behind: the forgetful downgrade is found. */
  g_assert_cmpint (g_unlink (fixture->database), ==, 0);
  RUN_OK ("upgrade", MERGE);
  g_clear_pointer (&gate, cli_result_free);
  gate = RUN ("check", "--rehearse");
  cli_assert_status (gate, 1);
  assert_contains (gate->err, "strata-cli: rehearsal: versions/c0101a000001_colour.sql:11: "
                              "downgrade:");
}

static void
test_backups_and_restore (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(CliResult) none = NULL;
  g_autoptr(CliResult) listed = NULL;
  g_autoptr(CliResult) restored = NULL;
  g_autoptr(CliResult) listed_again = NULL;
  g_autofree char *name = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *rows = NULL;

  none = RUN ("backups");
  cli_assert_status (none, 0);
  g_assert_cmpstr (none->out, ==, "No backups of maker_hub.db in backups.\n");

  RUN_OK ("upgrade", "head");
  cli_db_exec (fixture->database, "INSERT INTO part (id, name) VALUES ('flux-cap', 'flux capacitor')");
  RUN_OK ("downgrade", QUANTITY);

  listed = RUN ("backups");
  cli_assert_status (listed, 0);
  g_assert_cmpuint (g_strv_length (listed->lines), ==, 1);
  g_assert_true (g_str_has_prefix (listed->lines[0], "maker_hub-" MERGE "-"));
  assert_contains (listed->lines[0], " (at " MERGE ", ");
  name = g_strndup (listed->lines[0], strcspn (listed->lines[0], " "));

  restored = RUN ("restore", name);
  cli_assert_status (restored, 0);
  assert_contains (restored->out, "Restored maker_hub.db from maker_hub-" MERGE);
  assert_contains (restored->out, "the database it replaced is kept as backups/maker_hub-"
                                  QUANTITY "-");
  versions = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (versions, ==, MERGE "\n");
  rows = cli_db_query (fixture->database, "SELECT count(*) FROM part WHERE name = 'flux capacitor'");
  g_assert_cmpstr (rows, ==, "1\n");

  listed_again = RUN ("backups", "--json");
  cli_assert_status (listed_again, 0);
  assert_contains (listed_again->out, "\"revision\" : \"" QUANTITY "\"");
  assert_contains (listed_again->out, "\"revision\" : \"" MERGE "\"");
}

static void
test_restore_errors (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autoptr(CliResult) missing = NULL;
  g_autoptr(CliResult) unknown = NULL;

  missing = RUN ("restore");
  cli_assert_status (missing, 2);
  assert_contains (missing->err, "restore needs the NAME of a backup");

  RUN_OK ("upgrade", "head");
  unknown = RUN ("restore", "maker_hub-nothing-20240101T000000Z.db");
  cli_assert_status (unknown, 1);
  g_assert_true (g_str_has_prefix (unknown->err, "strata-cli: no backup named "));
  g_assert_cmpuint (strlen (strchr (unknown->err, '\n')), ==, 1);
}

/* Hostile databases --------------------------------------------------------------- */

static void
test_odd_names (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autoptr(CliResult) up = NULL;
  g_autoptr(CliResult) rehearsal = NULL;
  g_autoptr(CliResult) down = NULL;
  g_autoptr(CliResult) listed = NULL;
  g_autofree char *rows = NULL;

  /* Someone else's tables, named to break SQL built by pasting. */
  cli_db_exec (fixture->database,
               "CREATE TABLE \"a\"\"b; DROP TABLE x; --\" (\"c;\"\"d\" TEXT);"
               "INSERT INTO \"a\"\"b; DROP TABLE x; --\" VALUES ('keep');"
               "CREATE TABLE \"'); DELETE FROM part; --\" (x);"
               "CREATE VIEW \"v]\" AS SELECT * FROM \"a\"\"b; DROP TABLE x; --\";");
  up = RUN ("upgrade", "head");
  cli_assert_status (up, 0);
  rehearsal = RUN ("rehearse");
  cli_assert_status (rehearsal, 0);
  down = RUN ("downgrade", "base");
  cli_assert_status (down, 0);
  listed = RUN ("backups");
  cli_assert_status (listed, 0);
  g_assert_cmpuint (g_strv_length (listed->lines), ==, 1);
  rows = cli_db_query (fixture->database, "SELECT * FROM \"a\"\"b; DROP TABLE x; --\"");
  g_assert_cmpstr (rows, ==, "keep\n");
}

static void
test_unsafe_functions (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CliResult) up = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) rehearsal = NULL;

  /* A trigger and a view that would load code if the schema were trusted. */
  cli_db_exec (fixture->database,
               "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
               "CREATE TRIGGER evil AFTER INSERT ON alembic_version BEGIN "
               "SELECT load_extension('/nonexistent/evil.so'); END;"
               "CREATE VIEW spy AS SELECT load_extension('/nonexistent/evil.so') AS x;");
  before = cli_file_digest (fixture->database);

  up = RUN ("upgrade", "head");
  cli_assert_status (up, 1);
  g_assert_true (g_str_has_prefix (up->err, "strata-cli: "));
  assert_contains (up->err, "unsafe use of load_extension()");
  current = RUN ("current");
  cli_assert_status (current, 0);
  rehearsal = RUN ("rehearse");
  cli_assert_status (rehearsal, 1);
  assert_contains (rehearsal->err, "unsafe use of load_extension()");
  /* Nothing of the first revision stayed: the version table is still empty. */
  after = cli_db_query (fixture->database, "SELECT count(*) FROM alembic_version");
  g_assert_cmpstr (after, ==, "0\n");
}

static void
test_corrupt (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  gsize length = 0;
  const char *commands[][2] = {
    { "upgrade", "head" }, { "current", NULL }, { "rehearse", NULL }, { "check", NULL },
    { "backups", NULL }, { "downgrade", "base" },
  };

  RUN_OK ("upgrade", "head");
  /* Page 2 onwards overwritten: the header is fine, the tables are not. */
  g_assert_true (g_file_get_contents (fixture->database, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  memset (contents + 4096, 0xa5, length - 4096);
  g_assert_true (g_file_set_contents (fixture->database, contents, length, NULL));
  before = cli_file_digest (fixture->database);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CliResult) result = RUN (commands[i][0], commands[i][1]);
      g_autofree char *after = cli_file_digest (fixture->database);

      /* A clear error (or an answer), never a crash, and the file as it was. */
      g_assert_cmpint (result->status, <=, 1);
      if (result->status == 1)
        g_assert_true (g_str_has_prefix (result->err, "strata-cli: "));
      g_assert_cmpstr (before, ==, after);
    }
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/safety/rehearse", test_rehearse);
  ADD ("/cli/safety/backups-and-restore", test_backups_and_restore);
  ADD ("/cli/safety/restore-errors", test_restore_errors);
  ADD ("/cli/safety/hostile/odd-names", test_odd_names);
  ADD ("/cli/safety/hostile/unsafe-functions", test_unsafe_functions);
  ADD ("/cli/safety/hostile/corrupt", test_corrupt);

  return g_test_run ();
}
