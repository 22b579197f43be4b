/* strata-cli.c: the command line, its global options and the dispatch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static const StrataCliCommand commands[] = {
  { "init",      strata_cli_init,      N_("Create a new project") },
  { "revision",  strata_cli_revision,  N_("Create a new revision file") },
  { "upgrade",   strata_cli_upgrade,   N_("Upgrade to a later revision") },
  { "downgrade", strata_cli_downgrade, N_("Revert to an earlier revision") },
  { "current",   strata_cli_current,   N_("Show the current revision of the database") },
  { "history",   strata_cli_history,   N_("List revisions, newest first") },
  { "heads",     strata_cli_heads,     N_("Show the heads of the revision graph") },
  { "branches",  strata_cli_branches,  N_("Show the branch points") },
  { "show",      strata_cli_show,      N_("Show one or more revisions") },
  { "stamp",     strata_cli_stamp,     N_("Set the version table without running any SQL") },
  { "merge",     strata_cli_merge,     N_("Merge heads into a new revision") },
  { "edit",      strata_cli_edit,      N_("Open a revision file in $VISUAL or $EDITOR") },
  { "check",     strata_cli_check,     N_("Fail when the database is not up to date") },
  { "rehearse",  strata_cli_rehearse,  N_("Try an upgrade and each downgrade on a copy in memory") },
  { "backups",   strata_cli_backups,   N_("List the backups of the database") },
  { "restore",   strata_cli_restore,   N_("Put a backup back as the database") },
  { "schema",    strata_cli_schema,    N_("Print the schema as normalised CREATE statements") },
};

int
strata_cli_usage_error (const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("strata-cli: %s\n", message);
  g_printerr (_("Try “strata-cli --help” for the list of commands.\n"));

  return STRATA_CLI_EXIT_USAGE;
}

int
strata_cli_fail (const GError *error)
{
  g_assert (error != NULL);

  g_printerr ("strata-cli: %s\n", error->message);

  return STRATA_CLI_EXIT_ERROR;
}

static gboolean
is_negative_number (const char *arg)
{
  if (arg[0] != '-' || arg[1] == '\0')
    return FALSE;

  for (const char *p = arg + 1; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

/* GOptionContext takes "-1" for an unknown option, but Alembic's relative
 * targets ("downgrade -1") are arguments, as they are to argparse. They are
 * swapped for placeholders during the parse and put back afterwards. */
static GPtrArray *
hide_negative_numbers (StrataCli  *cli,
                       int         argc,
                       char      **argv)
{
  GPtrArray *originals = g_ptr_array_new ();

  for (int i = 1; i < argc; i++)
    {
      if (is_negative_number (argv[i]))
        {
          g_ptr_array_add (originals, argv[i]);
          /* Owned by @cli: an option may have taken it as its value. */
          argv[i] = g_strdup_printf ("\001%u", originals->len - 1);
          g_ptr_array_add (cli->strings, argv[i]);
        }
    }

  return originals;
}

static void
restore_negative_numbers (GPtrArray  *originals,
                          int         argc,
                          char      **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (argv[i][0] == '\001')
        {
          guint index = (guint)g_ascii_strtoull (argv[i] + 1, NULL, 10);

          argv[i] = g_ptr_array_index (originals, index);
        }
    }

  g_ptr_array_unref (originals);
}

/* Each command parses its own options, so that "strata-cli upgrade --help"
 * describes upgrade. The context's own --help would exit from inside the
 * parse, so it is replaced by an entry we handle. */
gboolean
strata_cli_parse_options (StrataCli           *cli,
                          const char          *command,
                          const char          *parameters,
                          const char          *summary,
                          const char          *description,
                          const GOptionEntry  *entries,
                          int                 *argc,
                          char              ***argv,
                          int                 *exit_code)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("strata-cli %s", command);
  GPtrArray *negatives;
  gboolean parsed;
  gboolean help = FALSE;
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    { NULL }
  };

  g_set_prgname (prgname);
  context = g_option_context_new (parameters);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, help_entries, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  negatives = hide_negative_numbers (cli, *argc, *argv);
  parsed = g_option_context_parse (context, argc, argv, &error);
  restore_negative_numbers (negatives, *argc, *argv);

  if (!parsed)
    {
      *exit_code = strata_cli_usage_error ("%s", error->message);
      return FALSE;
    }

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s%s", text, g_str_has_suffix (text, "\n") ? "" : "\n");
      *exit_code = STRATA_CLI_EXIT_OK;
      return FALSE;
    }

  return TRUE;
}

static StrataProject *
open_project (StrataCli  *cli,
              GError    **error)
{
  g_autoptr(GFile) start = NULL;

  if (cli->directory != NULL)
    {
      g_autoptr(GFile) directory = g_file_new_for_commandline_arg (cli->directory);

      return strata_project_new (directory, error);
    }

  start = g_file_new_for_path (".");
  return strata_project_discover (start, error);
}

StrataProject *
strata_cli_load_project (StrataCli  *cli,
                         GError    **error)
{
  g_autoptr(StrataProject) project = NULL;
  const char * const *warnings;

  g_return_val_if_fail (cli != NULL, NULL);

  if (!(project = open_project (cli, error)))
    return NULL;

  /* Warnings (unknown keys) go to stderr so that they never mix with output
   * a script parses. */
  warnings = strata_project_get_warnings (project);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    g_printerr (_("strata-cli: warning: %s\n"), warnings[i]);

  if (cli->database != NULL)
    {
      g_autoptr(GFile) database = g_file_new_for_commandline_arg (cli->database);

      strata_project_set_database_file (project, database);
    }

  return g_steal_pointer (&project);
}

StrataRevisionGraph *
strata_cli_load_graph (StrataCli      *cli,
                       StrataProject  *project,
                       GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  return strata_project_load_graph (project, NULL, error);
}

char *
strata_cli_format_heads (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup ("base");

  return g_strjoinv (", ", (char **)heads);
}

GStrv
strata_cli_resolve_ids (StrataRevisionGraph  *graph,
                        const char           *spec,
                        GError              **error)
{
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  if (!(revisions = strata_revision_graph_resolve (graph, spec, error)))
    return NULL;

  for (guint i = 0; i < revisions->len; i++)
    g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (revisions, i)));

  return g_strv_builder_end (builder);
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-10s %s\n", commands[i].name, _(commands[i].summary));

  g_string_append (text, _("\nRun “strata-cli COMMAND --help” for the options of a command.\n"
                           "Exit status: 0 on success, 1 on error, 2 on bad usage.\n"));

  return g_string_free (text, FALSE);
}

static const StrataCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static GOptionContext *
create_main_context (StrataCli *cli,
                     gboolean  *help,
                     gboolean  *version)
{
  g_autofree char *description = describe_commands ();
  const GOptionEntry entries[] = {
    { "directory", 'C', 0, G_OPTION_ARG_FILENAME, &cli->directory,
      N_("Use the project in DIR (default: the nearest folder upwards holding strata.ini)"),
      N_("DIR") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &cli->database,
      N_("Use the database at PATH instead of the configured one"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print JSON (current, history, heads, branches, show, check)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, version, N_("Print the version and exit"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, help, N_("Show this help"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (_("COMMAND [ARGUMENT…]"));

  g_option_context_set_summary (context,
                                _("Manage the schema migrations of a SQLite database, "
                                  "with Alembic’s semantics and revisions written in SQL."));
  g_option_context_set_description (context, description);
  g_option_context_set_help_enabled (context, FALSE);
  /* Stop at the command: what follows belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

static int
run (int    argc,
     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const StrataCliCommand *command;
  StrataCli cli = { .strings = g_ptr_array_new_with_free_func (g_free) };
  gboolean help = FALSE;
  gboolean version = FALSE;
  int status;

  context = create_main_context (&cli, &help, &version);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return strata_cli_usage_error ("%s", error->message);

  if (help || version)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      if (version)
        g_print ("strata-cli %s\n", PACKAGE_VERSION);
      else
        g_print ("%s%s", text, g_str_has_suffix (text, "\n") ? "" : "\n");
      status = STRATA_CLI_EXIT_OK;
    }
  else if (argc < 2)
    status = strata_cli_usage_error (_("no command given"));
  else if (!(command = find_command (argv[1])))
    status = strata_cli_usage_error (_("unknown command “%s”"), argv[1]);
  else
    {
      cli.interactive = isatty (STDERR_FILENO);
      status = command->run (&cli, argc - 1, argv + 1);
    }

  g_free (cli.directory);
  g_free (cli.database);
  g_ptr_array_unref (cli.strings);

  return status;
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

#ifdef __GLIBC__
  /* glibc starts each thread's malloc arena at 128 KiB and then grows it a
   * page, and an mprotect(), at a time: loading a thousand revisions while
   * another thread reads the schema made 400 of those calls, each one
   * stopping the other threads to flush their TLBs. With a larger top pad a
   * new arena starts at 4 MiB; pages never touched cost nothing. */
  mallopt (M_TOP_PAD, 4 * 1024 * 1024);
#endif
  setlocale (LC_ALL, "");
  /* STRATA_LOCALEDIR reads the catalogs from elsewhere than the install prefix,
   * such as the build folder's po/, so that a test can run a translation uninstalled. */
  localedir = g_getenv ("STRATA_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return run (argc, argv);
}
