/* test-cli-habits.c: what Alembic users type, and what they are told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The option forms argparse accepts, the global options after the verb,
 * "did you mean", -q, and `current` listing what a dependency makes current.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "cli-test.h"

#define RUN(...) cli_run (fixture, __VA_ARGS__, NULL)

#define PART     "1975ea83b712"
#define SEED     "ae1027a6acf4"
#define MERGE    "8c6e3a0f1b25"

static void
test_option_forms (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) up = RUN ("upgrade", "head");
  g_autoptr(CliResult) apart = RUN ("history", "-r", "1975ea:ae1027");
  g_autoptr(CliResult) attached = RUN ("history", "-r1975ea:ae1027");
  g_autoptr(CliResult) equals = RUN ("history", "--rev-range=1975ea:ae1027");
  g_autoptr(CliResult) relative = RUN ("history", "-r-2:current");
  g_autoptr(CliResult) relative_apart = RUN ("history", "-r", "-2:current");
  g_autoptr(CliResult) message = RUN ("revision", "-mquick note", "--rev-id", "abcdef999999");
  g_autoptr(CliResult) prefix = RUN ("upgrade", "--sq", "head");
  g_autoptr(CliResult) autogen = RUN ("revision", "--autogen", "--help");

  cli_assert_status (up, 0);
  cli_assert_status (apart, 0);
  g_assert_cmpuint (g_strv_length (apart->lines), ==, 2);
  cli_assert_status (attached, 0);
  g_assert_cmpstr (attached->out, ==, apart->out);
  cli_assert_status (equals, 0);
  g_assert_cmpstr (equals->out, ==, apart->out);

  /* A relative revision attached to -r is the option's value, not an option;
   * the core judges it (here: a merge below, so "-2" is ambiguous). */
  g_assert_cmpint (relative->status, ==, relative_apart->status);
  g_assert_cmpstr (relative->out, ==, relative_apart->out);
  g_assert_cmpstr (relative->err, ==, relative_apart->err);
  g_assert_null (strstr (relative->err, "unknown option"));

  cli_assert_status (message, 0);
  g_assert_nonnull (strstr (message->out, "abcdef999999_quick_note.sql"));

  /* A unique prefix names the option, as argparse allows, --autogenerate too. */
  cli_assert_status (autogen, 0);
  g_assert_nonnull (strstr (autogen->out, "--rename"));
  cli_assert_status (prefix, 0);
  g_assert_true (g_str_has_prefix (prefix->out, "-- "));
}

static void
test_global_after_verb (CliFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->root, "other.db", NULL);
  g_autoptr(CliResult) up = RUN ("upgrade", "head", "--database", other);
  g_autoptr(CliResult) check = RUN ("check", "--database", other);
  g_autoptr(CliResult) json = RUN ("heads", "--json");
  g_autoptr(CliResult) quiet = NULL;

  cli_assert_status (up, 0);
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
  cli_assert_status (check, 0);
  cli_assert_status (json, 0);
  g_assert_true (g_str_has_prefix (json->out, "{"));
  /* -q: nothing but errors. */
  quiet = RUN ("upgrade", "-q", "head");
  cli_assert_status (quiet, 0);
  g_assert_cmpstr (quiet->out, ==, "");
  g_assert_cmpstr (quiet->err, ==, "");
  g_assert_true (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
}

static void
test_did_you_mean (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) command = RUN ("upgarde", "head");
  g_autoptr(CliResult) option = RUN ("history", "--indicate-curent");
  g_autoptr(CliResult) missing = RUN ("upgrade");
  g_autoptr(CliResult) branch = RUN ("upgrade", "pricng@head");

  cli_assert_status (command, 2);
  g_assert_nonnull (strstr (command->err, "did you mean “upgrade”?"));
  cli_assert_status (option, 2);
  g_assert_nonnull (strstr (option->err, "did you mean “--indicate-current”?"));
  g_assert_nonnull (strstr (option->err, "strata-cli history --help"));
  cli_assert_status (missing, 2);
  g_assert_nonnull (strstr (missing->err, "strata-cli upgrade --help"));
  cli_assert_status (branch, 1);
  g_assert_nonnull (strstr (branch->err, "did you mean “pricing@head”?"));
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
}

/* The argument "\x01" + "0" made the old parser index a table unchecked. */
static void
test_control_bytes (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(CliResult) show = RUN ("show", "\001" "0");
  g_autoptr(CliResult) option = RUN ("show", "-\001");

  g_assert_cmpint (show->status, ==, 1);
  g_assert_cmpint (option->status, ==, 2);
}

/* A revision that the current one depends on is current too: Alembic lists
 * it, "(effective head)" when nothing revises it. */
static void
test_current_implied (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(CliResult) side = RUN ("revision", "-m", "side", "--head", "base",
                                   "--branch-label", "side", "--depends-on", MERGE,
                                   "--rev-id", "51de00000001");
  g_autoptr(CliResult) up = NULL;
  g_autoptr(CliResult) current = NULL;

  cli_assert_status (side, 0);
  up = RUN ("upgrade", "side@head");
  cli_assert_status (up, 0);
  current = RUN ("current");
  cli_assert_status (current, 0);
  g_assert_cmpuint (g_strv_length (current->lines), ==, 2);
  g_assert_cmpstr (current->lines[0], ==, "51de00000001 (head)");
  g_assert_cmpstr (current->lines[1], ==, MERGE " (effective head) (mergepoint)");
}

#define PRICING  "6a4c1e8d9f03"
#define STORAGE  "7b5d2f9e0a14"
#define MOVE     "5e2f7a9c3b81"

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
test_stamp_several (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(CliResult) typo = RUN ("stamp", PRICING, "nosuchrev");
  g_autoptr(CliResult) both = NULL;
  g_autofree char *rows = NULL;

  /* Every target is resolved before anything is written. */
  cli_assert_status (typo, 1);
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  both = RUN ("stamp", PRICING, STORAGE);
  cli_assert_status (both, 0);
  rows = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version ORDER BY 1");
  g_assert_cmpstr (rows, ==, PRICING "\n" STORAGE "\n");
}

static void
test_merge_like_alembic (CliFixture    *fixture,
                         gconstpointer  data)
{
  guint before = count_files (fixture->versions);
  g_autoptr(CliResult) not_head = RUN ("merge", "-m", "x", PRICING, MOVE);
  g_autoptr(CliResult) splice = NULL;
  g_autoptr(CliResult) merge = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  cli_assert_status (not_head, 1);
  g_assert_nonnull (strstr (not_head->err, "please specify --splice"));
  g_assert_cmpuint (count_files (fixture->versions), ==, before);

  splice = RUN ("revision", "-m", "side", "--head", MOVE, "--splice", "--rev-id", "aaaa11112222");
  cli_assert_status (splice, 0);
  merge = RUN ("merge", "-m", "join", "heads", "--rev-id", "bbbb11112222",
               "--branch-label", "joined");
  cli_assert_status (merge, 0);
  path = g_build_filename (fixture->versions, "bbbb11112222_join.sql", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Revises: 8c6e3a0f1b25, aaaa11112222"));
  g_assert_nonnull (strstr (contents, "Branch Labels: joined"));
}

static void
test_rev_id_checked_first (CliFixture    *fixture,
                           gconstpointer  data)
{
  const char *bad[] = { "ab-cd", "heads", "a@b", "", "0123456789abcdef0123456789abcdef0" };
  guint before = count_files (fixture->versions);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CliResult) revision = RUN ("revision", "-m", "x", "--rev-id", bad[i]);
      g_autoptr(CliResult) merge = RUN ("merge", "-m", "x", "heads", "--rev-id", bad[i]);

      cli_assert_status (revision, 2);
      g_assert_nonnull (strstr (revision->err, "1 to 32 letters, digits or underscores"));
      cli_assert_status (merge, 2);
    }

  g_assert_cmpuint (count_files (fixture->versions), ==, before);
}

static void
test_heads_resolve_dependencies (CliFixture    *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CliResult) side = RUN ("revision", "-m", "side", "--head", "base",
                                   "--branch-label", "side", "--depends-on", MERGE,
                                   "--rev-id", "51de00000001");
  g_autoptr(CliResult) heads = RUN ("heads");
  g_autoptr(CliResult) resolved = RUN ("heads", "--resolve-dependencies");

  cli_assert_status (side, 0);
  cli_assert_status (heads, 0);
  g_assert_cmpuint (g_strv_length (heads->lines), ==, 2);
  cli_assert_status (resolved, 0);
  g_assert_cmpuint (g_strv_length (resolved->lines), ==, 1);
  g_assert_cmpstr (resolved->lines[0], ==, "51de00000001 (side) (head)");
}

static void
test_ensure_version (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autoptr(CliResult) first = RUN ("ensure_version");
  g_autoptr(CliResult) again = NULL;
  g_autofree char *tables = NULL;

  cli_assert_status (first, 0);
  tables = cli_db_query (fixture->database, "SELECT name FROM sqlite_master WHERE type = 'table'");
  g_assert_cmpstr (tables, ==, "alembic_version\n");
  again = RUN ("ensure_version");
  cli_assert_status (again, 0);
}

/* Alembic's terse target errors get a line that says where the database
 * is and what to run. */
static void
test_target_errors_explained (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autoptr(CliResult) up = RUN ("upgrade", "head");
  g_autoptr(CliResult) beyond = RUN ("upgrade", "+1");
  g_autoptr(CliResult) down = NULL;
  g_autoptr(CliResult) forward = NULL;

  cli_assert_status (up, 0);
  cli_assert_status (beyond, 1);
  g_assert_nonnull (strstr (beyond->err, fixture->database));
  g_assert_nonnull (strstr (beyond->err, "strata-cli history -r current:"));

  down = RUN ("downgrade", PRICING);
  cli_assert_status (down, 0);
  forward = RUN ("downgrade", MERGE);
  cli_assert_status (forward, 1);
  g_assert_nonnull (strstr (forward->err, fixture->database));
  g_assert_nonnull (strstr (forward->err, "strata-cli upgrade " MERGE));
}

static void
assert_absolute_paths (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_absolute_paths (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);
          const char *names[] = { "database", "folder", "path", "file" };

          for (guint i = 0; i < G_N_ELEMENTS (names); i++)
            if (g_str_equal (l->data, names[i]) && JSON_NODE_HOLDS_VALUE (member))
              g_assert_true (g_path_is_absolute (json_node_get_string (member)));
          assert_absolute_paths (member);
        }
    }
}

/* Every --json document has "version" and absolute paths, so that a script
 * run from another folder can use them. */
static void
test_json_documents (CliFixture    *fixture,
                     gconstpointer  data)
{
  const char *commands[][3] = {
    { "current" }, { "history" }, { "heads" }, { "branches" }, { "show", "head" },
    { "check" }, { "rehearse" }, { "backups" },
  };
  g_autoptr(CliResult) up = RUN ("upgrade", PRICING);

  cli_assert_status (up, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CliResult) result = RUN (commands[i][0], "--json",
                                         commands[i][1] != NULL ? commands[i][1] : NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *root;

      g_assert_cmpint (result->status, <=, 1);
      json_parser_load_from_data (parser, result->out, -1, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
      assert_absolute_paths (json_parser_get_root (parser));
    }
}

/* On a terminal that says it is dumb, no progress line and no control codes. */
static void
test_dumb_terminal (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *script = g_find_program_in_path ("script");
  g_autofree char *command = NULL;
  g_autoptr(CliResult) dumb = NULL;

  if (script == NULL)
    {
      g_test_skip ("no script(1) to give strata-cli a terminal (util-linux)");
      return;
    }

  command = g_strdup_printf ("TERM=dumb STRATA_GROUP_COMMIT_MS=0 '%s' -C '%s' upgrade head",
                             cli_test_get_binary (), fixture->project);
  dumb = cli_run_program (fixture->root,
                          (const char *[]) { script, "-qec", command, "/dev/null", NULL });
  cli_assert_status (dumb, 0);
  g_assert_nonnull (strstr (dumb->out, "Running upgrade  -> " PART));
  g_assert_null (strchr (dumb->out, '\033'));
  g_assert_null (strstr (dumb->out, "Applying"));
}

/* check's lint shows how far it got on a terminal, on stderr; nothing with
 * -q, and nothing when stderr is not a terminal. */
static void
test_check_progress (CliFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *script = g_find_program_in_path ("script");
  g_autofree char *command = NULL;
  g_autofree char *quiet = NULL;
  g_autoptr(CliResult) shown = NULL;
  g_autoptr(CliResult) hidden = NULL;
  g_autoptr(CliResult) piped = NULL;

  if (script == NULL)
    {
      g_test_skip ("no script(1) to give strata-cli a terminal (util-linux)");
      return;
    }

  command = g_strdup_printf ("TERM=xterm '%s' -C '%s' check", cli_test_get_binary (),
                             fixture->project);
  quiet = g_strdup_printf ("TERM=xterm '%s' -q -C '%s' check", cli_test_get_binary (),
                           fixture->project);
  shown = cli_run_program (fixture->root,
                           (const char *[]) { script, "-qec", command, "/dev/null", NULL });
  hidden = cli_run_program (fixture->root,
                            (const char *[]) { script, "-qec", quiet, "/dev/null", NULL });
  piped = RUN ("check");
  g_assert_nonnull (strstr (shown->out, "Checking revision"));
  g_assert_null (strstr (hidden->out, "Checking revision"));
  g_assert_null (strstr (piped->err, "Checking revision"));
  g_assert_null (strchr (piped->err, '\033'));
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)

  ADD ("/cli/habits/option-forms", test_option_forms);
  ADD ("/cli/habits/global-after-verb", test_global_after_verb);
  ADD ("/cli/habits/did-you-mean", test_did_you_mean);
  ADD ("/cli/habits/control-bytes", test_control_bytes);
  ADD ("/cli/habits/current-implied", test_current_implied);
  ADD ("/cli/habits/stamp-several", test_stamp_several);
  ADD ("/cli/habits/merge", test_merge_like_alembic);
  ADD ("/cli/habits/rev-id-checked-first", test_rev_id_checked_first);
  ADD ("/cli/habits/heads-resolve-dependencies", test_heads_resolve_dependencies);
  ADD ("/cli/habits/ensure-version", test_ensure_version);
  ADD ("/cli/habits/target-errors-explained", test_target_errors_explained);
  ADD ("/cli/habits/json-documents", test_json_documents);
  ADD ("/cli/habits/dumb-terminal", test_dumb_terminal);
  ADD ("/cli/habits/check-progress", test_check_progress);

  return g_test_run ();
}
