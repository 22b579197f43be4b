/* strata-cli-commands.c: the commands that read and write revision files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

/* The project and its graph, which nearly every command starts from. */
typedef struct
{
  StrataProject       *project;
  StrataRevisionGraph *graph;
} Loaded;

static void
loaded_clear (Loaded *loaded)
{
  g_clear_object (&loaded->graph);
  g_clear_object (&loaded->project);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Loaded, loaded_clear)

static gboolean
load (StrataCli  *cli,
      Loaded     *loaded,
      GError    **error)
{
  g_assert (cli != NULL);

  if (!(loaded->project = strata_cli_load_project (cli, error)))
    return FALSE;

  loaded->graph = strata_cli_load_graph (cli, loaded->project, error);

  return loaded->graph != NULL;
}

static void
print_generated (GFile *file)
{
  g_print (_("Generating %s ...  done\n"), g_file_peek_path (file));
}

static void
print_directory_files (GFile *directory)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileInfo *info;
  GFile *child;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, NULL);
  while (enumerator != NULL &&
         g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) &&
         info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        print_generated (child);
    }
}

int
strata_cli_init (StrataCli  *cli,
                 int         argc,
                 char      **argv)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database,
      N_("The database file, relative to DIR (default: the folder’s name with .db)"),
      N_("NAME") },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "init", _("DIR"),
                                 _("Create a new project in DIR."),
                                 _("Writes DIR/strata.ini, an empty versions folder and its "
                                   "revision template.\n"
                                   "A folder that already holds strata.ini is refused.\n\n"
                                   "Example:\n"
                                   "  strata-cli init inventory --database inventory.db"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 2)
    return strata_cli_usage_error (_("init needs exactly one DIR"));

  directory = g_file_new_for_commandline_arg (argv[1]);
  if (!(project = strata_project_init (directory, database, &error)))
    return strata_cli_fail (error);

  g_print (_("Creating directory %s ...  done\n"),
           g_file_peek_path (strata_project_get_versions_directory (project)));
  print_directory_files (strata_project_get_directory (project));
  g_print (_("Please edit the settings in %s before proceeding.\n"),
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
strata_cli_revision (StrataCli  *cli,
                     int         argc,
                     char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *head = NULL;
  g_autofree char *branch_label = NULL;
  g_autofree char *rev_id = NULL;
  g_auto(GStrv) depends_on = NULL;
  const char *heads[2];
  gboolean splice = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message,
      N_("The revision’s message"), N_("MSG") },
    { "head", 0, 0, G_OPTION_ARG_STRING, &head,
      N_("The revision to build on (default: the single head; “base” for a new base)"),
      N_("REV") },
    { "branch-label", 0, 0, G_OPTION_ARG_STRING, &branch_label,
      N_("A branch label for the new revision"), N_("LABEL") },
    { "depends-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &depends_on,
      N_("A revision or label the new one depends on (repeatable)"), N_("REV") },
    { "rev-id", 0, 0, G_OPTION_ARG_STRING, &rev_id,
      N_("The id to use instead of 12 random hex digits"), N_("ID") },
    { "splice", 0, 0, G_OPTION_ARG_NONE, &splice,
      N_("Allow --head to name a revision that is not a head, starting a branch"), NULL },
    { NULL }
  };

  /* --autogenerate has options of its own (strata-cli-autogen.c). */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--autogenerate") == 0)
      return strata_cli_revision_autogenerate (cli, argc, argv);

  if (!strata_cli_parse_options (cli, "revision", NULL,
                                 _("Create a new revision file."),
                                 _("The file is written to the versions folder, revising the "
                                   "single head unless --head says otherwise. With "
                                   "--autogenerate its SQL is written from schema.sql: see "
                                   "“strata-cli revision --autogenerate --help”.\n\n"
                                   "Examples:\n"
                                   "  strata-cli revision -m \"add supplier table\"\n"
                                   "  strata-cli revision -m \"start audit\" --head base "
                                   "--branch-label audit\n"
                                   "  strata-cli revision -m \"more pricing\" "
                                   "--head pricing@head"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 1)
    return strata_cli_usage_error (_("unexpected argument “%s”"), argv[1]);
  if (message == NULL)
    return strata_cli_usage_error (_("revision needs a message: -m MSG"));

  if (!load (cli, &loaded, &error) ||
      !(revision = strata_project_create_revision (loaded.project, loaded.graph, message,
                                                   single (heads, head), branch_label,
                                                   (const char * const *)depends_on, rev_id,
                                                   splice, &error)))
    return strata_cli_fail (error);

  print_generated (strata_revision_get_file (revision));

  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_merge (StrataCli  *cli,
                  int         argc,
                  char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message,
      N_("The merge revision’s message"), N_("MSG") },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "merge", _("REVS…"),
                                 _("Merge two or more revisions into a new revision."),
                                 _("REVS are ids, prefixes, labels or “heads”.\n\n"
                                   "Example:\n  strata-cli merge -m \"merge pricing and storage\" "
                                   "heads"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc < 2)
    return strata_cli_usage_error (_("merge needs the revisions to merge, or “heads”"));
  if (message == NULL)
    return strata_cli_usage_error (_("merge needs a message: -m MSG"));

  if (!load (cli, &loaded, &error) ||
      !(revision = strata_project_create_merge (loaded.project, loaded.graph, message,
                                                (const char * const *)argv + 1, &error)))
    return strata_cli_fail (error);

  print_generated (strata_revision_get_file (revision));

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
resolve_revisions (Loaded      *loaded,
                   const char  *spec,
                   GError     **error)
{
  if (g_str_equal (spec, "current"))
    return resolve_current (loaded->project, loaded->graph, error);

  return strata_revision_graph_resolve (loaded->graph, spec, error);
}

int
strata_cli_edit (StrataCli  *cli,
                 int         argc,
                 char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!strata_cli_parse_options (cli, "edit", _("REV"),
                                 _("Open a revision file in your editor."),
                                 _("Uses $VISUAL, else $EDITOR. REV may be an id, a prefix, a "
                                   "label, “head” or “current”.\n\n"
                                   "Example:\n  EDITOR=nano strata-cli edit 27c6"),
                                 NULL, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 2)
    return strata_cli_usage_error (_("edit needs exactly one REV"));

  if (!load (cli, &loaded, &error) ||
      !(revisions = resolve_revisions (&loaded, argv[1], &error)))
    return strata_cli_fail (error);

  if (revisions->len == 0)
    {
      g_printerr (_("strata-cli: No revision files indicated by symbol “%s”\n"), argv[1]);
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
strata_cli_show (StrataCli  *cli,
                 int         argc,
                 char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "show", _("REV"),
                                 _("Show the revision(s) denoted by REV."),
                                 _("REV may be an id, a prefix, a label, “head”, “heads”, "
                                   "“label@head” or “current”. With --json each revision "
                                   "carries its upgrade and downgrade SQL.\n\n"
                                   "Example:\n  strata-cli show 4d0e"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 2)
    return strata_cli_usage_error (_("show needs exactly one REV"));

  if (!load (cli, &loaded, &error) ||
      !(revisions = resolve_revisions (&loaded, argv[1], &error)))
    return strata_cli_fail (error);

  printer = strata_cli_printer_new (loaded.graph, cli->json);
  strata_cli_printer_begin_list (printer, "revisions");
  for (guint i = 0; i < revisions->len; i++)
    strata_cli_printer_add (printer, g_ptr_array_index (revisions, i), STRATA_CLI_FORMAT_VERBOSE);
  strata_cli_printer_end_list (printer);
  strata_cli_printer_finish (printer);

  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_heads (StrataCli  *cli,
                  int         argc,
                  char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GError) error = NULL;
  gboolean verbose = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show every detail"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "heads", NULL,
                                 _("Show the heads of the revision graph."),
                                 _("A head is a revision that no other revision revises. "
                                   "Several heads mean unmerged branches.\n\n"
                                   "Example:\n  strata-cli heads --verbose"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 1)
    return strata_cli_usage_error (_("unexpected argument “%s”"), argv[1]);

  if (!load (cli, &loaded, &error))
    return strata_cli_fail (error);

  heads = strata_revision_graph_get_heads (loaded.graph);
  printer = strata_cli_printer_new (loaded.graph, cli->json);
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
strata_cli_branches (StrataCli  *cli,
                     int         argc,
                     char      **argv)
{
  g_auto(Loaded) loaded = { 0 };
  g_autoptr(StrataCliPrinter) printer = NULL;
  g_autoptr(GPtrArray) points = NULL;
  g_autoptr(GError) error = NULL;
  gboolean verbose = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show every detail"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!strata_cli_parse_options (cli, "branches", NULL,
                                 _("Show the branch points of the revision graph."),
                                 _("A branch point is a revision that two or more revisions "
                                   "revise.\n\nExample:\n  strata-cli branches"),
                                 entries, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 1)
    return strata_cli_usage_error (_("unexpected argument “%s”"), argv[1]);

  if (!load (cli, &loaded, &error))
    return strata_cli_fail (error);

  points = strata_revision_graph_get_branch_points (loaded.graph);
  printer = strata_cli_printer_new (loaded.graph, cli->json);
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
