/* kill-helper.c: upgrades a project to head, for test-kill to kill -9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <strata.h>

/* One line per committed step, so a test can kill at a chosen point of the
 * run instead of guessing from timings that a loaded machine stretches. */
static void
step_finished_cb (StrataMigration *migration,
                  StrataStep      *step,
                  gpointer         user_data)
{
  fputs ("committed\n", stdout);
  fflush (stdout);
}

/* test-kill sets STRATA_GROUP_COMMIT_MS for the helpers it kills: a few
 * milliseconds, so that a short run has many commits to kill around. The
 * core reads no environment, so the helper passes it on as strata-cli does. */
static void
set_group_commit (StrataMigration *migration)
{
  const char *env = g_getenv ("STRATA_GROUP_COMMIT_MS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXINT, &value, NULL))
    strata_migration_set_group_commit_ms (migration, (guint)value);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s PROJECT-DIR\n", argv[0]);
      return 2;
    }

  directory = g_file_new_for_commandline_arg (argv[1]);
  if ((project = strata_project_new (directory, &error)))
    {
      migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
      set_group_commit (migration);
      g_signal_connect (migration, "step-finished", G_CALLBACK (step_finished_cb), NULL);
      strata_migration_run (migration, NULL, &error);
    }
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
