/* test-cli-habits.c: what Alembic users type, and what they are told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The option forms argparse accepts, the global options after the verb,
 * "did you mean", -q, and `current` listing what a dependency makes current.
 */
#include "config.h"

#include <string.h>

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

  /* A unique prefix names the option, as argparse allows. */
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

  cli_assert_status (command, 2);
  g_assert_nonnull (strstr (command->err, "did you mean “upgrade”?"));
  cli_assert_status (option, 2);
  g_assert_nonnull (strstr (option->err, "did you mean “--indicate-current”?"));
  g_assert_nonnull (strstr (option->err, "strata-cli history --help"));
  cli_assert_status (missing, 2);
  g_assert_nonnull (strstr (missing->err, "strata-cli upgrade --help"));
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

  return g_test_run ();
}
