/* fault-helper.c: one migration in a process of its own, for test-faults
 *
 * Usage: strata-fault-helper PROJECT-DIR upgrade|downgrade TARGET
 * Exit status: 0 done, 3 database busy, 4 another process moved the version
 * table first, 1 anything else; the message goes to stderr.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <strata.h>

/* test-faults sets STRATA_BUSY_TIMEOUT_MS so that some of its racing
 * helpers give up on the lock; the core reads no environment, so the helper
 * passes it on as strata-cli does. */
static void
set_busy_timeout (void)
{
  const char *env = g_getenv ("STRATA_BUSY_TIMEOUT_MS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXINT, &value, NULL))
    strata_database_set_default_busy_timeout ((guint)value);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  StrataDirection direction;

  if (argc != 4)
    {
      g_printerr ("usage: %s PROJECT-DIR upgrade|downgrade TARGET\n", argv[0]);
      return 2;
    }
  direction = g_str_equal (argv[2], "downgrade") ? STRATA_DIRECTION_DOWNGRADE
                                                 : STRATA_DIRECTION_UPGRADE;
  set_busy_timeout ();
  directory = g_file_new_for_commandline_arg (argv[1]);
  if ((project = strata_project_new (directory, &error)))
    {
      migration = strata_migration_new (project, direction, argv[3]);
      strata_migration_run (migration, NULL, &error);
    }
  if (error == NULL)
    return 0;
  g_printerr ("%s\n", error->message);
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_BUSY))
    return 3;
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CONFLICT))
    return 4;
  return 1;
}
