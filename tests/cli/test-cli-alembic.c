/* test-cli-alembic.c: Alembic reads a database Strata migrated, and the reverse
 *
 * A minimal Alembic environment is generated beside the project, with one
 * no-op .py revision per Strata revision (same revision, down_revision,
 * branch_labels, depends_on), so both tools judge the same graph.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)

#define PRICING "6a4c1e8d9f03"
#define STORAGE "7b5d2f9e0a14"
#define MERGE   "8c6e3a0f1b25"

static const char env_py[] =
  "from alembic import context\n"
  "from sqlalchemy import engine_from_config, pool\n"
  "\n"
  "config = context.config\n"
  "engine = engine_from_config(config.get_section(config.config_ini_section),\n"
  "                            prefix='sqlalchemy.', poolclass=pool.NullPool)\n"
  "with engine.connect() as connection:\n"
  "    context.configure(connection=connection)\n"
  "    with context.begin_transaction():\n"
  "        context.run_migrations()\n";

static gboolean
have_alembic (void)
{
  const char *argv[] = { "/usr/bin/python3", "-c", "import alembic, sqlalchemy", NULL };
  g_autoptr(CliResult) result = NULL;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  result = cli_run_program ("/", argv);
  return result->status == 0;
}

/* A Python literal: None, 'a' or ('a', 'b'). */
static char *
python_tuple (JsonArray *array)
{
  GString *text;
  guint n = json_array_get_length (array);

  if (n == 0)
    return g_strdup ("None");
  if (n == 1)
    return g_strdup_printf ("'%s'", json_array_get_string_element (array, 0));

  text = g_string_new ("(");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "'%s', ", json_array_get_string_element (array, i));
  g_string_append (text, ")");

  return g_string_free (text, FALSE);
}

static void
write_stub (const char *directory,
            JsonObject *revision)
{
  const char *id = json_object_get_string_member (revision, "revision");
  g_autofree char *down = python_tuple (json_object_get_array_member (revision, "down_revisions"));
  g_autofree char *labels = python_tuple (json_object_get_array_member (revision,
                                                                        "branch_labels"));
  g_autofree char *depends = python_tuple (json_object_get_array_member (revision, "depends_on"));
  g_autofree char *name = g_strdup_printf ("%s_stub.py", id);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autofree char *contents = NULL;

  contents = g_strdup_printf ("\"\"\"%s\n\nRevision ID: %s\n\"\"\"\n"
                              "revision = '%s'\n"
                              "down_revision = %s\n"
                              "branch_labels = %s\n"
                              "depends_on = %s\n\n"
                              "def upgrade():\n    pass\n\n"
                              "def downgrade():\n    pass\n",
                              json_object_get_string_member (revision, "message"), id, id,
                              down, labels, depends);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
write_ini (CliFixture *fixture,
           const char *name,
           const char *database)
{
  g_autofree char *path = g_build_filename (fixture->root, name, NULL);
  g_autofree char *contents = NULL;

  contents = g_strdup_printf ("[alembic]\n"
                              "script_location = %s/alembic\n"
                              "sqlalchemy.url = sqlite:///%s\n",
                              fixture->root, database);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* The stubs come from `strata-cli --json history`: the graph as Strata
 * parsed it from the revision files. */
static void
write_environment (CliFixture *fixture)
{
  g_autofree char *alembic = g_build_filename (fixture->root, "alembic", NULL);
  g_autofree char *versions = g_build_filename (alembic, "versions", NULL);
  g_autofree char *env = g_build_filename (alembic, "env.py", NULL);
  g_autoptr(CliResult) history = RUN ("--json", "history");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *revisions;

  cli_assert_status (history, 0);
  json_parser_load_from_data (parser, history->out, -1, &error);
  g_assert_no_error (error);
  revisions = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "revisions");

  g_assert_cmpint (g_mkdir_with_parents (versions, 0755), ==, 0);
  g_assert_true (g_file_set_contents (env, env_py, -1, NULL));
  for (guint i = 0; i < json_array_get_length (revisions); i++)
    write_stub (versions, json_array_get_object_element (revisions, i));

  write_ini (fixture, "alembic.ini", fixture->database);
}

static CliResult *
run_alembic (CliFixture *fixture,
             const char *ini,
             const char *command,
             const char *argument)
{
  const char *argv[] = { "/usr/bin/python3", "-m", "alembic", "-c", ini, command, argument, NULL };
  CliResult *result = cli_run_program (fixture->root, argv);

  cli_assert_status (result, 0);
  return result;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

static char *
sorted_output (CliResult *result)
{
  g_auto(GStrv) lines = g_strdupv (result->lines);

  qsort (lines, g_strv_length (lines), sizeof (char *), compare_lines);
  return g_strjoinv ("\n", lines);
}

static void
assert_same_current (CliFixture *fixture,
                     const char *ini,
                     const char *database)
{
  g_autoptr(CliResult) theirs = run_alembic (fixture, ini, "current", NULL);
  g_autoptr(CliResult) ours = RUN ("--database", database, "current");
  g_autofree char *their_lines = sorted_output (theirs);
  g_autofree char *our_lines = sorted_output (ours);

  cli_assert_status (ours, 0);
  g_assert_cmpstr (their_lines, ==, our_lines);
  g_assert_cmpstr (our_lines, !=, "");
}

static void
test_alembic_reads_ours (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) heads = NULL;

  if (!have_alembic ())
    {
      g_test_skip ("/usr/bin/python3 has no alembic module (install python3-alembic)");
      return;
    }

  write_environment (fixture);

  /* Two branch heads: two rows, as Alembic keeps them. */
  g_autoptr(CliResult) pricing = RUN ("upgrade", PRICING);
  g_autoptr(CliResult) storage = RUN ("upgrade", STORAGE);
  cli_assert_status (pricing, 0);
  cli_assert_status (storage, 0);
  assert_same_current (fixture, "alembic.ini", fixture->database);

  g_autoptr(CliResult) merge = RUN ("upgrade", "head");
  cli_assert_status (merge, 0);
  assert_same_current (fixture, "alembic.ini", fixture->database);

  heads = run_alembic (fixture, "alembic.ini", "heads", NULL);
  g_assert_true (g_str_has_prefix (heads->out, MERGE " ("));
}

static void
test_we_read_theirs (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *fresh = g_build_filename (fixture->root, "fresh.db", NULL);
  g_autoptr(CliResult) check = NULL;

  if (!have_alembic ())
    {
      g_test_skip ("/usr/bin/python3 has no alembic module (install python3-alembic)");
      return;
    }

  write_environment (fixture);
  write_ini (fixture, "fresh.ini", fresh);

  g_autoptr(CliResult) pricing = run_alembic (fixture, "fresh.ini", "upgrade", PRICING);
  g_autoptr(CliResult) storage = run_alembic (fixture, "fresh.ini", "upgrade", STORAGE);
  assert_same_current (fixture, "fresh.ini", fresh);

  g_autoptr(CliResult) heads = run_alembic (fixture, "fresh.ini", "upgrade", "heads");
  assert_same_current (fixture, "fresh.ini", fresh);

  check = RUN ("--database", fresh, "check");
  cli_assert_status (check, 0);
}

/* Alembic keeps branch labels in a set, so "(storage, pricing)" may come in
 * either order: sort the items of every parenthesised group. */
static char *
normalize_groups (const char *text)
{
  GString *result = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *close = strchr (p, ')');
      g_autofree char *inner = NULL;
      g_auto(GStrv) items = NULL;
      g_autofree char *joined = NULL;

      if (*p != '(' || close == NULL)
        {
          g_string_append_c (result, *p++);
          continue;
        }

      inner = g_strndup (p + 1, close - p - 1);
      items = g_strsplit (inner, ", ", -1);
      qsort (items, g_strv_length (items), sizeof (char *), compare_lines);
      joined = g_strjoinv (", ", items);
      g_string_append_printf (result, "(%s)", joined);
      p = close + 1;
    }

  return g_string_free (result, FALSE);
}

static char *
normalize_listing (CliResult *result)
{
  g_autofree char *sorted = sorted_output (result);

  return normalize_groups (sorted);
}

/* The listings hold the same lines as Alembic prints them. Alembic walks
 * sets, so where branches meet its order changes from run to run (try
 * PYTHONHASHSEED=0 and 1): lines are compared as sets, and the order is
 * checked against fixed expectations in test-cli-commands.c. */
static void
test_same_listings (CliFixture    *fixture,
                    gconstpointer  data)
{
  const char *commands[] = { "heads", "history", "branches" };

  if (!have_alembic ())
    {
      g_test_skip ("/usr/bin/python3 has no alembic module (install python3-alembic)");
      return;
    }

  write_environment (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CliResult) theirs = run_alembic (fixture, "alembic.ini", commands[i], NULL);
      g_autoptr(CliResult) ours = RUN (commands[i]);
      g_autofree char *our_text = normalize_listing (ours);
      g_autofree char *their_text = normalize_listing (theirs);

      cli_assert_status (ours, 0);
      g_assert_cmpuint (g_strv_length (ours->lines), ==, g_strv_length (theirs->lines));
      g_assert_cmpstr (our_text, ==, their_text);
    }
}

/* A revision that the current one depends on: Alembic lists it as current,
 * "(effective head)"; heads --resolve-dependencies leaves it out. */
static void
test_dependency_current (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(CliResult) side = NULL;
  g_autoptr(CliResult) up = NULL;
  g_autoptr(CliResult) their_heads = NULL;
  g_autoptr(CliResult) our_heads = NULL;

  if (!have_alembic ())
    {
      g_test_skip ("/usr/bin/python3 has no alembic module (install python3-alembic)");
      return;
    }

  side = RUN ("revision", "-m", "side", "--head", "base", "--branch-label", "side",
              "--depends-on", MERGE, "--rev-id", "51de00000001");
  cli_assert_status (side, 0);
  write_environment (fixture);
  up = RUN ("upgrade", "side@head");
  cli_assert_status (up, 0);
  assert_same_current (fixture, "alembic.ini", fixture->database);

  their_heads = run_alembic (fixture, "alembic.ini", "heads", "--resolve-dependencies");
  our_heads = RUN ("heads", "--resolve-dependencies");
  cli_assert_status (our_heads, 0);
  g_assert_cmpstr (our_heads->out, ==, their_heads->out);
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/alembic/reads-ours", CliFixture, NULL,
              cli_fixture_setup, test_alembic_reads_ours, cli_fixture_teardown);
  g_test_add ("/cli/alembic/we-read-theirs", CliFixture, NULL,
              cli_fixture_setup, test_we_read_theirs, cli_fixture_teardown);
  g_test_add ("/cli/alembic/same-listings", CliFixture, NULL,
              cli_fixture_setup, test_same_listings, cli_fixture_teardown);
  g_test_add ("/cli/alembic/dependency-current", CliFixture, NULL,
              cli_fixture_setup, test_dependency_current, cli_fixture_teardown);

  return g_test_run ();
}
