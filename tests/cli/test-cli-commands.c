/* test-cli-commands.c: every command of strata-cli, as a user sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <signal.h>

#include <json-glib/json-glib.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)

#define PART     "1975ea83b712"
#define SEED     "ae1027a6acf4"
#define QUANTITY "27c6a30d7c24"
#define INDEX    "3cb9a1d5f0e2"
#define SUPPLIER "4d0e8f6b2a17"
#define MOVE     "5e2f7a9c3b81"
#define PRICING  "6a4c1e8d9f03"
#define STORAGE  "7b5d2f9e0a14"
#define MERGE    "8c6e3a0f1b25"

static char *
version_rows (CliFixture *fixture)
{
  return cli_db_query (fixture->database, "SELECT version_num FROM alembic_version ORDER BY 1");
}

static void
assert_version (CliFixture *fixture,
                const char *expected)
{
  g_autofree char *rows = version_rows (fixture);

  g_assert_cmpstr (rows, ==, expected);
}

static void
upgrade_to (CliFixture *fixture,
            const char *target)
{
  g_autoptr(CliResult) result = RUN ("upgrade", target);

  cli_assert_status (result, 0);
}

static JsonNode *
parse_json (CliResult *result)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, result->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_node_copy (json_parser_get_root (parser));
}

/* Usage --------------------------------------------------------------------- */

static void
test_usage_errors (CliFixture    *fixture,
                   gconstpointer  data)
{
  const char *cases[][4] = {
    { NULL },
    { "frobnicate", NULL },
    { "--frobnicate", "heads", NULL },
    { "upgrade", "--frobnicate", "head", NULL },
    { "upgrade", NULL },
    { "upgrade", "head", "extra", NULL },
    { "upgrade", PART ":" SEED, NULL },
    { "downgrade", NULL },
    { "show", NULL },
    { "edit", NULL },
    { "stamp", NULL },
    { "revision", NULL },
    { "merge", "-m", "x", NULL },
    { "history", "-r", "27c6", NULL },
    { "init", NULL },
    { "heads", "extra", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(CliResult) result = NULL;

      g_ptr_array_add (argv, (char *)"-C");
      g_ptr_array_add (argv, fixture->project);
      for (guint j = 0; cases[i][j] != NULL; j++)
        g_ptr_array_add (argv, (char *)cases[i][j]);
      g_ptr_array_add (argv, NULL);

      result = cli_run_full (fixture->root, NULL, (const char * const *)argv->pdata);
      cli_assert_status (result, 2);
      g_assert_true (g_str_has_prefix (result->err, "strata-cli: "));
      g_assert_cmpstr (result->out, ==, "");
    }

  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
}

static void
test_help (CliFixture    *fixture,
           gconstpointer  data)
{
  const char *commands[] = { "init", "revision", "upgrade", "downgrade", "current", "history",
                             "heads", "branches", "show", "stamp", "merge", "edit", "check" };
  g_autoptr(CliResult) main_help = RUN ("--help");

  cli_assert_status (main_help, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CliResult) result = RUN (commands[i], "--help");
      g_autofree char *usage = g_strdup_printf ("strata-cli %s [OPTION", commands[i]);

      g_assert_nonnull (strstr (main_help->out, commands[i]));
      cli_assert_status (result, 0);
      g_assert_nonnull (strstr (result->out, usage));
    }
}

/* Project and revision files ----------------------------------------------- */

static void
test_init (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->root, "inventory", NULL);
  g_autofree char *ini = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *versions = g_build_filename (dir, "versions", NULL);
  g_autofree char *existing = g_build_filename (dir, "inv.db", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CliResult) init = NULL;
  g_autoptr(CliResult) again = NULL;
  g_autoptr(CliResult) revision = NULL;
  g_autoptr(CliResult) heads = NULL;

  /* A folder that holds the database already: init writes around it, and
   * says it generated only what it did. */
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (existing, "", 0, NULL));
  init = cli_run_full (fixture->root, NULL,
                       (const char *[]) { "init", "inventory", "--database", "inv.db", NULL });
  cli_assert_status (init, 0);
  g_assert_null (strstr (init->out, "inv.db"));
  g_assert_nonnull (strstr (init->out, "script.sql.template ...  done"));
  g_assert_true (g_file_test (versions, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_get_contents (ini, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "database = inv.db"));
  g_assert_nonnull (strstr (init->out, "strata.ini ...  done"));

  again = cli_run_full (fixture->root, NULL, (const char *[]) { "init", "inventory", NULL });
  cli_assert_status (again, 1);
  g_assert_nonnull (strstr (again->err, "strata.ini"));

  revision = cli_run_full (fixture->root, NULL,
                           (const char *[]) { "-C", "inventory", "revision", "-m", "first",
                                              "--rev-id", "0123456789ab", NULL });
  cli_assert_status (revision, 0);
  heads = cli_run_full (fixture->root, NULL,
                        (const char *[]) { "-C", "inventory", "heads", NULL });
  cli_assert_status (heads, 0);
  g_assert_cmpstr (heads->out, ==, "0123456789ab (head)\n");
}

static void
test_revision (CliFixture    *fixture,
               gconstpointer  data)
{
  g_autoptr(CliResult) plain = RUN ("revision", "-m", "add widget table");
  g_autoptr(CliResult) labelled = NULL;
  g_autoptr(CliResult) heads = NULL;
  g_autoptr(CliResult) history = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  cli_assert_status (plain, 0);
  g_assert_true (g_str_has_prefix (plain->out, "Generating "));
  g_assert_true (g_str_has_suffix (plain->out, "_add_widget_table.sql ...  done\n"));

  labelled = RUN ("revision", "-m", "pricing tiers", "--head", PRICING, "--splice",
                  "--branch-label", "tiers", "--depends-on", SUPPLIER, "--rev-id", "abcdef012345");
  cli_assert_status (labelled, 0);
  path = g_build_filename (fixture->versions, "abcdef012345_pricing_tiers.sql", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Revision ID: abcdef012345"));
  g_assert_nonnull (strstr (contents, "Revises: " PRICING));
  g_assert_nonnull (strstr (contents, "Branch Labels: tiers"));
  g_assert_nonnull (strstr (contents, "Depends On: " SUPPLIER));

  heads = RUN ("heads");
  cli_assert_status (heads, 0);
  g_assert_cmpuint (g_strv_length (heads->lines), ==, 2);
  g_assert_true (cli_result_has_line (heads, "abcdef012345 (pricing, tiers) (head)"));

  history = RUN ("history", "-r", PRICING ":abcdef012345");
  cli_assert_status (history, 0);
  g_assert_true (cli_result_has_line (history,
                                      PRICING " (" SUPPLIER ") -> abcdef012345 (pricing, tiers) "
                                      "(head), "
                                      "pricing tiers"));
}

static void
test_merge (CliFixture    *fixture,
            gconstpointer  data)
{
  g_autoptr(CliResult) branch = RUN ("revision", "-m", "audit log", "--head", MOVE, "--splice",
                                     "--rev-id", "a0d170000001");
  g_autoptr(CliResult) merge = NULL;
  g_autoptr(CliResult) heads = NULL;
  g_autoptr(CliResult) show = NULL;

  cli_assert_status (branch, 0);
  merge = RUN ("merge", "-m", "merge audit", "heads");
  cli_assert_status (merge, 0);
  heads = RUN ("heads", "--verbose");
  cli_assert_status (heads, 0);
  g_assert_true (g_str_has_prefix (heads->out, "Rev: "));
  g_assert_nonnull (strstr (heads->out, " (head) (mergepoint)\nMerges: "));
  g_assert_nonnull (strstr (heads->out, "a0d170000001"));
  g_assert_nonnull (strstr (heads->out, MERGE));
}

static void
test_edit (CliFixture    *fixture,
           gconstpointer  data)
{
  const char *editor = "VISUAL=sh -c 'echo \"-- edited by the test\" >> \"$1\"' editor";
  const char *env[] = { editor, "EDITOR=false", NULL };
  const char *argv[] = { "-C", fixture->project, "edit", "27c6", NULL };
  const char *unknown[] = { "-C", fixture->project, "edit", "ffff0000", NULL };
  g_autofree char *path = g_build_filename (fixture->versions,
                                            QUANTITY "_add_quantity_column.sql", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CliResult) result = cli_run_full (fixture->root, env, argv);
  g_autoptr(CliResult) missing = cli_run_full (fixture->root, env, unknown);

  cli_assert_status (result, 0);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "-- edited by the test\n"));
  cli_assert_status (missing, 1);
}

/* Running migrations -------------------------------------------------------- */

static void
test_upgrade_head (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) result = RUN ("upgrade", "head");
  g_autoptr(CliResult) again = NULL;
  g_autofree char *parts = NULL;
  g_autofree char *view = NULL;

  cli_assert_status (result, 0);
  g_assert_cmpuint (g_strv_length (result->lines), ==, 9);
  g_assert_cmpstr (result->lines[0], ==,
                   "Running upgrade  -> " PART ", Create maker-hub parts table");
  g_assert_true (cli_result_has_line (result,
                                      "Running upgrade " PART " -> " SEED ", Seed starter parts"));
  g_assert_cmpstr (result->lines[8], ==,
                   "Running upgrade " PRICING ", " STORAGE " -> " MERGE
                   ", Merge pricing and storage");
  assert_version (fixture, MERGE "\n");

  parts = cli_db_query (fixture->database, "SELECT count(*), count(supplier_id) FROM part");
  g_assert_cmpstr (parts, ==, "8|8\n");
  view = cli_db_query (fixture->database, "SELECT count(*) FROM part_stock");
  g_assert_cmpstr (view, ==, "8\n");

  /* Nothing to do is not an error, and prints nothing. */
  again = RUN ("upgrade", "head");
  cli_assert_status (again, 0);
  g_assert_cmpstr (again->out, ==, "");
}

static void
test_relative (CliFixture    *fixture,
               gconstpointer  data)
{
  g_autoptr(CliResult) down = NULL;
  g_autofree char *tables = NULL;

  upgrade_to (fixture, "+2");
  assert_version (fixture, SEED "\n");
  upgrade_to (fixture, "3cb9");
  assert_version (fixture, INDEX "\n");

  down = RUN ("downgrade", "-1");
  cli_assert_status (down, 0);
  g_assert_cmpstr (down->out, ==,
                   "Running downgrade " INDEX " -> " QUANTITY
                   ", Index parts by manufacturer part number\n");
  assert_version (fixture, QUANTITY "\n");

  g_clear_pointer (&down, cli_result_free);
  down = RUN ("downgrade", "base");
  cli_assert_status (down, 0);
  g_assert_cmpuint (g_strv_length (down->lines), ==, 3);
  assert_version (fixture, "");
  tables = cli_db_query (fixture->database,
                         "SELECT name FROM sqlite_master WHERE name = 'part'");
  g_assert_cmpstr (tables, ==, "");
}

static void
test_branches_heads_downgrade (CliFixture    *fixture,
                               gconstpointer  data)
{
  g_autoptr(CliResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  upgrade_to (fixture, PRICING);
  upgrade_to (fixture, STORAGE);
  assert_version (fixture, PRICING "\n" STORAGE "\n");

  before = cli_file_digest (fixture->database);
  result = RUN ("downgrade", "-1");
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, PRICING));
  g_assert_nonnull (strstr (result->err, STORAGE));
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);

  /* Naming the branch makes it unambiguous. */
  g_clear_pointer (&result, cli_result_free);
  result = RUN ("downgrade", "storage@-1");
  cli_assert_status (result, 0);
  assert_version (fixture, PRICING "\n");
}

static void
test_upgrade_multiple_heads (CliFixture    *fixture,
                             gconstpointer  data)
{
  g_autoptr(CliResult) base = RUN ("revision", "-m", "audit", "--head", "base",
                                   "--branch-label", "audit");
  g_autoptr(CliResult) result = NULL;

  cli_assert_status (base, 0);
  result = RUN ("upgrade", "head");
  cli_assert_status (result, 1);
  g_assert_nonnull (strstr (result->err, "Multiple head revisions are present"));
  g_assert_nonnull (strstr (result->err, "'heads'"));
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  g_clear_pointer (&result, cli_result_free);
  result = RUN ("upgrade", "heads");
  cli_assert_status (result, 0);
  g_assert_cmpuint (g_strv_length (result->lines), ==, 10);
}

static void
test_stamp (CliFixture    *fixture,
            gconstpointer  data)
{
  g_autoptr(CliResult) result = RUN ("stamp", "head");
  g_autofree char *tables = NULL;

  cli_assert_status (result, 0);
  assert_version (fixture, MERGE "\n");
  tables = cli_db_query (fixture->database,
                         "SELECT count(*) FROM sqlite_master WHERE name = 'part'");
  g_assert_cmpstr (tables, ==, "0\n");

  g_clear_pointer (&result, cli_result_free);
  result = RUN ("stamp", "--purge", QUANTITY);
  cli_assert_status (result, 0);
  assert_version (fixture, QUANTITY "\n");

  g_clear_pointer (&result, cli_result_free);
  result = RUN ("stamp", "base");
  cli_assert_status (result, 0);
  assert_version (fixture, "");
}

/* Reading ------------------------------------------------------------------- */

static void
test_current (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(CliResult) empty = RUN ("current");
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) verbose = NULL;

  cli_assert_status (empty, 0);
  g_assert_cmpstr (empty->out, ==, "");
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  upgrade_to (fixture, "head");
  current = RUN ("current");
  cli_assert_status (current, 0);
  g_assert_cmpstr (current->out, ==, MERGE " (head) (mergepoint)\n");

  verbose = RUN ("current", "--verbose");
  cli_assert_status (verbose, 0);
  g_assert_true (g_str_has_prefix (verbose->out, "Current revision(s) for "));
  g_assert_true (cli_result_has_line (verbose, "Rev: " MERGE " (head) (mergepoint)"));
  g_assert_true (cli_result_has_line (verbose, "Merges: " PRICING ", " STORAGE));
}

static void
test_history (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(CliResult) all = RUN ("history");
  g_autoptr(CliResult) range = RUN ("history", "-r", QUANTITY ":" INDEX);
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) from_current = NULL;

  cli_assert_status (all, 0);
  g_assert_cmpuint (g_strv_length (all->lines), ==, 9);
  g_assert_cmpstr (all->lines[0], ==,
                   PRICING ", " STORAGE " -> " MERGE " (pricing, storage) (head) (mergepoint), "
                   "Merge pricing and storage");
  g_assert_true (cli_result_has_line (all, SUPPLIER " -> " MOVE
                                      " (branchpoint), Move manufacturers to suppliers"));
  g_assert_true (cli_result_has_line (all, MOVE " -> " PRICING
                                      " (pricing), Add part price table"));
  g_assert_cmpstr (all->lines[8], ==, "<base> -> " PART ", Create maker-hub parts table");

  cli_assert_status (range, 0);
  g_assert_cmpuint (g_strv_length (range->lines), ==, 2);

  upgrade_to (fixture, INDEX);
  current = RUN ("history", "--indicate-current");
  cli_assert_status (current, 0);
  g_assert_true (cli_result_has_line (current, QUANTITY " -> " INDEX
                                      " (current), Index parts by manufacturer part number"));

  from_current = RUN ("history", "-r", "current:");
  cli_assert_status (from_current, 0);
  g_assert_cmpuint (g_strv_length (from_current->lines), ==, 6);
}

static void
test_heads_branches_show (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(CliResult) heads = RUN ("heads");
  g_autoptr(CliResult) branches = RUN ("branches");
  g_autoptr(CliResult) show = RUN ("show", "4d0e");
  g_autoptr(CliResult) label = RUN ("show", "pricing");
  g_autoptr(CliResult) unknown = RUN ("show", "ffff0000");
  g_autofree char *path = g_build_filename (fixture->versions,
                                            SUPPLIER "_add_supplier_table.sql", NULL);
  g_autofree char *path_line = g_strdup_printf ("Path: %s", path);

  cli_assert_status (heads, 0);
  g_assert_cmpstr (heads->out, ==, MERGE " (pricing, storage) (head)\n");

  cli_assert_status (branches, 0);
  g_assert_cmpstr (branches->out, ==,
                   MOVE " (branchpoint)\n"
                   "             -> " PRICING " (pricing)\n"
                   "             -> " STORAGE " (storage)\n\n");

  cli_assert_status (show, 0);
  g_assert_cmpstr (show->lines[0], ==, "Rev: " SUPPLIER);
  g_assert_cmpstr (show->lines[1], ==, "Parent: " INDEX);
  g_assert_true (cli_result_has_line (show, path_line));
  g_assert_true (cli_result_has_line (show, "    Add supplier table"));

  cli_assert_status (label, 0);
  g_assert_cmpstr (label->lines[0], ==, "Rev: " PRICING);
  g_assert_true (cli_result_has_line (label, "Branch names: pricing"));

  cli_assert_status (unknown, 1);
  g_assert_nonnull (strstr (unknown->err, "ffff0000"));
}

static void
test_check (CliFixture    *fixture,
            gconstpointer  data)
{
  g_autoptr(CliResult) pending = RUN ("check");
  g_autoptr(CliResult) clean = NULL;
  g_autoptr(CliResult) edited = NULL;
  g_autofree char *path = g_build_filename (fixture->versions,
                                            QUANTITY "_add_quantity_column.sql", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_auto(GStrv) parts = NULL;

  cli_assert_status (pending, 1);
  g_assert_nonnull (strstr (pending->err, "New upgrade operations detected"));
  g_assert_true (cli_result_has_line (pending, "Pending: " PART " -> " SEED
                                      ", Seed starter parts"));

  upgrade_to (fixture, "head");
  clean = RUN ("check");
  cli_assert_status (clean, 0);
  g_assert_cmpstr (clean->out, ==, "No new upgrade operations detected.\n");

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  parts = g_strsplit (contents, "DEFAULT 0", -1);
  changed = g_strjoinv ("DEFAULT 1", parts);
  g_assert_true (g_file_set_contents (path, changed, -1, NULL));
  edited = RUN ("check");
  cli_assert_status (edited, 1);
  g_assert_nonnull (strstr (edited->out, "Edited after it was applied: " QUANTITY));
  g_assert_nonnull (strstr (edited->err, "edited"));
}

/* Offline SQL ----------------------------------------------------------------- */

static void
test_sql_offline (CliFixture    *fixture,
                  gconstpointer  data)
{
  g_autoptr(CliResult) all = RUN ("upgrade", "--sql", "head");
  g_autoptr(CliResult) range = RUN ("upgrade", "--sql", "base:" INDEX);
  g_autoptr(CliResult) rest = NULL;
  g_autoptr(CliResult) down = NULL;
  g_autoptr(CliResult) stamp = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  cli_assert_status (all, 0);
  /* Without -bail, sqlite3 would run on past a failing statement to COMMIT. */
  g_assert_true (g_str_has_prefix (all->out, "-- "));
  g_assert_nonnull (strstr (all->out, "sqlite3 -bail"));
  g_assert_nonnull (strstr (all->out, "CREATE TABLE part ("));
  g_assert_nonnull (strstr (all->out, "alembic_version"));
  g_assert_nonnull (strstr (all->out, "INSERT INTO"));
  g_assert_nonnull (strstr (all->out, MERGE));
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  cli_assert_status (range, 0);
  g_assert_nonnull (strstr (range->out, INDEX));
  g_assert_null (strstr (range->out, "CREATE TABLE supplier"));

  upgrade_to (fixture, INDEX);
  before = cli_file_digest (fixture->database);
  rest = RUN ("upgrade", "--sql", "head");
  down = RUN ("downgrade", "--sql", MERGE ":base");
  stamp = RUN ("stamp", "--sql", "head");
  after = cli_file_digest (fixture->database);
  g_assert_cmpstr (before, ==, after);

  cli_assert_status (rest, 0);
  g_assert_null (strstr (rest->out, "CREATE TABLE part ("));
  g_assert_nonnull (strstr (rest->out, "CREATE TABLE supplier"));
  g_assert_nonnull (strstr (rest->out, "UPDATE"));

  cli_assert_status (down, 0);
  g_assert_nonnull (strstr (down->out, "DROP TABLE part;"));
  g_assert_nonnull (strstr (down->out, "DELETE FROM"));

  cli_assert_status (stamp, 0);
  g_assert_nonnull (strstr (stamp->out, MERGE));
  g_assert_null (strstr (stamp->out, "CREATE TABLE supplier"));
  assert_version (fixture, INDEX "\n");
}

/* JSON ----------------------------------------------------------------------- */

static JsonArray *
member_array (JsonNode   *root,
              const char *name)
{
  JsonObject *object = json_node_get_object (root);

  g_assert_true (json_object_has_member (object, name));
  return json_object_get_array_member (object, name);
}

static void
test_json (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autoptr(CliResult) heads = RUN ("--json", "heads");
  g_autoptr(CliResult) history = NULL;
  g_autoptr(CliResult) current = NULL;
  g_autoptr(CliResult) branches = NULL;
  g_autoptr(CliResult) show = NULL;
  g_autoptr(CliResult) check = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *array;

  cli_assert_status (heads, 0);
  root = parse_json (heads);
  object = json_array_get_object_element (member_array (root, "heads"), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "revision"), ==, MERGE);
  g_assert_true (json_object_get_boolean_member (object, "is_head"));
  g_assert_true (json_object_get_boolean_member (object, "is_merge_point"));
  array = json_object_get_array_member (object, "down_revisions");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_clear_pointer (&root, json_node_unref);

  history = RUN ("history", "--json");
  cli_assert_status (history, 0);
  root = parse_json (history);
  g_assert_cmpuint (json_array_get_length (member_array (root, "revisions")), ==, 9);
  object = json_array_get_object_element (member_array (root, "revisions"), 8);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==,
                   "Create maker-hub parts table");
  g_clear_pointer (&root, json_node_unref);

  upgrade_to (fixture, INDEX);
  current = RUN ("--json", "current");
  cli_assert_status (current, 0);
  root = parse_json (current);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "database"), ==,
                   fixture->database);
  object = json_array_get_object_element (member_array (root, "current"), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "revision"), ==, INDEX);
  g_clear_pointer (&root, json_node_unref);

  branches = RUN ("--json", "branches");
  cli_assert_status (branches, 0);
  root = parse_json (branches);
  object = json_array_get_object_element (member_array (root, "branch_points"), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "revision"), ==, MOVE);
  array = json_object_get_array_member (object, "next_revisions");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_clear_pointer (&root, json_node_unref);

  show = RUN ("--json", "show", "27c6");
  cli_assert_status (show, 0);
  root = parse_json (show);
  object = json_array_get_object_element (member_array (root, "revisions"), 0);
  g_assert_nonnull (strstr (json_object_get_string_member (object, "upgrade_sql"),
                            "ADD COLUMN quantity"));
  g_clear_pointer (&root, json_node_unref);

  check = RUN ("--json", "check");
  cli_assert_status (check, 1);
  root = parse_json (check);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "up_to_date"));
  g_assert_cmpuint (json_array_get_length (member_array (root, "pending")), ==, 5);
  g_assert_cmpuint (json_array_get_length (member_array (root, "edited")), ==, 0);
}

/* Finding the project and the database -------------------------------------- */

static void
test_discover (CliFixture    *fixture,
               gconstpointer  data)
{
  const char *argv[] = { "heads", NULL };
  g_autoptr(CliResult) inside = cli_run_full (fixture->versions, NULL, argv);
  g_autoptr(CliResult) outside = cli_run_full (fixture->root, NULL, argv);

  cli_assert_status (inside, 0);
  g_assert_cmpstr (inside->out, ==, MERGE " (pricing, storage) (head)\n");
  cli_assert_status (outside, 1);
  g_assert_nonnull (strstr (outside->err, "strata.ini"));
}

static void
test_database_overrides (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *env_db = g_build_filename (fixture->root, "from-env.db", NULL);
  g_autofree char *opt_db = g_build_filename (fixture->root, "from-option.db", NULL);
  g_autofree char *env_setting = g_strconcat ("STRATA_DATABASE=", env_db, NULL);
  const char *env[] = { env_setting, NULL };
  const char *upgrade[] = { "-C", fixture->project, "upgrade", "+1", NULL };
  const char *upgrade_opt[] = { "-C", fixture->project, "--database", opt_db,
                                "upgrade", "+2", NULL };
  g_autoptr(CliResult) by_env = cli_run_full (fixture->root, env, upgrade);
  g_autoptr(CliResult) by_option = cli_run_full (fixture->root, env, upgrade_opt);
  g_autofree char *env_rows = NULL;
  g_autofree char *opt_rows = NULL;

  cli_assert_status (by_env, 0);
  cli_assert_status (by_option, 0);
  env_rows = cli_db_query (env_db, "SELECT version_num FROM alembic_version");
  opt_rows = cli_db_query (opt_db, "SELECT version_num FROM alembic_version");
  g_assert_cmpstr (env_rows, ==, PART "\n");
  g_assert_cmpstr (opt_rows, ==, SEED "\n");
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
}

/* Cancelling ------------------------------------------------------------------ */

static const char slow_revision[] =
  "-- Count to a billion\n"
  "--\n"
  "-- Revision ID: 9d7f4b1c2e36\n"
  "-- Revises: " MERGE "\n"
  "-- Create Date: 2021-10-01 00:00:00.000000\n"
  "\n"
  "-- migrate:upgrade\n"
  "CREATE TABLE slow_marker (n INTEGER);\n"
  "INSERT INTO slow_marker\n"
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)\n"
  "SELECT count(*) FROM c;\n"
  "\n"
  "-- migrate:downgrade\n"
  "DROP TABLE slow_marker;\n";

static void
test_cancel (CliFixture    *fixture,
             gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *path = cli_write_revision (fixture, "9d7f4b1c2e36_count.sql", slow_revision);

  upgrade_to (fixture, MERGE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  subprocess = g_subprocess_launcher_spawn (launcher, &error, cli_test_get_binary (),
                                            "-C", fixture->project, "upgrade", "head", NULL);
  g_assert_no_error (error);
  /* Long enough to be inside the counting statement, far from its end. */
  g_usleep (G_USEC_PER_SEC);
  g_subprocess_send_signal (subprocess, SIGINT);
  g_subprocess_communicate_utf8 (subprocess, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (subprocess), ==, 1);
  g_assert_cmpstr (err, ==, "strata-cli: cancelled; the database stays at " MERGE "\n");
  assert_version (fixture, MERGE "\n");
  marker = cli_db_query (fixture->database,
                         "SELECT count(*) FROM sqlite_master WHERE name = 'slow_marker'");
  g_assert_cmpstr (marker, ==, "0\n");
}

/* On a terminal a progress line is rewritten in place; piped, plain lines. */
static void
test_progress (CliFixture    *fixture,
               gconstpointer  data)
{
  g_autofree char *script = g_find_program_in_path ("script");
  g_autofree char *command = NULL;
  g_autoptr(CliResult) terminal = NULL;
  g_autoptr(CliResult) piped = NULL;

  if (script == NULL)
    {
      g_test_skip ("no script(1) to give strata-cli a terminal (util-linux)");
      return;
    }

  /* A commit per step: grouped, the five small steps take a millisecond
   * and the coalesced progress may never show the first one. */
  command = g_strdup_printf ("STRATA_GROUP_COMMIT_MS=0 '%s' -C '%s' upgrade " SUPPLIER,
                             cli_test_get_binary (), fixture->project);
  terminal = cli_run_program (fixture->root,
                              (const char *[]) { script, "-qec", command, "/dev/null", NULL });
  cli_assert_status (terminal, 0);
  g_assert_nonnull (strstr (terminal->out, "\r\033[K[  0%] Applying 1 of 5: "
                                           "Create maker-hub parts table"));
  g_assert_nonnull (strstr (terminal->out, "Running upgrade " INDEX " -> " SUPPLIER));

  piped = RUN ("downgrade", "base");
  cli_assert_status (piped, 0);
  g_assert_null (strchr (piped->out, '\r'));
  g_assert_cmpstr (piped->err, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/usage/errors", test_usage_errors);
  ADD ("/cli/usage/help", test_help);
  ADD ("/cli/init", test_init);
  ADD ("/cli/revision", test_revision);
  ADD ("/cli/merge", test_merge);
  ADD ("/cli/edit", test_edit);
  ADD ("/cli/upgrade/head", test_upgrade_head);
  ADD ("/cli/upgrade/relative", test_relative);
  ADD ("/cli/upgrade/multiple-heads", test_upgrade_multiple_heads);
  ADD ("/cli/downgrade/multiple-heads", test_branches_heads_downgrade);
  ADD ("/cli/stamp", test_stamp);
  ADD ("/cli/current", test_current);
  ADD ("/cli/history", test_history);
  ADD ("/cli/heads-branches-show", test_heads_branches_show);
  ADD ("/cli/check", test_check);
  ADD ("/cli/sql", test_sql_offline);
  ADD ("/cli/json", test_json);
  ADD ("/cli/discover", test_discover);
  ADD ("/cli/database-overrides", test_database_overrides);
  ADD ("/cli/cancel", test_cancel);
  ADD ("/cli/progress", test_progress);

  return g_test_run ();
}
