/* kill-helper.c: upgrades a project to head, for test-kill to kill -9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <strata.h>

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
      strata_migration_run (migration, NULL, &error);
    }
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
