/* test-cli-autogen.c: schema, revision --autogenerate and check against schema.sql
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test.h"

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
append_file (const char *dir,
             const char *name,
             const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *joined = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  joined = g_strconcat (contents, text, NULL);
  g_assert_true (g_file_set_contents (path, joined, -1, NULL));
}

/* schema.sql made from `schema --head`, and strata.ini pointing at it. */
static char *
start_schema (CliFixture *fixture)
{
  CliResult *result = cli_run (fixture, "schema", "--head", NULL);
  char *schema;

  cli_assert_status (result, 0);
  g_assert_nonnull (strstr (result->out, "CREATE TABLE part ("));
  schema = g_strdup (result->out);
  cli_result_free (result);
  write_file (fixture->project, "schema.sql", schema);
  append_file (fixture->project, "strata.ini", "schema = schema.sql\n");
  return schema;
}

static void
test_no_change (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  CliResult *result = cli_run (fixture, "revision", "--autogenerate", "-m", "nothing", NULL);

  cli_assert_status (result, 0);
  g_assert_true (cli_result_has_line (result, "No changes in schema detected."));
  cli_result_free (result);
}

static void
test_generate_and_check (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  CliResult *result;

  result = cli_run (fixture, "upgrade", "heads", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);

  append_file (fixture->project, "schema.sql",
               "CREATE TABLE note (id INTEGER PRIMARY KEY, part_id INTEGER REFERENCES part(id), "
               "body TEXT NOT NULL DEFAULT '');\n");
  result = cli_run (fixture, "check", NULL);
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, "differs from the schema file"));
  g_assert_nonnull (strstr (result->err, "table “note” added"));
  cli_result_free (result);

  result = cli_run (fixture, "revision", "--autogenerate", "-m", "add note", "--rev-id",
                    "note00000001", NULL);
  cli_assert_status (result, 0);
  g_assert_nonnull (strstr (result->out, "note00000001_add_note.sql"));
  cli_result_free (result);

  result = cli_run (fixture, "upgrade", "heads", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
  result = cli_run (fixture, "check", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);

  /* The database's schema, without Strata's own tables. */
  result = cli_run (fixture, "schema", NULL);
  cli_assert_status (result, 0);
  g_assert_nonnull (strstr (result->out, "CREATE TABLE note ("));
  g_assert_null (strstr (result->out, "alembic_version"));
  g_assert_null (strstr (result->out, "strata_history"));
  cli_result_free (result);

  result = cli_run (fixture, "downgrade", "-1", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
}

static void
test_drop_needs_consent (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  g_autoptr(GString) without = g_string_new (schema);
  CliResult *result;

  /* schema.sql loses the part table's description column. */
  g_assert_cmpuint (g_string_replace (without, "  description TEXT,\n", "", 1), ==, 1);
  write_file (fixture->project, "schema.sql", without->str);

  result = cli_run (fixture, "revision", "--autogenerate", "-m", "drop it", NULL);
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, "--allow-drop"));
  cli_result_free (result);

  result = cli_run (fixture, "revision", "--autogenerate", "-m", "drop it", "--allow-drop", NULL);
  cli_assert_status (result, 0);
  g_assert_nonnull (strstr (result->err, "dropped"));
  cli_result_free (result);
}

static void
test_bad_rename (CliFixture    *fixture,
                 gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  CliResult *result = cli_run (fixture, "revision", "--autogenerate", "-m", "x", "--rename",
                               "nocolon", NULL);

  cli_assert_status (result, 2);
  cli_result_free (result);
}

/* The command after "run: " on a line of @text. */
static GStrv
suggested_command (const char *text,
                   const char *lead)
{
  const char *start = strstr (text, lead);
  g_autofree char *line = NULL;
  GStrv argv = NULL;

  g_assert_nonnull (start);
  start += strlen (lead);
  line = g_strndup (start, strcspn (start, "\n"));
  g_assert_true (g_shell_parse_argv (line, NULL, &argv, NULL));
  g_assert_cmpstr (argv[0], ==, "strata-cli");
  return argv;
}

/* A typo in the new name of a rename: the rename to give instead names the
 * column as it is at head, and the command printed works as it is. */
static void
test_rename_typo (CliFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  g_autoptr(GString) renamed = g_string_new (schema);
  g_auto(GStrv) argv = NULL;
  CliResult *result;

  g_assert_cmpuint (g_string_replace (renamed, "  description TEXT,\n", "  details TEXT,\n", 1),
                    ==, 1);
  write_file (fixture->project, "schema.sql", renamed->str);

  result = cli_run (fixture, "revision", "--autogenerate", "-m", "rename it", "--rename",
                    "part.description:detials", NULL);
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, "--rename part.description:details instead of "
                                         "--rename part.description:detials"));
  argv = suggested_command (result->err, "to keep its data as renamed, run: ");
  cli_result_free (result);

  result = cli_run_full (fixture->root, NULL, (const char * const *)argv + 1);
  cli_assert_status (result, 0);
  /* Told as a rename, not as a drop and an add. */
  g_assert_nonnull (strstr (result->err, "table “part”: column “description” renamed to "
                                         "“details”"));
  g_assert_null (strstr (result->err, "dropped"));
  g_assert_null (strstr (result->err, "added"));
  cli_result_free (result);
}

/* A typo in the old name: the message names the column meant, and the
 * rename it gives works. */
static void
test_rename_typo_old_name (CliFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  g_autoptr(GString) renamed = g_string_new (schema);
  CliResult *result;

  g_assert_cmpuint (g_string_replace (renamed, "  description TEXT,\n", "  details TEXT,\n", 1),
                    ==, 1);
  write_file (fixture->project, "schema.sql", renamed->str);
  result = cli_run (fixture, "revision", "--autogenerate", "-m", "rename it", "--rename",
                    "part.descriptoin:details", NULL);
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, "--rename part.description:details instead of "
                                         "--rename part.descriptoin:details"));
  cli_result_free (result);

  result = cli_run (fixture, "revision", "--autogenerate", "-m", "rename it", "--rename",
                    "part.description:details", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
}

/* The other decision printed, dropping, works as it is too. */
static void
test_drop_command (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *schema = start_schema (fixture);
  g_autoptr(GString) without = g_string_new (schema);
  g_auto(GStrv) argv = NULL;
  CliResult *result;

  g_assert_cmpuint (g_string_replace (without, "  description TEXT,\n", "", 1), ==, 1);
  write_file (fixture->project, "schema.sql", without->str);
  result = cli_run (fixture, "revision", "--autogenerate", "-m", "drop it", NULL);
  cli_assert_status (result, 1);
  argv = suggested_command (result->err, "to drop it, run: ");
  cli_result_free (result);

  result = cli_run_full (fixture->root, NULL, (const char * const *)argv + 1);
  cli_assert_status (result, 0);
  g_assert_nonnull (strstr (result->err, "only in the backup"));
  cli_result_free (result);
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);
  g_test_add ("/cli/autogen/no-change", CliFixture, NULL, cli_fixture_setup, test_no_change,
              cli_fixture_teardown);
  g_test_add ("/cli/autogen/generate-and-check", CliFixture, NULL, cli_fixture_setup,
              test_generate_and_check, cli_fixture_teardown);
  g_test_add ("/cli/autogen/drop-needs-consent", CliFixture, NULL, cli_fixture_setup,
              test_drop_needs_consent, cli_fixture_teardown);
  g_test_add ("/cli/autogen/bad-rename", CliFixture, NULL, cli_fixture_setup, test_bad_rename,
              cli_fixture_teardown);
  g_test_add ("/cli/autogen/rename-typo", CliFixture, NULL, cli_fixture_setup, test_rename_typo,
              cli_fixture_teardown);
  g_test_add ("/cli/autogen/rename-typo-old-name", CliFixture, NULL, cli_fixture_setup,
              test_rename_typo_old_name, cli_fixture_teardown);
  g_test_add ("/cli/autogen/drop-command", CliFixture, NULL, cli_fixture_setup,
              test_drop_command, cli_fixture_teardown);
  return g_test_run ();
}
