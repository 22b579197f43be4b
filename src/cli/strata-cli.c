/* strata-cli.c: the command line, its global options and the dispatch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "strata-cli-private.h"

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
strata_cli_verb_usage_error (const char *verb,
                             const char *format,
                             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("strata-cli: %s\n", message);
  g_printerr (_("Try “strata-cli %s --help” for its options and arguments.\n"), verb);

  return STRATA_CLI_EXIT_USAGE;
}

/* The command being run, for strata_cli_fail()'s suggestions. */
static StrataCli *running;

static void
add_labels (GPtrArray           *names,
            StrataRevisionGraph *graph)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (graph);

  for (guint i = 0; i < revisions->len; i++)
    {
      const char * const *labels;

      labels = strata_revision_get_branch_labels (g_ptr_array_index (revisions, i));
      for (guint j = 0; labels != NULL && labels[j] != NULL; j++)
        g_ptr_array_add (names, (gpointer)labels[j]);
    }
}

/* For "No such revision or branch": the argument whose branch part names
 * nothing, and the label closest to it. */
static void
suggest_branch (StrataCli *cli)
{
  g_autoptr(StrataRevisionGraph) loaded = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  StrataRevisionGraph *graph = cli->graph;
  const char *symbols[] = { "head", "heads", "base", "current" };

  if (graph == NULL && cli->project != NULL)
    graph = loaded = strata_cli_load_graph (cli, cli->project, NULL);
  if (graph == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    g_ptr_array_add (names, (gpointer)symbols[i]);
  add_labels (names, graph);
  g_ptr_array_add (names, NULL);

  for (int i = 0; i < cli->n_args; i++)
    {
      g_autoptr(GPtrArray) found = NULL;
      const char *at = strchr (cli->args[i], '@');
      g_autofree char *branch = at != NULL ? g_strndup (cli->args[i], at - cli->args[i])
                                           : g_strdup (cli->args[i]);
      const char *suggestion;

      if (branch[0] == '\0' || (found = strata_revision_graph_resolve (graph, branch, NULL)))
        continue;
      suggestion = strata_cli_suggest (branch, (const char * const *)names->pdata);
      if (suggestion == NULL || g_str_equal (suggestion, branch))
        continue;
      g_printerr (_("strata-cli: did you mean “%s%s”? “strata-cli branches” and "
                    "“strata-cli heads” list the branches.\n"),
                  suggestion, at != NULL ? at : "");
      return;
    }
}

int
strata_cli_fail (const GError *error)
{
  g_assert (error != NULL);

  g_printerr ("strata-cli: %s\n", error->message);

  if (running != NULL && g_error_matches (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION))
    suggest_branch (running);

  return STRATA_CLI_EXIT_ERROR;
}

void
strata_cli_say (StrataCli  *cli,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (cli->quiet)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_print ("%s", message);
}

static StrataProject *
open_project (StrataCli  *cli,
              GError    **error)
{
  const char *database_path = cli->database != NULL ? cli->database : cli->env_database;
  g_autoptr(GFile) database = NULL;
  g_autoptr(GFile) start = NULL;

  /* --database wins over STRATA_DATABASE, which wins over strata.ini. It is
   * given to the loader, not set afterwards: an Alembic project whose
   * sqlalchemy.url is not a SQLite file cannot open without it. Both are
   * paths as typed in a shell. */
  if (database_path != NULL)
    database = g_file_new_for_commandline_arg (database_path);

  if (cli->directory != NULL)
    {
      g_autoptr(GFile) directory = g_file_new_for_commandline_arg (cli->directory);

      return strata_project_new_with_database (directory, database, error);
    }

  start = g_file_new_for_path (".");
  return strata_project_discover_with_database (start, database, error);
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

/* Help ------------------------------------------------------------------------ */

static void
append_options (GString               *text,
                const char            *title,
                const StrataCliOption *options)
{
  if (options == NULL || options[0].long_name == NULL)
    return;

  g_string_append_printf (text, "\n%s\n", title);
  for (const StrataCliOption *o = options; o->long_name != NULL; o++)
    {
      g_autofree char *form = NULL;

      if (o->value == STRATA_CLI_VALUE_NONE)
        form = o->short_name != 0 ? g_strdup_printf ("-%c, --%s", o->short_name, o->long_name)
                                  : g_strdup_printf ("--%s", o->long_name);
      else
        form = o->short_name != 0
               ? g_strdup_printf ("-%c, --%s=%s", o->short_name, o->long_name, _(o->value_name))
               : g_strdup_printf ("--%s=%s", o->long_name, _(o->value_name));

      if (g_utf8_strlen (form, -1) <= 26)
        g_string_append_printf (text, "  %s%*s%s\n", form,
                                (int)(28 - g_utf8_strlen (form, -1)), "", _(o->description));
      else
        g_string_append_printf (text, "  %s\n  %28s%s\n", form, "", _(o->description));
    }
}

static void
append_commands (GString *text)
{
  int width = 0;

  for (guint v = 0; v < strata_cli_n_verbs; v++)
    width = MAX (width, (int)strlen (strata_cli_verbs[v].name));

  g_string_append_printf (text, "\n%s\n", _("Commands:"));
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      const StrataCliVerb *verb = &strata_cli_verbs[v];

      if (verb->variant == NULL)
        g_string_append_printf (text, "  %-*s %s\n", width, verb->name, _(verb->summary));
    }
}

static void
print_main_help (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  strata-cli [%s] %s\n\n%s\n", _("Usage:"), _("OPTION…"),
                          _("COMMAND [ARGUMENT…]"),
                          _("Manage the schema migrations of a SQLite database, "
                            "with Alembic’s semantics and revisions written in SQL."));
  append_options (text, _("Options:"), strata_cli_global_options);
  g_string_append_printf (text, "  %-28s%s\n  %-28s%s\n", "-h, --help", _("Show this help"),
                          "--version", _("Print the version and exit"));
  append_commands (text);
  g_string_append (text, _("\nRun “strata-cli COMMAND --help” for the options of a command.\n"
                            "Exit status: 0 on success, 1 on error, 2 on bad usage.\n"));
  g_print ("%s", text->str);
}

static void
print_verb_help (const StrataCliVerb *verb)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  strata-cli %s [%s]%s%s%s%s\n\n%s.\n", _("Usage:"),
                          verb->name, _("OPTION…"),
                          verb->variant != NULL ? " " : "",
                          verb->variant != NULL ? verb->variant : "",
                          verb->parameters != NULL ? " " : "",
                          verb->parameters != NULL ? _(verb->parameters) : "",
                          _(verb->summary));
  append_options (text, _("Options:"), verb->options);
  g_string_append_printf (text, "  %-28s%s\n", "-h, --help", _("Show this help"));
  append_options (text, _("Global options (also before the command):"),
                  strata_cli_global_options);
  if (verb->description != NULL)
    g_string_append_printf (text, "\n%s\n", _(verb->description));
  g_print ("%s", text->str);
}

/* Running a verb ---------------------------------------------------------------- */

static GStrv
verb_names (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint v = 0; v < strata_cli_n_verbs; v++)
    if (strata_cli_verbs[v].variant == NULL)
      g_strv_builder_add (builder, strata_cli_verbs[v].name);

  return g_strv_builder_end (builder);
}

static int
unknown_command (const char *name)
{
  g_auto(GStrv) names = verb_names ();
  const char *suggestion = strata_cli_suggest (name, (const char * const *)names);

  if (suggestion != NULL)
    return strata_cli_usage_error (_("unknown command “%s”; did you mean “%s”?"),
                                   name, suggestion);

  return strata_cli_usage_error (_("unknown command “%s”"), name);
}

/* Control codes only for a terminal that takes them. */
static gboolean
is_interactive (void)
{
  return isatty (STDERR_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

/* What an Alembic project answers before it is converted: its graph and
 * its database's state (docs/alembic.md). */
static gboolean
reads_only (const StrataCliVerb *verb)
{
  static const char *names[] = { "current", "history", "heads", "branches", "show", "check",
                                 "schema", "backups", NULL };

  return verb->variant == NULL && g_strv_contains (names, verb->name);
}

static gboolean
load (StrataCli            *cli,
      const StrataCliVerb  *verb,
      GError              **error)
{
  if (verb->load == STRATA_CLI_LOAD_NOTHING)
    return TRUE;

  if (!(cli->project = strata_cli_load_project (cli, error)))
    return FALSE;
  if (!reads_only (verb) && !strata_project_check_runnable (cli->project, error))
    return FALSE;

  if (verb->load == STRATA_CLI_LOAD_PROJECT)
    return TRUE;

  cli->graph = strata_cli_load_graph (cli, cli->project, error);

  return cli->graph != NULL;
}

static int
run_verb (StrataCli  *cli,
          int         argc,
          char      **argv)
{
  g_autoptr(GError) error = NULL;
  const StrataCliVerb *verb = strata_cli_find_verb (argv[0], argc - 1, argv + 1);
  int status;

  if (verb == NULL)
    return unknown_command (argv[0]);

  if (!strata_cli_parse_verb (cli, verb, argc - 1, argv + 1, &error))
    return strata_cli_verb_usage_error (verb->name, "%s", error->message);

  if (cli->help)
    {
      print_verb_help (verb);
      return STRATA_CLI_EXIT_OK;
    }

  cli->interactive = is_interactive ();
  running = cli;
  if (!load (cli, verb, &error))
    status = strata_cli_fail (error);
  else
    status = verb->run (cli);
  running = NULL;

  return status;
}

/* The variables strata-cli honours, read here once and handed to the core
 * as settings: STRATA_DATABASE names the database (as --database does, which
 * wins); STRATA_BUSY_TIMEOUT_MS and STRATA_GROUP_COMMIT_MS are test hooks
 * (docs/database-tables.md): how long to wait for a lock, and how long steps
 * share a commit (0: a commit per step, so a test can act between two). */
static void
read_environment (StrataCli *cli)
{
  const char *database = g_getenv ("STRATA_DATABASE");
  const char *busy = g_getenv ("STRATA_BUSY_TIMEOUT_MS");
  const char *group = g_getenv ("STRATA_GROUP_COMMIT_MS");
  guint64 value;

  if (database != NULL && database[0] != '\0')
    cli->env_database = g_strdup (database);
  if (busy != NULL && g_ascii_string_to_unsigned (busy, 10, 0, G_MAXINT, &value, NULL))
    strata_database_set_default_busy_timeout ((guint)value);
  if (group != NULL && g_ascii_string_to_unsigned (group, 10, 0, G_MAXINT, &value, NULL))
    {
      cli->group_commit_set = TRUE;
      cli->group_commit_ms = (guint)value;
    }
}

static int
run (int    argc,
     char **argv)
{
  g_autoptr(GError) error = NULL;
  StrataCli cli = { 0 };
  gboolean version = FALSE;
  int status;
  int verb;

  /* The build's way to the completions and the man page (data/cli/). */
  if (argc == 3 && g_str_equal (argv[1], "--generate"))
    {
      strata_cli_clear (&cli);
      if (strata_cli_generate (argv[2]))
        return STRATA_CLI_EXIT_OK;
      return strata_cli_usage_error ("--generate bash|zsh|fish|man");
    }

  read_environment (&cli);
  verb = strata_cli_parse_globals (&cli, argc, argv, &version, &error);
  if (verb < 0)
    status = strata_cli_usage_error ("%s", error->message);
  else if (version)
    {
      g_print ("strata-cli %s\n", PACKAGE_VERSION);
      status = STRATA_CLI_EXIT_OK;
    }
  else if (cli.help)
    {
      print_main_help ();
      status = STRATA_CLI_EXIT_OK;
    }
  else if (verb >= argc)
    status = strata_cli_usage_error (_("no command given"));
  else
    status = run_verb (&cli, argc - verb, argv + verb);

  strata_cli_clear (&cli);

  return status;
}

#ifndef STRATA_CLI_NO_MAIN
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
#endif /* STRATA_CLI_NO_MAIN */
