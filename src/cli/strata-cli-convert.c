/* strata-cli-convert.c: init NEWDIR --from-alembic PATH
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static void
say_written (StrataCli               *cli,
             StrataAlembicConversion *conversion)
{
  GPtrArray *revisions = strata_alembic_conversion_get_revisions (conversion);

  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);

      strata_cli_say (cli, _("Writing %s ...  done\n"),
                      g_file_peek_path (strata_revision_get_file (revision)));
    }
}

/* Each revision left to finish, with the reason, on stderr: they need the
 * user's attention even when stdout goes to a file. */
static guint
report_unfinished (StrataAlembicConversion *conversion)
{
  const char * const *unfinished = strata_alembic_conversion_get_unfinished (conversion);
  guint n = g_strv_length ((char **)unfinished);

  if (n == 0)
    return 0;
  g_printerr (g_dngettext (NULL,
                           "strata-cli: %u revision is left for you to finish: Alembic could "
                           "not render it offline; its Python is kept as a comment, and a "
                           "run stops at it until its SQL is written:\n",
                           "strata-cli: %u revisions are left for you to finish: Alembic could "
                           "not render them offline; their Python is kept as a comment, and a "
                           "run stops at each until its SQL is written:\n", n), n);
  for (guint i = 0; i < n; i++)
    g_printerr ("  %s: %s\n", unfinished[i],
                strata_alembic_conversion_get_reason (conversion, unfinished[i]));
  return n;
}

int
strata_cli_convert (StrataCli *cli)
{
  g_autoptr(StrataAlembicConversion) conversion = NULL;
  g_autoptr(GFile) source = g_file_new_for_commandline_arg (cli->from_alembic);
  g_autoptr(GFile) directory = g_file_new_for_commandline_arg (cli->args[0]);
  g_autoptr(GError) error = NULL;
  const char * const *notes;
  StrataProject *project;
  guint unfinished;

  if (cli->init_database != NULL)
    return strata_cli_verb_usage_error ("init", _("--database and --from-alembic do not go "
                                                  "together: the database comes from "
                                                  "sqlalchemy.url; change strata.ini after"));
  conversion = strata_alembic_conversion_new (source, directory);
  if (cli->python != NULL)
    strata_alembic_conversion_set_python (conversion, cli->python);
  if (!strata_alembic_conversion_run (conversion, NULL, &error))
    return strata_cli_fail (error);

  project = strata_alembic_conversion_get_project (conversion);
  say_written (cli, conversion);
  notes = strata_alembic_conversion_get_notes (conversion);
  for (guint i = 0; notes[i] != NULL; i++)
    g_printerr (_("strata-cli: note: %s\n"), notes[i]);
  unfinished = report_unfinished (conversion);
  strata_cli_say (cli, _("Converted %u revisions into %s; its database is %s.\n"),
                  strata_alembic_conversion_get_revisions (conversion)->len,
                  g_file_peek_path (strata_project_get_directory (project)),
                  g_file_peek_path (strata_project_get_database_file (project)));

  return unfinished > 0 && cli->strict ? STRATA_CLI_EXIT_ERROR : STRATA_CLI_EXIT_OK;
}
