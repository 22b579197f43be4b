/* strata-cli-migrate.c: upgrade, downgrade and stamp, online or as SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "strata-cli-private.h"

/* One online run. It runs on this thread, with strata_migration_run(), so
 * progress arrives as it happens; ^C and SIGTERM are watched from a thread
 * of their own, whose only work is to cancel. A command has no window to
 * keep responsive, and the thread pool and main loop of the async call cost
 * a no-op upgrade a third of a millisecond, a twentieth of its time. */
typedef struct
{
  StrataCli       *cli;
  StrataMigration *migration;
  GCancellable    *cancellable;
  GError          *error;
  char            *drawn;  /* the progress line on screen */
  gboolean         progress_shown;
  gboolean         succeeded;
} Run;

/* What a command's options said. */
typedef struct
{
  StrataDirection  direction;
  char            *start;  /* the left side of "a:b", offline only */
  char            *target;
  gboolean         sql;
  gboolean         purge;
} Request;

static void
request_clear (Request *request)
{
  g_clear_pointer (&request->start, g_free);
  g_clear_pointer (&request->target, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

static guint
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 10)
    return size.ws_col;

  return 80;
}

static void
clear_progress (Run *run)
{
  if (!run->progress_shown)
    return;

  g_printerr ("\r\033[K");
  g_clear_pointer (&run->drawn, g_free);
  run->progress_shown = FALSE;
}

/* One line, cut to the terminal's width so that "\r" can rewrite it. */
static void
draw_progress (Run *run)
{
  const char *message = strata_migration_get_message (run->migration);
  double fraction = strata_migration_get_fraction (run->migration);
  g_autofree char *line = NULL;
  g_autofree char *cut = NULL;

  line = g_strdup_printf ("[%3.0f%%] %s", CLAMP (fraction, 0.0, 1.0) * 100.0,
                          message != NULL ? message : "");
  cut = g_utf8_substring (line, 0, MIN (g_utf8_strlen (line, -1), terminal_width () - 1));

  /* "fraction" and "message" often change together: draw once. */
  if (g_strcmp0 (cut, run->drawn) == 0)
    return;

  g_printerr ("\r\033[K%s", cut);
  g_free (run->drawn);
  run->drawn = g_steal_pointer (&cut);
  run->progress_shown = TRUE;
}

static void
progress_changed_cb (StrataMigration *migration,
                     GParamSpec      *pspec,
                     Run             *run)
{
  g_assert (STRATA_IS_MIGRATION (migration));

  draw_progress (run);
}

static void
step_finished_cb (StrataMigration *migration,
                  StrataStep      *step,
                  Run             *run)
{
  g_autofree char *description = NULL;

  g_assert (STRATA_IS_MIGRATION (migration));
  g_assert (STRATA_IS_STEP (step));

  description = strata_step_describe (step);
  clear_progress (run);
  strata_cli_say (run->cli, "%s\n", description);
  fflush (stdout);

  if (run->cli->interactive && !run->cli->quiet)
    draw_progress (run);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Run *run = user_data;

  g_cancellable_cancel (run->cancellable);

  return G_SOURCE_CONTINUE;
}

/* The signal watcher's context and loop; it runs until told to stop. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} SignalWatch;

static gpointer
watch_signals_cb (gpointer data)
{
  SignalWatch *watch = data;

  g_main_context_push_thread_default (watch->context);
  g_main_loop_run (watch->loop);
  g_main_context_pop_thread_default (watch->context);
  return NULL;
}

static void
watch_signal (SignalWatch *watch,
              int          signum,
              Run         *run)
{
  g_autoptr(GSource) source = g_unix_signal_source_new (signum);

  g_source_set_callback (source, interrupt_cb, run, NULL);
  g_source_attach (source, watch->context);
}

static void
watch_signals (SignalWatch *watch,
               Run         *run)
{
  watch->context = g_main_context_new ();
  watch->loop = g_main_loop_new (watch->context, FALSE);
  watch_signal (watch, SIGINT, run);
  watch_signal (watch, SIGTERM, run);
  watch->thread = g_thread_new ("strata-signals", watch_signals_cb, watch);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* A source rather than g_main_loop_quit() itself: the loop may not have
 * started yet, and would then start after the quit and never end. */
static void
unwatch_signals (SignalWatch *watch)
{
  g_autoptr(GSource) quit = g_idle_source_new ();

  g_source_set_callback (quit, quit_cb, watch->loop, NULL);
  g_source_attach (quit, watch->context);
  g_thread_join (watch->thread);
  g_main_loop_unref (watch->loop);
  /* Its last reference: the signal sources go with it. */
  g_main_context_unref (watch->context);
}

static void
connect_progress (Run *run)
{
  g_signal_connect (run->migration, "step-finished", G_CALLBACK (step_finished_cb), run);

  if (!run->cli->interactive || run->cli->quiet)
    return;

  g_signal_connect (run->migration, "notify::fraction", G_CALLBACK (progress_changed_cb), run);
  g_signal_connect (run->migration, "notify::message", G_CALLBACK (progress_changed_cb), run);
}

static void
run_until_done (Run *run)
{
  SignalWatch watch;

  watch_signals (&watch, run);
  run->succeeded = strata_migration_run (run->migration, run->cancellable, &run->error);
  unwatch_signals (&watch);

  g_signal_handlers_disconnect_by_data (run->migration, run);
  clear_progress (run);
}

/* After a cancel, say where the database stands: the revision in progress
 * was rolled back, the ones before it stay. */
static int
report_cancel (StrataProject *project)
{
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;

  if (!(status = strata_project_read_status (project, NULL, &error)))
    return strata_cli_fail (error);

  heads = strata_cli_format_heads (strata_status_get_heads (status));
  g_printerr (_("strata-cli: cancelled; the database stays at %s\n"), heads);

  return STRATA_CLI_EXIT_ERROR;
}

/* The target errors keep Alembic's wording ("Relative revision +1 didn't
 * produce 1 migrations"), which says neither where the database is nor what
 * to do: a second line says both. */
static void
explain_target (StrataProject *project,
                Request       *request,
                const GError  *error)
{
  g_autoptr(StrataStatus) status = NULL;
  g_autofree char *path = g_file_get_path (strata_project_get_database_file (project));
  g_autofree char *heads = NULL;
  gboolean up = request->direction == STRATA_DIRECTION_UPGRADE;

  if (!(status = strata_project_read_status (project, NULL, NULL)))
    return;
  heads = strata_cli_format_heads (strata_status_get_heads (status));

  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_RANGE) && up)
    g_printerr (_("strata-cli: the database %s is at %s, with fewer revisions above it than "
                  "that; run “strata-cli history -r current:” to list them, or "
                  "“strata-cli upgrade heads” to apply them all.\n"), path, heads);
  else if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_RANGE))
    g_printerr (_("strata-cli: the database %s is at %s, with fewer revisions below it than "
                  "that; run “strata-cli history -r :current” to list them, or "
                  "“strata-cli downgrade base” to undo them all.\n"), path, heads);
  /* A relative one ("-1" from a merge) has a message of its own that says
   * what to name instead. */
  else if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_TARGET) && !up &&
           strpbrk (request->target, "+-") == NULL)
    g_printerr (_("strata-cli: the database %s is at %s, and a downgrade goes to a revision "
                  "below that; run “strata-cli history -r :current” to list them, or "
                  "“strata-cli upgrade %s” to go forward instead.\n"),
                path, heads, request->target);
}

static gboolean
is_target_error (const GError *error)
{
  return g_error_matches (error, STRATA_ERROR, STRATA_ERROR_RANGE) ||
         g_error_matches (error, STRATA_ERROR, STRATA_ERROR_TARGET);
}

/* The core's message names the file and line of the failing statement; when
 * it does not, they are added from what the migration knows. */
static int
report_failure (StrataProject   *project,
                Request         *request,
                StrataMigration *migration,
                const GError    *error)
{
  StrataRevision *failed = strata_migration_get_failed_revision (migration);
  const char *path;
  guint line;

  if (failed == NULL && is_target_error (error))
    {
      strata_cli_fail (error);
      explain_target (project, request, error);
      return STRATA_CLI_EXIT_ERROR;
    }

  if (failed == NULL)
    return strata_cli_fail (error);

  path = strata_revision_get_display_path (failed);
  line = strata_migration_get_failed_line (migration);
  if (path == NULL || strstr (error->message, path) != NULL)
    return strata_cli_fail (error);

  if (line > 0)
    g_printerr ("strata-cli: %s:%u: %s\n", path, line, error->message);
  else
    g_printerr ("strata-cli: %s: %s\n", path, error->message);

  return STRATA_CLI_EXIT_ERROR;
}

/* What the core's plan says a run drops: "the tables a, b and the column
 * t.c", or NULL when it drops nothing. */
static char *
describe_drops (StrataMigrationPlan *plan)
{
  const char * const *tables = strata_migration_plan_get_dropped_tables (plan);
  const char * const *columns = strata_migration_plan_get_dropped_columns (plan);
  guint n_tables = g_strv_length ((GStrv)tables);
  guint n_columns = g_strv_length ((GStrv)columns);
  g_autofree char *table_names = g_strjoinv (", ", (GStrv)tables);
  g_autofree char *column_names = g_strjoinv (", ", (GStrv)columns);
  g_autofree char *table_part = NULL;
  g_autofree char *column_part = NULL;

  if (n_tables > 0)
    table_part = g_strdup_printf (ngettext ("the table %s", "the tables %s", n_tables),
                                  table_names);
  if (n_columns > 0)
    column_part = g_strdup_printf (ngettext ("the column %s", "the columns %s", n_columns),
                                   column_names);
  if (table_part != NULL && column_part != NULL)
    /* Translators: "the table a and the columns t.b, t.c" */
    return g_strdup_printf (_("%s and %s"), table_part, column_part);
  return table_part != NULL ? g_steal_pointer (&table_part) : g_steal_pointer (&column_part);
}

/* People are told before a run what it drops and whether the database is
 * backed up first, as the app's question tells them; scripts are not. The
 * graph loaded here is the run's too. */
static void
announce_drops (StrataCli       *cli,
                StrataProject   *project,
                Request         *request,
                StrataMigration *migration)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *drops = NULL;

  /* A database not created yet has nothing to lose. */
  if (!cli->interactive || cli->quiet || request->direction == STRATA_DIRECTION_STAMP ||
      !g_file_query_exists (strata_project_get_database_file (project), NULL) ||
      !(graph = strata_cli_load_graph (cli, project, NULL)))
    return;
  strata_migration_set_graph (migration, graph);
  /* A plan that fails fails the run too, which says why. */
  if (!(plan = strata_migration_plan_new (project, graph, request->direction, NULL,
                                          request->target, NULL, NULL)) ||
      !(drops = describe_drops (plan)))
    return;
  if (strata_migration_plan_get_backs_up (plan))
    g_printerr (_("strata-cli: this run drops %s; the database is backed up first\n"), drops);
  else
    g_printerr (_("strata-cli: this run drops %s, and no backup is taken (“backup = never” "
                  "in strata.ini)\n"), drops);
}

static int
run_online (StrataCli     *cli,
            StrataProject *project,
            Request       *request)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  migration = strata_migration_new (project, request->direction, request->target);
  strata_migration_set_purge (migration, request->purge);
  if (cli->group_commit_set)
    strata_migration_set_group_commit_ms (migration, cli->group_commit_ms);
  announce_drops (cli, project, request, migration);

  run.cli = cli;
  run.migration = migration;
  run.cancellable = cancellable;
  connect_progress (&run);
  run_until_done (&run);
  error = g_steal_pointer (&run.error);
  /* Scripts find it with "strata-cli backups"; people are told. */
  if (cli->interactive && !cli->quiet && strata_migration_get_backup (migration) != NULL)
    {
      GFile *file = strata_backup_get_file (strata_migration_get_backup (migration));
      g_autofree char *kept = strata_project_get_display_path (project, file);

      g_printerr (_("strata-cli: backed up the database to %s first\n"), kept);
    }
  /* Said whether the run succeeded or not: the rows are there either way. */
  if (!cli->quiet)
    {
      const char * const *warnings = strata_migration_get_warnings (migration);

      for (guint i = 0; warnings[i] != NULL; i++)
        g_printerr (_("strata-cli: warning: %s\n"), warnings[i]);
    }

  if (run.succeeded)
    return STRATA_CLI_EXIT_OK;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return report_cancel (project);

  return report_failure (project, request, migration, error);
}

static int
render_offline (StrataCli     *cli,
                StrataProject *project,
                Request       *request)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) start_heads = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *drops = NULL;

  if (!(graph = strata_cli_load_graph (cli, project, &error)))
    return strata_cli_fail (error);

  if (request->start != NULL &&
      !(start_heads = strata_cli_resolve_ids (graph, request->start, &error)))
    return strata_cli_fail (error);

  migration = strata_migration_new (project, request->direction, request->target);
  strata_migration_set_graph (migration, graph);
  strata_migration_set_purge (migration, request->purge);

  if (!(sql = strata_migration_render_sql (migration, (const char * const *)start_heads,
                                           NULL, &error)))
    return strata_cli_fail (error);
  if (request->direction != STRATA_DIRECTION_STAMP &&
      !(plan = strata_migration_plan_new (project, graph, request->direction,
                                          (const char * const *)start_heads, request->target,
                                          NULL, &error)))
    return strata_cli_fail (error);
  if (plan != NULL)
    drops = describe_drops (plan);

  /* sqlite3 goes on after a failing statement unless told to stop, and the
   * revision's COMMIT then keeps the statements before it. */
  if (sql[0] != '\0')
    g_print ("%s", _("-- Run this script with “sqlite3 -bail DATABASE < FILE”: without -bail,\n"
                     "-- a failing statement does not stop it, and the COMMIT that follows\n"
                     "-- keeps half a revision.\n"));
  /* The script takes no backup, as a run would. */
  if (drops != NULL)
    g_print (_("-- It drops %s: back the database up before you run it.\n"), drops);
  g_print ("%s%s", sql, g_str_has_suffix (sql, "\n") || sql[0] == '\0' ? "" : "\n");

  return STRATA_CLI_EXIT_OK;
}

/* "a:b" is Alembic's offline range: start from the rows "a" without reading
 * the database. Online it makes no sense. */
static int
split_target (Request    *request,
              const char *argument)
{
  const char *colon = strchr (argument, ':');

  if (colon == NULL)
    {
      request->target = g_strdup (argument);
      return STRATA_CLI_EXIT_OK;
    }

  if (!request->sql)
    return strata_cli_verb_usage_error (strata_direction_to_string (request->direction),
                                        _("Range revision not allowed without --sql: “%s”"),
                                        argument);

  request->start = g_strndup (argument, colon - argument);
  request->target = g_strdup (colon + 1);

  if (request->target[0] == '\0')
    return strata_cli_verb_usage_error (strata_direction_to_string (request->direction),
                                        _("the range “%s” has no end revision"), argument);

  return STRATA_CLI_EXIT_OK;
}

static int
execute (StrataCli *cli,
         Request   *request)
{
  int status;

  if ((status = split_target (request, cli->args[0])) != STRATA_CLI_EXIT_OK)
    return status;

  if (request->sql)
    return render_offline (cli, cli->project, request);

  return run_online (cli, cli->project, request);
}

int
strata_cli_upgrade (StrataCli *cli)
{
  g_auto(Request) request = { STRATA_DIRECTION_UPGRADE, .sql = cli->sql };

  return execute (cli, &request);
}

int
strata_cli_downgrade (StrataCli *cli)
{
  g_auto(Request) request = { STRATA_DIRECTION_DOWNGRADE, .sql = cli->sql };

  return execute (cli, &request);
}

/* "stamp A B", as Alembic takes it: each target names a branch. They are
 * all resolved before anything is written, so that a typo in the second one
 * leaves the version table as it was; then each is stamped in turn, the
 * later ones keeping the rows of the earlier. */
static int
stamp_several (StrataCli *cli)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GError) error = NULL;

  if (cli->sql)
    return strata_cli_verb_usage_error ("stamp", _("stamp --sql takes one TARGET; run it "
                                                   "once per branch"));

  if (!(graph = strata_cli_load_graph (cli, cli->project, &error)))
    return strata_cli_fail (error);

  for (int i = 0; i < cli->n_args; i++)
    {
      g_auto(GStrv) ids = NULL;

      if (strchr (cli->args[i], ':') != NULL)
        return strata_cli_verb_usage_error ("stamp",
                                            _("Range revision not allowed without --sql: "
                                              "“%s”"), cli->args[i]);
      if (!(ids = strata_cli_resolve_ids (graph, cli->args[i], &error)))
        return strata_cli_fail (error);
    }

  for (int i = 0; i < cli->n_args; i++)
    {
      g_auto(Request) request = { STRATA_DIRECTION_STAMP,
                                  .purge = cli->purge && i == 0,
                                  .target = g_strdup (cli->args[i]) };
      int status = run_online (cli, cli->project, &request);

      if (status != STRATA_CLI_EXIT_OK)
        return status;
    }

  return STRATA_CLI_EXIT_OK;
}

int
strata_cli_stamp (StrataCli *cli)
{
  g_auto(Request) request = { STRATA_DIRECTION_STAMP, .sql = cli->sql, .purge = cli->purge };

  if (cli->n_args > 1)
    return stamp_several (cli);

  return execute (cli, &request);
}

int
strata_cli_ensure_version (StrataCli *cli)
{
  g_autoptr(GError) error = NULL;

  if (!strata_project_ensure_version_table (cli->project, NULL, &error))
    return strata_cli_fail (error);

  return STRATA_CLI_EXIT_OK;
}
