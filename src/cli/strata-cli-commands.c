/* strata-cli-commands.c: the commands that read and write revision files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static void
print_generated (StrataCli *cli,
                 GFile     *file)
{
  strata_cli_say (cli, _("Generating %s ...  done\n"), g_file_peek_path (file));
}

/* What init wrote: the revision template and strata.ini, not the files the
 * folder held already (a database, a README). */
static void
print_created_files (StrataCli     *cli,
                     StrataProject *project)
{
  g_autoptr(GFile) template = g_file_get_child (strata_project_get_directory (project),
                                                "script.sql.template");

  print_generated (cli, template);
  print_generated (cli, strata_project_get_config_file (project));
}

int
strata_cli_init (StrataCli *cli)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;

  if (cli->from_alembic != NULL)
    return strata_cli_convert (cli);
  directory = g_file_new_for_commandline_arg (cli->args[0]);
  if (!(project = strata_project_init (directory, cli->init_database, &error)))
    return strata_cli_fail (error);

  strata_cli_say (cli, _("Creating directory %s ...  done\n"),
                  g_file_peek_path (strata_project_get_versions_directory (project)));
  print_created_files (cli, project);
  strata_cli_say (cli, _("Please edit the settings in %s before proceeding.\n"),
                  g_file_peek_path (strata_project_get_config_file (project)));

  return STRATA_CLI_EXIT_OK;
}

static const char * const *
single (const char **vector,
        const char  *value)
{
  vector[0] = value;
  vector[1] = NULL;

  return value != NULL ? vector : NULL;
}

int
strata_cli_revision (StrataCli *cli)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  const char *heads[2];

  if (!(revision = strata_project_create_revision (cli->project, cli->graph, cli->message,
                                                   single (heads, cli->head), cli->branch_label,
                                                   (const char * const *)cli->depends_on,
                                                   cli->rev_id, cli->splice, &error)))
    return strata_cli_fail (error);

  print_generated (cli, strata_revision_get_file (revision));

  return STRATA_CLI_EXIT_OK;
}

/* How many revisions @specs name together. */
static guint
count_revisions (StrataRevisionGraph  *graph,
                 char                **specs,
                 GError              **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_auto(GStrv) ids = strata_cli_resolve_ids (graph, specs[i], error);

      if (ids == NULL)
        return 0;
      for (guint j = 0; ids[j] != NULL; j++)
        g_hash_table_add (seen, g_strdup (ids[j]));
    }

  return g_hash_table_size (seen);
}

/* Alembic's merge is a revision on several heads: what is not a head is
 * refused ("please specify --splice"), and --rev-id and --branch-label work
 * as for revision. Fewer than two revisions keep the core's own refusal. */
int
strata_cli_merge (StrataCli *cli)
{
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  guint n = count_revisions (cli->graph, cli->args, &error);

  if (error != NULL)
    return strata_cli_fail (error);

  if (n < 2)
    revision = strata_project_create_merge (cli->project, cli->graph, cli->message,
                                            (const char * const *)cli->args, &error);
  else
    revision = strata_project_create_revision (cli->project, cli->graph, cli->message,
                                               (const char * const *)cli->args,
                                               cli->branch_label, NULL, cli->rev_id, FALSE,
                                               &error);
  if (revision == NULL)
    return strata_cli_fail (error);

  print_generated (cli, strata_revision_get_file (revision));

  return STRATA_CLI_EXIT_OK;
}

/* $VISUAL, then $EDITOR, then whatever the system calls its editor. */
static char *
find_editor (void)
{
  const char *names[] = { g_getenv ("VISUAL"), g_getenv ("EDITOR") };
  const char *fallbacks[] = { "sensible-editor", "editor", "vi" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (names[i] != NULL && names[i][0] != '\0')
        return g_strdup (names[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    {
      char *path = g_find_program_in_path (fallbacks[i]);

      if (path != NULL)
        return path;
    }

  return NULL;
}

/* The editor variable may carry arguments ("code --wait"), as git allows. */
static gboolean
open_in_editor (GFile   *file,
                GError **error)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autofree char *editor = find_editor ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) editor_argv = NULL;
  g_auto(GStrv) full_argv = NULL;

  if (editor == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("no editor found; set $VISUAL or $EDITOR"));
      return FALSE;
    }

  if (!g_shell_parse_argv (editor, NULL, &editor_argv, error))
    return FALSE;

  g_strv_builder_addv (builder, (const char **)editor_argv);
  g_strv_builder_add (builder, g_file_peek_path (file));
  full_argv = g_strv_builder_end (builder);

  subprocess = g_subprocess_newv ((const char * const *)full_argv,
                                  G_SUBPROCESS_FLAGS_STDIN_INHERIT, error);

  return subprocess != NULL &&
         g_subprocess_wait_check (subprocess, NULL, error);
}

static GPtrArray *
resolve_current (StrataProject        *project,
                 StrataRevisionGraph  *graph,
                 GError              **error)
{
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const *heads;

  if (!(status = strata_project_read_status (project, NULL, error)))
    return NULL;

  heads = strata_status_get_heads (status);
  for (guint i = 0; heads[i] != NULL; i++)
    {
      StrataRevision *revision = strata_revision_graph_lookup (graph, heads[i]);

      if (revision != NULL)
        g_ptr_array_add (revisions, g_object_ref (revision));
    }

  if (revisions->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET, _("No current revisions"));
      return NULL;
    }

  return g_steal_pointer (&revisions);
}

/* "current" is a symbol of its own for edit and show, as in Alembic. */
static GPtrArray *
resolve_revisions (StrataCli   *cli,
                   const char  *spec,
                   GError     **error)
{
  if (g_str_equal (spec, "current"))
    return resolve_current (cli->project, cli->graph, error);

  return strata_revision_graph_resolve (cli->graph, spec, error);
}

int
strata_cli_edit (StrataCli *cli)
{
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;

  if (!(revisions = resolve_revisions (cli, cli->args[0], &error)))
    return strata_cli_fail (error);

  if (revisions->len == 0)
    {
      g_printerr (_("strata-cli: No revision files indicated by symbol “%s”\n"), cli->args[0]);
      return STRATA_CLI_EXIT_ERROR;
    }

  for (guint i = 0; i < revisions->len; i++)
    {
      if (!open_in_editor (strata_revision_get_file (g_ptr_array_index (revisions, i)), &error))
        return strata_cli_fail (error);
    }

  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_show (StrataCli *cli)
{
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;

  if (!(revisions = resolve_revisions (cli, cli->args[0], &error)))
    return strata_cli_fail (error);

  printer = strata_cli_printer_new (cli->graph, cli->json);
  strata_cli_printer_begin_list (printer, "revisions");
  for (guint i = 0; i < revisions->len; i++)
    strata_cli_printer_add (printer, g_ptr_array_index (revisions, i), STRATA_CLI_FORMAT_VERBOSE);
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);

  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_heads (StrataCli *cli)
{
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GError) error = NULL;
  gboolean verbose = cli->verbose;

  /* Alembic resolves "heads" then, which leaves out a head that another
   * revision depends on. */
  if (cli->resolve_dependencies)
    heads = strata_revision_graph_resolve (cli->graph, "heads", &error);
  else
    heads = strata_revision_graph_get_heads (cli->graph);
  if (heads == NULL)
    return strata_cli_fail (error);
  printer = strata_cli_printer_new (cli->graph, cli->json);
  strata_cli_printer_begin_list (printer, "heads");
  for (guint i = 0; i < heads->len; i++)
    strata_cli_printer_add (printer, g_ptr_array_index (heads, i),
                            verbose ? STRATA_CLI_FORMAT_VERBOSE : STRATA_CLI_FORMAT_BRANCHES);
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);

  return STRATA_CLI_EXIT_OK;
}

/* Alembic prints each branch point, then one "-> child" line per branch,
 * indented to the width of the id. */
static void
print_branch_point (StrataCliPrinter *printer,
                    StrataRevision   *revision,
                    gboolean          verbose)
{
  g_autoptr(GPtrArray) children = strata_cli_printer_get_children (printer, revision);
  g_autofree char *line = NULL;
  StrataCliFormat format = STRATA_CLI_FORMAT_BRANCHES | STRATA_CLI_FORMAT_TREE;
  gsize width = strlen (strata_revision_get_id (revision));

  line = strata_cli_printer_format (printer, revision,
                                    verbose ? STRATA_CLI_FORMAT_VERBOSE : format);
  g_print ("%s\n", line);

  if (verbose)
    format |= STRATA_CLI_FORMAT_DOC;

  for (guint i = 0; i < children->len; i++)
    {
      g_autofree char *child = NULL;

      child = strata_cli_printer_format (printer, g_ptr_array_index (children, i), format);
      g_print ("%*s -> %s\n", (int)width, "", child);
    }

  g_print ("\n");
}

int
strata_cli_branches (StrataCli *cli)
{
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) points = NULL;
  gboolean verbose = cli->verbose;

  points = strata_revision_graph_get_branch_points (cli->graph);
  printer = strata_cli_printer_new (cli->graph, cli->json);
  strata_cli_printer_begin_list (printer, "branch_points");
  for (guint i = 0; i < points->len; i++)
    {
      if (strata_cli_printer_is_json (printer))
        strata_cli_printer_add (printer, g_ptr_array_index (points, i), STRATA_CLI_FORMAT_NONE);
      else
        print_branch_point (printer, g_ptr_array_index (points, i), verbose);
    }
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);

  return STRATA_CLI_EXIT_OK;
}
