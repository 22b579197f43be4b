/* strata-cli-autogen.c: revision --autogenerate, schema, and check's schema part
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static void
print_lines (const char         *prefix,
             const char * const *lines)
{
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    g_printerr ("%s%s\n", prefix, lines[i]);
}

int
strata_cli_revision_autogenerate (StrataCli  *cli,
                                  int         argc,
                                  char      **argv)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *rev_id = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) renames = NULL;
  gboolean autogenerate = FALSE;
  gboolean allow_drop = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "autogenerate", 0, 0, G_OPTION_ARG_NONE, &autogenerate,
      N_("Write the SQL from the difference between head and the schema file"), NULL },
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("The revision’s message"), N_("MSG") },
    { "rename", 0, 0, G_OPTION_ARG_STRING_ARRAY, &renames,
      N_("A table (old:new) or column (table.old:new) that was renamed (repeatable)"),
      N_("OLD:NEW") },
    { "allow-drop", 0, 0, G_OPTION_ARG_NONE, &allow_drop,
      N_("Drop the tables and columns schema.sql no longer has, with their data"), NULL },
    { "rev-id", 0, 0, G_OPTION_ARG_STRING, &rev_id,
      N_("The id to use instead of 12 random hex digits"), N_("ID") },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "revision", "--autogenerate",
                                 _("Create a revision from the schema file."),
                                 _("Head is built by replaying every revision in memory; the "
                                   "database is not needed. See docs/autogenerate.md.\n\n"
                                   "Example:\n  strata-cli revision --autogenerate -m \"add "
                                   "price\" --rename part.cost:price"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return strata_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (message == NULL)
    return strata_cli_usage_error (_("revision needs a message: -m MSG"));

  if (!(project = strata_cli_load_project (cli, &error)) ||
      !(graph = strata_cli_load_graph (cli, project, &error)))
    return strata_cli_fail (error);
  autogen = strata_autogen_new (project);
  strata_autogen_set_graph (autogen, graph);
  strata_autogen_set_flags (autogen, allow_drop ? STRATA_AUTOGEN_FLAGS_ALLOW_DROP
                                                : STRATA_AUTOGEN_FLAGS_NONE);
  for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
    if (!strata_autogen_add_rename (autogen, renames[i], &error))
      return strata_cli_usage_error ("%s", error->message);

  if (!strata_autogen_run (autogen, NULL, &error))
    return strata_cli_fail (error);
  if (strata_autogen_get_upgrade_sql (autogen) == NULL)
    {
      g_print (_("No changes in schema detected.\n"));
      return STRATA_CLI_EXIT_OK;
    }
  print_lines ("  ", strata_autogen_get_differences (autogen));
  print_lines (_("note: "), strata_autogen_get_notes (autogen));
  if (!(revision = strata_autogen_write_revision (autogen, graph, message, rev_id, &error)))
    return strata_cli_fail (error);
  path = g_file_get_path (strata_revision_get_file (revision));
  g_print (_("Generating %s ...  done\n"), path);
  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_schema (StrataCli  *cli,
                   int         argc,
                   char      **argv)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSchemaSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gboolean head = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "head", 0, 0, G_OPTION_ARG_NONE, &head,
      N_("Print the schema at head (every revision replayed in memory) instead of the "
         "database’s"), NULL },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "schema", NULL,
                                 _("Print the schema as normalised CREATE statements."),
                                 _("A start for schema.sql. Reads the database read-only; "
                                   "with --head, no database is needed.\n\n"
                                   "Example:\n  strata-cli schema > schema.sql"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return strata_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (!(project = strata_cli_load_project (cli, &error)))
    return strata_cli_fail (error);

  if (head)
    {
      if (!(graph = strata_cli_load_graph (cli, project, &error)) ||
          !(sql = strata_autogen_replay_head (project, graph, NULL, &error)))
        return strata_cli_fail (error);
    }
  else
    {
      if (!(database = strata_database_open (strata_project_get_database_file (project),
                                             STRATA_DATABASE_FLAGS_READ_ONLY, &error)) ||
          !(snapshot = strata_schema_snapshot_read (database, NULL, &error)))
        return strata_cli_fail (error);
      strata_schema_snapshot_exclude (snapshot, strata_project_get_version_table (project));
      strata_schema_snapshot_exclude (snapshot, "strata_history");
      sql = strata_schema_snapshot_to_sql (snapshot);
    }
  g_print ("%s", sql);
  return STRATA_CLI_EXIT_OK;
}

static gboolean
has_schema_key (StrataProject *project)
{
  g_autoptr(GFile) file = strata_autogen_get_schema_file (project, NULL);
  return file != NULL;
}

static void
print_lint (StrataRevisionGraph *graph)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (graph);

  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      g_autoptr(GPtrArray) warnings = NULL;

      if (strata_revision_get_file (revision) == NULL)
        continue;
      warnings = strata_lint_revision (revision, graph, NULL, NULL, NULL);
      for (guint w = 0; warnings != NULL && w < warnings->len; w++)
        {
          g_autofree char *text = strata_lint_warning_to_string (g_ptr_array_index (warnings, w));
          g_printerr ("%s\n", text);
        }
    }
}

gboolean
strata_cli_check_schema (StrataCli           *cli,
                         StrataProject       *project,
                         StrataRevisionGraph *graph)
{
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *differences;

  print_lint (graph);
  if (!has_schema_key (project))
    return TRUE;

  autogen = strata_autogen_new (project);
  strata_autogen_set_graph (autogen, graph);
  strata_autogen_set_flags (autogen, STRATA_AUTOGEN_FLAGS_COMPARE_ONLY);
  if (!strata_autogen_run (autogen, NULL, &error))
    {
      g_printerr ("strata-cli: %s\n", error->message);
      return FALSE;
    }
  differences = strata_autogen_get_differences (autogen);
  if (differences[0] == NULL)
    return TRUE;
  g_printerr (_("strata-cli: the schema at head differs from the schema file; run "
                "“strata-cli revision --autogenerate -m MSG”:\n"));
  print_lines ("  ", differences);
  return FALSE;
}
