/* test-cli-concurrent.c: many strata-cli processes at once on one database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test.h"

#define N_PROCESSES 8
#define N_ROUNDS 4

/* A section outside a transaction cannot be undone, so it must run exactly
 * once however many processes race to run it; the table "runs" counts how
 * often it did. The slow statement widens the window between the version
 * check and the section. */
static const char *revisions[][2] = {
  { "r0.sql",
    "-- Revision ID: r0\n-- Revises:\n\n-- migrate:upgrade\nCREATE TABLE base (x);\n"
    "-- migrate:downgrade\nDROP TABLE base;\n" },
  { "r1.sql",
    "-- Revision ID: r1\n-- Revises: r0\n\n-- migrate:upgrade transaction:false\n"
    "CREATE TABLE IF NOT EXISTS runs (pid INTEGER);\n"
    "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000)\n"
    "  SELECT count(*) FROM c;\n"
    "INSERT INTO runs VALUES (1);\n"
    "-- migrate:downgrade transaction:false\nDROP TABLE runs;\n" },
  { "r2.sql",
    "-- Revision ID: r2\n-- Revises: r1\n\n-- migrate:upgrade\nCREATE TABLE after (x);\n"
    "-- migrate:downgrade\nDROP TABLE after;\n" },
};

static GSubprocess *
spawn_upgrade (CliFixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "STRATA_DATABASE");
  process = g_subprocess_launcher_spawn (launcher, &error, cli_test_get_binary (), "-C",
                                         fixture->project, "upgrade", "head", NULL);
  g_assert_no_error (error);
  return process;
}

static void
test_non_transactional_once (CliFixture    *fixture,
                             gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (revisions); i++)
    {
      g_autofree char *path = g_build_filename (fixture->versions, revisions[i][0], NULL);
      g_assert_true (g_file_set_contents (path, revisions[i][1], -1, NULL));
    }
  /* Only the three revisions above. */
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->versions, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      if (!g_str_has_prefix (name, "r"))
        {
          g_autofree char *path = g_build_filename (fixture->versions, name, NULL);
          g_assert_cmpint (g_unlink (path), ==, 0);
        }
  }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      GSubprocess *processes[N_PROCESSES];
      g_autofree char *runs = NULL;
      g_autofree char *version = NULL;

      g_unlink (fixture->database);
      for (guint i = 0; i < N_PROCESSES; i++)
        processes[i] = spawn_upgrade (fixture);
      for (guint i = 0; i < N_PROCESSES; i++)
        {
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;

          g_assert_true (g_subprocess_communicate_utf8 (processes[i], NULL, NULL, &out, &err,
                                                        NULL));
          /* A loser either waited and found nothing to do, or was told that
           * another process got there first; none may fail otherwise. */
          if (g_subprocess_get_exit_status (processes[i]) != 0 &&
              strstr (err, "another process migrated") == NULL)
            g_error ("process %u: %s%s", i, out, err);
          g_object_unref (processes[i]);
        }
      runs = cli_db_query (fixture->database, "SELECT count(*) FROM runs");
      version = cli_db_query (fixture->database, "SELECT version_num FROM alembic_version");
      g_assert_cmpstr (runs, ==, "1\n");
      g_assert_cmpstr (version, ==, "r2\n");
    }
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);
  g_test_add ("/cli/concurrent/non-transactional-once", CliFixture, NULL, cli_fixture_setup,
              test_non_transactional_once, cli_fixture_teardown);
  return g_test_run ();
}
