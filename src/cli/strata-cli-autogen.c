/* strata-cli-autogen.c: revision --autogenerate, schema, and check's schema part
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-cli-private.h"

static void
print_lines (const char         *prefix,
             const char * const *lines)
{
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    g_printerr ("%s%s\n", prefix, lines[i]);
}

/* @word as one shell word to paste: as it is when it holds nothing a shell
 * reads, else in double quotes (a fill is mostly SQL with single quotes),
 * else in single quotes. */
static char *
shell_word (const char *word)
{
  if (word[0] != '\0' && strspn (word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_.,:=+-/@%") == strlen (word))
    return g_strdup (word);
  if (strpbrk (word, "\"$`\\!") == NULL)
    return g_strdup_printf ("\"%s\"", word);
  return g_shell_quote (word);
}

/* The rows of the database that @autogen's upgrade would refuse, as
 * warnings (the run read them), then the --fill that would give each new
 * NOT NULL column's NULLs a value. */
static void
warn_rows (StrataAutogen *autogen)
{
  const char * const *problems = strata_autogen_get_row_problems (autogen);
  const char * const *fills = strata_autogen_get_suggested_fills (autogen);

  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    g_printerr (_("strata-cli: warning: %s\n"), problems[i]);
  for (guint i = 0; fills != NULL && fills[i] != NULL; i++)
    {
      g_autofree char *word = shell_word (fills[i]);

      g_printerr (_("strata-cli: to give those NULLs a value in the copy, generate the revision "
                    "with --fill %s (the value is yours to choose)\n"), word);
    }
}

/* The --fill that would write a chosen value where the downgrade writes a
 * placeholder (its notes said which). */
static void
hint_placeholders (StrataAutogen *autogen)
{
  const char * const *placeholders = strata_autogen_get_placeholders (autogen);

  for (guint i = 0; placeholders != NULL && placeholders[i] != NULL; i++)
    {
      g_autofree char *word = shell_word (placeholders[i]);

      g_printerr (_("strata-cli: to have the downgrade write a value of your choice instead of "
                    "the placeholder, generate the revision again with --fill %s\n"), word);
    }
}

static void
add_option (GString    *command,
            const char *option,
            const char *value)
{
  g_autofree char *quoted = value != NULL ? g_shell_quote (value) : NULL;

  g_string_append_printf (command, " %s%s%s", option, quoted ? " " : "", quoted ? quoted : "");
}

/* This command again, with @rename in place of a rename of the same name
 * (a typo) or added, or with --allow-drop: a line to paste. */
static char *
command_with (StrataCli  *cli,
              const char *rename,
              gboolean    allow_drop)
{
  g_autoptr(GString) command = g_string_new ("strata-cli");
  gsize left = rename != NULL ? strrchr (rename, ':') - rename : 0;
  gboolean replaced = FALSE;

  if (cli->directory != NULL)
    add_option (command, "-C", cli->directory);
  if (cli->database != NULL)
    add_option (command, "--database", cli->database);
  g_string_append (command, " revision --autogenerate");
  if (cli->message != NULL)
    add_option (command, "-m", cli->message);
  if (cli->rev_id != NULL)
    add_option (command, "--rev-id", cli->rev_id);
  for (guint i = 0; cli->renames != NULL && cli->renames[i] != NULL; i++)
    {
      const char *colon = strrchr (cli->renames[i], ':');
      gboolean same = rename != NULL && colon != NULL && (gsize)(colon - cli->renames[i]) == left &&
                      g_ascii_strncasecmp (cli->renames[i], rename, left) == 0;

      add_option (command, "--rename", same ? rename : cli->renames[i]);
      replaced |= same;
    }
  if (rename != NULL && !replaced)
    add_option (command, "--rename", rename);
  for (guint i = 0; cli->fills != NULL && cli->fills[i] != NULL; i++)
    add_option (command, "--fill", cli->fills[i]);
  if (allow_drop)
    add_option (command, "--allow-drop", NULL);
  return g_string_free (g_steal_pointer (&command), FALSE);
}

/* A drop that needs consent: the two commands that decide it. */
static void
suggest_decision (StrataCli     *cli,
                  StrataAutogen *autogen)
{
  const char *rename = strata_autogen_get_rename_candidate (autogen);

  if (strata_autogen_get_drop_subject (autogen) == NULL)
    return;
  if (rename != NULL)
    {
      g_autofree char *command = command_with (cli, rename, FALSE);
      g_printerr (_("strata-cli: to keep its data as renamed, run: %s\n"), command);
    }
  {
    g_autofree char *command = command_with (cli, NULL, TRUE);
    g_printerr (_("strata-cli: to drop it, run: %s\n"), command);
  }
}

int
strata_cli_revision_autogenerate (StrataCli *cli)
{
  StrataProject *project = cli->project;
  StrataRevisionGraph *graph = cli->graph;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GStrv renames = cli->renames;
  gboolean allow_drop = cli->allow_drop;

  autogen = strata_autogen_new (project);
  strata_autogen_set_graph (autogen, graph);
  strata_autogen_set_flags (autogen, allow_drop ? STRATA_AUTOGEN_FLAGS_ALLOW_DROP
                                                : STRATA_AUTOGEN_FLAGS_NONE);
  for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
    if (!strata_autogen_add_rename (autogen, renames[i], &error))
      return strata_cli_verb_usage_error ("revision", "%s", error->message);
  for (guint i = 0; cli->fills != NULL && cli->fills[i] != NULL; i++)
    if (!strata_autogen_add_fill (autogen, cli->fills[i], &error))
      return strata_cli_verb_usage_error ("revision", "%s", error->message);

  if (!strata_autogen_run (autogen, NULL, &error))
    {
      int status = strata_cli_fail (error);

      if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_TARGET))
        suggest_decision (cli, autogen);
      return status;
    }
  if (strata_autogen_get_upgrade_sql (autogen) == NULL)
    {
      g_print (_("No changes in schema detected.\n"));
      return STRATA_CLI_EXIT_OK;
    }
  print_lines ("  ", strata_autogen_get_differences (autogen));
  print_lines (_("note: "), strata_autogen_get_notes (autogen));
  hint_placeholders (autogen);
  /* Said before writing: the revision is still worth having, to edit. */
  warn_rows (autogen);
  if (!(revision = strata_autogen_write_revision (autogen, graph, cli->message, cli->rev_id,
                                                         &error)))
    return strata_cli_fail (error);
  path = g_file_get_path (strata_revision_get_file (revision));
  strata_cli_say (cli, _("Generating %s ...  done\n"), path);
  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_schema (StrataCli *cli)
{
  StrataProject *project = cli->project;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSchemaSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gboolean head = cli->at_head;

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
      strata_schema_snapshot_exclude (snapshot, "strata_history_sql");
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

/* At most ten redraws a second: a thousand revisions take about a second. */
typedef struct
{
  gint64 drawn_at;
  gboolean shown;
} LintProgress;

static void
lint_progress_cb (guint     done,
                  guint     total,
                  gpointer  user_data)
{
  LintProgress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (done < total && now - progress->drawn_at < G_USEC_PER_SEC / 10)
    return;
  progress->drawn_at = now;
  progress->shown = TRUE;
  g_printerr ("\r\033[K");
  g_printerr (_("[%3u%%] Checking revision %u of %u"), done * 100 / MAX (total, 1), done, total);
}

static void
print_lint (StrataCli           *cli,
            StrataRevisionGraph *graph)
{
  LintProgress progress = { 0 };
  gboolean show = cli->interactive && !cli->quiet;
  g_autoptr(GPtrArray) warnings = NULL;

  /* The first redraw waits for a tenth of a second: a short check shows none. */
  progress.drawn_at = g_get_monotonic_time ();
  warnings = strata_lint_graph (graph, show ? lint_progress_cb : NULL, &progress, NULL, NULL);
  if (progress.shown)
    g_printerr ("\r\033[K");
  for (guint w = 0; warnings != NULL && w < warnings->len; w++)
    {
      g_autofree char *text = strata_lint_warning_to_string (g_ptr_array_index (warnings, w));
      g_printerr ("%s\n", text);
    }
}

/* What the revision autogenerate would write now could not do with the
 * database's rows; drops allowed, since only the rows are looked at. */
static void
warn_generated_rows (StrataProject       *project,
                     StrataRevisionGraph *graph)
{
  g_autoptr(StrataAutogen) autogen = strata_autogen_new (project);

  strata_autogen_set_graph (autogen, graph);
  strata_autogen_set_flags (autogen, STRATA_AUTOGEN_FLAGS_ALLOW_DROP);
  if (strata_autogen_run (autogen, NULL, NULL))
    warn_rows (autogen);
}

gboolean
strata_cli_check_schema (StrataCli           *cli,
                         StrataProject       *project,
                         StrataRevisionGraph *graph)
{
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *differences;

  print_lint (cli, graph);
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
  warn_generated_rows (project, graph);
  return FALSE;
}
