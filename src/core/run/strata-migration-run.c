/* strata-migration-run.c: a run's steps, each all or nothing, on one connection
 *
 * Everything here runs on the worker (or, for the synchronous twin, on the
 * caller's thread) and owns its own connection.
 *
 * Consecutive transactional steps share one write transaction (a batch), each
 * in a savepoint of its own: a step that fails rolls back to its savepoint and
 * the steps before it commit. A batch commits after about GROUP_COMMIT_MS,
 * before a transaction:false section and at the end; only then are its steps
 * reported finished, so a reported step is always durable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "strata-backup-private.h"
#include "strata-database-private.h"
#include "strata-copy-failure-private.h"
#include "strata-error.h"
#include "strata-foreign-keys-private.h"
#include "strata-migration-private.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-revision-private.h"
#include "strata-revision-graph.h"
#include "strata-schema-snapshot.h"
#include "strata-section-private.h"
#include "strata-sql.h"
#include "strata-status-private.h"
#include "strata-step-private.h"

/* SQLite virtual machine instructions between two looks at the cancellable. */
#define PROGRESS_INTERVAL 1000

/* How long a batch of steps may hold the write lock before it commits: what
 * another connection may wait beyond one step, and long enough that the five
 * syncs of a commit are shared by many small revisions. */
#define GROUP_COMMIT_MS 200

typedef struct
{
  _StrataRunRequest   *request;
  StrataMigration     *migration;
  GCancellable        *cancellable;
  StrataRevisionGraph *graph;
  StrataStatus        *status;
  StrataDatabase      *database;
  sqlite3             *db;
  GPtrArray           *steps;
  /* The version table's rows as this run expects them, sorted. */
  GPtrArray           *heads;
  gboolean             tables_ready;
  gboolean             history_exists;
  int                  foreign_keys;
  gboolean             restore_journal;
  char                *lock_path;
  gboolean             lock_written;
  /* The open batch: indexes into steps of the steps applied in the write
   * transaction and not yet committed, and the state before its first one. */
  GArray              *batch;
  GPtrArray           *batch_heads;
  gboolean             batch_tables_ready;
  gint64               batch_started_us;
  gint64               batch_budget_us;
  /* Set while the batch is applied again after SQLite dropped it. */
  gboolean             replaying;
} Run;

typedef struct
{
  char   *started_at;
  gint64  started_us;
} Clock;

static void
run_clear (Run *run)
{
  g_clear_object (&run->graph);
  g_clear_object (&run->status);
  g_clear_object (&run->database);
  g_clear_pointer (&run->steps, g_ptr_array_unref);
  g_clear_pointer (&run->heads, g_ptr_array_unref);
  g_clear_pointer (&run->lock_path, g_free);
  g_clear_pointer (&run->batch, g_array_unref);
  g_clear_pointer (&run->batch_heads, g_ptr_array_unref);
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static GPtrArray *
strv_to_array (const char * const *strv)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    g_ptr_array_add (array, g_strdup (strv[i]));
  g_ptr_array_sort (array, compare_strings);
  return array;
}

static GStrv
heads_to_strv (GPtrArray *heads)
{
  GStrv strv = g_new0 (char *, heads->len + 1);

  for (guint i = 0; i < heads->len; i++)
    strv[i] = g_strdup (g_ptr_array_index (heads, i));
  return strv;
}

/* "base (no revision)" or "a1b2c3d4e5f6, 0f9e8d7c6b5a", for messages. */
static char *
describe_heads (GPtrArray *heads)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (heads->len == 0)
    return g_strdup (_("base (no revision applied)"));
  for (guint i = 0; i < heads->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (heads, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
revision_name (StrataStep *step)
{
  StrataRevision *revision = strata_step_get_revision (step);
  return revision != NULL ? strata_revision_get_display_path (revision) : _("the stamp");
}

static void set_busy_error (Run     *run,
                            GError **error);

/* Planning --------------------------------------------------------------------- */

/* A downgrade through a revision whose downgrade section is empty would
 * leave what its upgrade made and still say it went down: refused before
 * anything runs, unless the section says it is empty on purpose. */
static gboolean
check_downgrades (GPtrArray  *steps,
                  GError    **error)
{
  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      StrataRevision *revision = strata_step_get_revision (step);

      if (strata_step_get_direction (step) != STRATA_DIRECTION_DOWNGRADE || revision == NULL ||
          !_strata_revision_lacks_downgrade (revision))
        continue;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("%s:%u: revision %s has no downgrade: its upgrade would stay in the "
                     "database. Write the SQL that undoes it, or, if it cannot be undone on "
                     "purpose, put the line “%s” in its downgrade section"),
                   strata_revision_get_display_path (revision),
                   MAX (1, strata_revision_get_sql_line (revision, STRATA_DIRECTION_DOWNGRADE)),
                   strata_revision_get_id (revision), STRATA_NO_DOWNGRADE_MARKER);
      return FALSE;
    }
  return TRUE;
}

static gboolean
plan (Run     *run,
      GError **error)
{
  _StrataRunRequest *request = run->request;
  g_autoptr(StrataRevisionGraph) complete = NULL;
  const char * const *heads;

  if (!(complete = strata_status_complete_graph (run->status, run->graph, error)))
    return FALSE;
  g_set_object (&run->graph, complete);

  heads = request->start_heads != NULL ? (const char * const *)request->start_heads
                                       : strata_status_get_heads (run->status);
  /* A purging stamp exists precisely to get out of a version table that
   * names revisions nobody knows. */
  if (request->start_heads == NULL &&
      !(request->direction == STRATA_DIRECTION_STAMP && request->purge) &&
      !strata_status_check_unknown_heads (run->status, run->graph, request->database_file, error))
    return FALSE;

  run->heads = strv_to_array (heads);
  if (request->direction == STRATA_DIRECTION_STAMP)
    run->steps = strata_revision_graph_plan_stamp (run->graph, heads, request->target,
                                                   request->purge, error);
  else
    run->steps = strata_revision_graph_plan (run->graph, request->direction, heads,
                                             request->target, error);
  /* What runs, and the checksum recorded, come from the files as they are
   * now, never from the revision cache the graph was listed from. */
  return run->steps != NULL && _strata_steps_read_for_run (run->steps, error) &&
         check_downgrades (run->steps, error);
}

/* The connection is opened on a thread of its own while the worker loads the
 * graph: opening reads the whole schema, which takes as long as parsing a few
 * hundred revision files. The worker takes the connection over after joining
 * the thread, so it is never used by two threads at once. */
typedef struct
{
  Run      *run;
  gboolean  offline;
  GError   *error;
} Opening;

static gpointer
open_database_cb (gpointer data)
{
  Opening *opening = data;
  StrataDatabaseFlags flags = opening->offline ? STRATA_DATABASE_FLAGS_READ_ONLY
                                               : STRATA_DATABASE_FLAGS_NONE;

  opening->run->database = strata_database_open (opening->run->request->database_file, flags,
                                                 &opening->error);
  return NULL;
}

static gboolean
read_status (Run       *run,
             Opening   *opening,
             GError   **error)
{
  _StrataRunRequest *request = run->request;
  g_autoptr(GError) local_error = g_steal_pointer (&opening->error);

  if (run->database != NULL &&
      (run->status = _strata_status_read_for_graph (run->database, request->version_table,
                                                    run->graph, &local_error)) &&
      _strata_database_table_exists (run->database, STRATA_HISTORY_TABLE, &run->history_exists,
                                     &local_error))
    return TRUE;

  /* A connection holding an exclusive lock keeps even readers out. */
  if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_BUSY))
    set_busy_error (run, error);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Loads the graph and the database's status and plans. A database that does
 * not exist yet is not created here: a run that fails to plan leaves no file. */
static gboolean
load_and_plan (Run       *run,
               gboolean   offline,
               GError   **error)
{
  _StrataRunRequest *request = run->request;
  Opening opening = { run, offline };
  GThread *opener = NULL;
  gboolean reads_database;

  reads_database = g_file_query_exists (request->database_file, NULL) &&
                   !(offline && request->start_heads != NULL);
  if (reads_database && request->graph == NULL)
    opener = g_thread_new ("strata-open", open_database_cb, &opening);
  else if (reads_database)
    open_database_cb (&opening);

  if (request->graph != NULL)
    run->graph = g_object_ref (request->graph);
  else
    run->graph = strata_project_load_graph (request->project, run->cancellable, error);
  if (opener != NULL)
    g_thread_join (opener);
  if (run->graph == NULL)
    {
      g_clear_error (&opening.error);
      return FALSE;
    }

  if (!reads_database)
    run->status = strata_status_new_empty ();
  else if (!read_status (run, &opening, error))
    return FALSE;

  if (!plan (run, error))
    return FALSE;
  _strata_migration_set_plan (run->migration, run->steps);
  return TRUE;
}

/* Who holds the lock ----------------------------------------------------------- */

static void
write_lock_note (Run *run)
{
  _StrataRunRequest *request = run->request;
  g_autoptr(GKeyFile) note = g_key_file_new ();
  g_autofree char *command = NULL;
  g_autofree char *started = now_iso8601 ();
  g_autofree char *data = NULL;

  if (run->lock_written)
    return;

  /* Only a hint for a second process that finds the database busy, so a
   * failure to write it changes nothing. */
  command = g_strdup_printf ("%s %s %s", g_get_prgname () ? g_get_prgname () : "strata",
                             strata_direction_to_string (request->direction), request->target);
  g_key_file_set_int64 (note, "lock", "pid", getpid ());
  g_key_file_set_string (note, "lock", "host", g_get_host_name ());
  g_key_file_set_string (note, "lock", "command", command);
  g_key_file_set_string (note, "lock", "started", started);
  data = g_key_file_to_data (note, NULL, NULL);
  run->lock_written = g_file_set_contents (run->lock_path, data, -1, NULL);
}

static void
remove_lock_note (Run *run)
{
  g_autoptr(GKeyFile) note = g_key_file_new ();

  if (!run->lock_written)
    return;
  /* Another run may have replaced ours since; its note stays. */
  if (g_key_file_load_from_file (note, run->lock_path, G_KEY_FILE_NONE, NULL) &&
      g_key_file_get_int64 (note, "lock", "pid", NULL) == getpid ())
    g_unlink (run->lock_path);
  run->lock_written = FALSE;
}

/* "strata-cli upgrade head (pid 1234, since …)", or NULL when no live strata
 * process left a note. */
static char *
read_lock_holder (Run *run)
{
  g_autoptr(GKeyFile) note = g_key_file_new ();
  g_autofree char *host = NULL;
  g_autofree char *command = NULL;
  g_autofree char *started = NULL;
  gint64 pid;

  if (!g_key_file_load_from_file (note, run->lock_path, G_KEY_FILE_NONE, NULL))
    return NULL;
  pid = g_key_file_get_int64 (note, "lock", "pid", NULL);
  host = g_key_file_get_string (note, "lock", "host", NULL);
  command = g_key_file_get_string (note, "lock", "command", NULL);
  started = g_key_file_get_string (note, "lock", "started", NULL);

  /* Our own note says nothing about who else holds the database: a run
   * that holds the write lock and still finds it busy waits for readers. */
  if (run->lock_written && pid == getpid ())
    return NULL;
  /* A note from a process that died (kill -9) or from another machine is stale. */
  if (pid <= 0 || g_strcmp0 (host, g_get_host_name ()) != 0 ||
      (kill ((pid_t)pid, 0) != 0 && errno == ESRCH))
    return NULL;
  /* %lld rather than G_GINT64_FORMAT: xgettext cannot see through the macro. */
  return g_strdup_printf (_("“%s” (pid %lld, since %s)"),
                          command != NULL ? command : "strata", (long long)pid,
                          started != NULL ? started : "?");
}

static void
set_busy_error (Run     *run,
                GError **error)
{
  g_autofree char *holder = read_lock_holder (run);
  g_autofree char *name = g_file_get_parse_name (run->request->database_file);
  double seconds = _strata_database_get_busy_timeout () / 1000.0;

  if (holder != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: %s is being migrated by %s; wait for it to finish"),
                 name, holder);
  else if (run->lock_written)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: another program has been reading %s for more than "
                   "%.1f s, and a revision cannot be committed while it reads; nothing was "
                   "changed; close that program (or its open query) and try again"),
                 name, seconds);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("database is busy: another connection has held the write lock on %s for "
                   "more than %.1f s; close the program that has it open for writing and try "
                   "again"),
                 name, seconds);
}

/* Statements ------------------------------------------------------------------- */

static gboolean
exec_sql (Run         *run,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (run->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  if ((rc & 0xff) == SQLITE_BUSY)
    set_busy_error (run, error);
  else
    strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, NULL);
  return FALSE;
}

static gboolean
begin_immediate (Run     *run,
                 GError **error)
{
  if (!exec_sql (run, "BEGIN IMMEDIATE;", error))
    return FALSE;
  write_lock_note (run);
  return TRUE;
}

static void
rollback (Run *run)
{
  /* SQLite already rolled back after some errors (an interrupt, a full disk). */
  if (!sqlite3_get_autocommit (run->db))
    sqlite3_exec (run->db, "ROLLBACK;", NULL, NULL, NULL);
}

static gboolean
ensure_tables (Run     *run,
               GError **error)
{
  g_autofree char *version_table = NULL;

  if (run->tables_ready)
    return TRUE;
  version_table = _strata_version_table_create_sql (run->request->version_table);
  if (!exec_sql (run, version_table, error) ||
      !exec_sql (run, _strata_history_create_sql (), error))
    return FALSE;
  return TRUE;
}

static gboolean
check_heads (Run     *run,
             GError **error)
{
  g_auto(GStrv) actual = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *actual_text = NULL;
  gboolean same;

  if (!(actual = strata_database_read_heads (run->database, run->request->version_table, error)))
    return FALSE;
  sorted = strv_to_array ((const char * const *)actual);

  same = sorted->len == run->heads->len;
  for (guint i = 0; same && i < sorted->len; i++)
    same = strcmp (g_ptr_array_index (sorted, i), g_ptr_array_index (run->heads, i)) == 0;
  if (same)
    return TRUE;

  expected_text = describe_heads (run->heads);
  actual_text = describe_heads (sorted);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
               _("another process migrated %s meanwhile: its version table holds %s where %s "
                 "was expected; nothing more was done, run the command again"),
               _strata_database_get_display_name (run->database), actual_text, expected_text);
  return FALSE;
}

static void
advance_heads (Run        *run,
               StrataStep *step)
{
  const char * const *from = strata_step_get_from_heads (step);
  const char * const *to = strata_step_get_to_heads (step);

  for (guint i = 0; from[i] != NULL; i++)
    for (guint j = 0; j < run->heads->len; j++)
      if (strcmp (g_ptr_array_index (run->heads, j), from[i]) == 0)
        {
          g_ptr_array_remove_index (run->heads, j);
          break;
        }
  for (guint i = 0; to[i] != NULL; i++)
    g_ptr_array_add (run->heads, g_strdup (to[i]));
  g_ptr_array_sort (run->heads, compare_strings);
}

static gboolean
apply_version_sql (Run         *run,
                   StrataStep  *step,
                   GError     **error)
{
  g_autoptr(GPtrArray) statements = strata_step_get_version_sql (step, run->request->version_table);

  for (guint i = 0; i < statements->len; i++)
    if (!exec_sql (run, g_ptr_array_index (statements, i), error))
      return FALSE;
  return TRUE;
}

/* Only the rows this revision left pointing at nothing count against it;
 * see strata-foreign-keys.c. */
static gboolean
check_foreign_keys (Run         *run,
                    StrataStep  *step,
                    GError     **error)
{
  g_autofree char *heads = describe_heads (run->heads);

  return _strata_foreign_keys_check (run->database, run->migration, revision_name (step), heads,
                                     error);
}

/* strata_history --------------------------------------------------------------- */

static void
bind_text (sqlite3_stmt        *stmt,
           StrataHistoryColumn  column,
           const char          *text)
{
  sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_list (sqlite3_stmt        *stmt,
           StrataHistoryColumn  column,
           const char * const  *list)
{
  g_autofree char *joined = g_strjoinv (",", (char **)list);
  bind_text (stmt, column, joined);
}

static void
bind_revision (sqlite3_stmt    *stmt,
               StrataRevision  *revision,
               StrataDirection  direction)
{
  g_autofree char *checksum = NULL;

  if (direction != STRATA_DIRECTION_STAMP)
    checksum = strata_revision_get_checksum (revision, direction);
  bind_text (stmt, STRATA_HISTORY_CHECKSUM, checksum);
  bind_text (stmt, STRATA_HISTORY_MESSAGE, strata_revision_get_message (revision));
  bind_list (stmt, STRATA_HISTORY_DOWN_REVISIONS, strata_revision_get_down_revisions (revision));
  bind_list (stmt, STRATA_HISTORY_BRANCH_LABELS, strata_revision_get_branch_labels (revision));
  bind_list (stmt, STRATA_HISTORY_DEPENDS_ON, strata_revision_get_depends_on (revision));
  bind_text (stmt, STRATA_HISTORY_CREATE_DATE, strata_revision_get_create_date (revision));
  bind_text (stmt, STRATA_HISTORY_FILE, strata_revision_get_display_path (revision));
  /* Not copied: the revision outlives the statement, and a section may be
   * tens of megabytes. */
  sqlite3_bind_text (stmt, STRATA_HISTORY_UPGRADE_SQL,
                     strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, STRATA_HISTORY_DOWNGRADE_SQL,
                     strata_revision_get_sql (revision, STRATA_DIRECTION_DOWNGRADE), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int (stmt, STRATA_HISTORY_UPGRADE_TRANSACTIONAL,
                    strata_revision_get_transactional (revision, STRATA_DIRECTION_UPGRADE));
  sqlite3_bind_int (stmt, STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL,
                    strata_revision_get_transactional (revision, STRATA_DIRECTION_DOWNGRADE));
}

static char *
history_insert_sql (void)
{
  g_autoptr(GString) sql = g_string_new (_strata_history_insert_prefix ());

  g_string_append_c (sql, '(');
  for (guint i = 1; i <= STRATA_HISTORY_N_COLUMNS; i++)
    g_string_append_printf (sql, i > 1 ? ", ?%u" : "?%u", i);
  g_string_append (sql, ");");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* A stamp records each revision it stamps (with its SQL, so that a later
 * downgrade can run even if the file goes), or one row for a stamp to base. */
static GPtrArray *
history_subjects (Run        *run,
                  StrataStep *step)
{
  GPtrArray *subjects = g_ptr_array_new_with_free_func (g_free);
  const char * const *to = strata_step_get_to_heads (step);

  if (strata_step_get_revision (step) != NULL)
    g_ptr_array_add (subjects, g_strdup (strata_revision_get_id (strata_step_get_revision (step))));
  else
    for (guint i = 0; to[i] != NULL; i++)
      g_ptr_array_add (subjects, g_strdup (to[i]));
  if (subjects->len == 0)
    g_ptr_array_add (subjects, g_strdup (""));
  return subjects;
}

static gboolean
insert_history_row (Run         *run,
                    StrataStep  *step,
                    const char  *id,
                    Clock       *clock,
                    const char  *outcome,
                    const char  *error_text,
                    GError     **error)
{
  g_autofree char *sql = history_insert_sql ();
  g_autofree char *finished_at = now_iso8601 ();
  StrataDirection direction = strata_step_get_direction (step);
  StrataRevision *revision = strata_step_get_revision (step);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (revision == NULL && id[0] != '\0')
    revision = strata_revision_graph_lookup (run->graph, id);

  if (sqlite3_prepare_v2 (run->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }
  bind_text (stmt, STRATA_HISTORY_REVISION, id);
  bind_text (stmt, STRATA_HISTORY_DIRECTION, strata_direction_to_string (direction));
  /* A stamp to base has no revision to describe. */
  bind_text (stmt, STRATA_HISTORY_MESSAGE, "");
  bind_text (stmt, STRATA_HISTORY_DOWN_REVISIONS, "");
  bind_text (stmt, STRATA_HISTORY_BRANCH_LABELS, "");
  bind_text (stmt, STRATA_HISTORY_DEPENDS_ON, "");
  sqlite3_bind_int (stmt, STRATA_HISTORY_UPGRADE_TRANSACTIONAL, 1);
  sqlite3_bind_int (stmt, STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL, 1);
  if (revision != NULL)
    bind_revision (stmt, revision, direction);
  bind_list (stmt, STRATA_HISTORY_FROM_HEADS, strata_step_get_from_heads (step));
  bind_list (stmt, STRATA_HISTORY_TO_HEADS, strata_step_get_to_heads (step));
  bind_text (stmt, STRATA_HISTORY_STARTED_AT, clock->started_at);
  bind_text (stmt, STRATA_HISTORY_FINISHED_AT, finished_at);
  sqlite3_bind_int64 (stmt, STRATA_HISTORY_DURATION_MS,
                      (g_get_monotonic_time () - clock->started_us) / 1000);
  bind_text (stmt, STRATA_HISTORY_OUTCOME, outcome);
  bind_text (stmt, STRATA_HISTORY_ERROR, error_text);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, STRATA_HISTORY_TABLE);
  return FALSE;
}

static gboolean
insert_history (Run         *run,
                StrataStep  *step,
                Clock       *clock,
                const char  *outcome,
                const char  *error_text,
                GError     **error)
{
  g_autoptr(GPtrArray) subjects = history_subjects (run, step);

  for (guint i = 0; i < subjects->len; i++)
    if (!insert_history_row (run, step, g_ptr_array_index (subjects, i), clock, outcome,
                             error_text, error))
      return FALSE;
  return TRUE;
}

/* After the step is undone: the failure is part of the history even though
 * the revision is not. The row goes into the open batch, if there is one,
 * which the caller then commits with the steps before it; else into a
 * transaction of its own. Failing to record it must not hide the error that
 * matters, so this one is only logged. */
static void
record_failure (Run          *run,
                StrataStep   *step,
                Clock        *clock,
                const GError *failure)
{
  g_autoptr(GError) error = NULL;
  const char *outcome;

  outcome = g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" : "failed";
  if (sqlite3_get_autocommit (run->db) && !begin_immediate (run, &error))
    {
      g_debug ("Could not record the failed step in %s: %s", STRATA_HISTORY_TABLE,
               error->message);
      return;
    }
  if (exec_sql (run, "SAVEPOINT strata_failure;", &error))
    {
      if (ensure_tables (run, &error) &&
          insert_history (run, step, clock, outcome, failure->message, &error) &&
          exec_sql (run, "RELEASE strata_failure;", &error))
        return;
      sqlite3_exec (run->db, "ROLLBACK TO strata_failure; RELEASE strata_failure;",
                    NULL, NULL, NULL);
    }
  g_debug ("Could not record the failed step in %s: %s", STRATA_HISTORY_TABLE, error->message);
}

/* Running a section ------------------------------------------------------------ */

static int
progress_cb (void *data)
{
  /* Non-zero interrupts the statement; SQLite then returns SQLITE_INTERRUPT. */
  return g_cancellable_is_cancelled (data);
}

typedef struct
{
  StrataStep     *step;
  StrataRevision *revision;  /* NULL for a stamp, which runs no SQL */
  StrataDirection direction;
  gboolean        transactional;
  StrataSection   sql;
} Section;

static void
set_statement_error (Run          *run,
                     Section      *section,
                     guint         line,
                     const char   *statement,
                     const char   *message,
                     GError      **error)
{
  g_autofree char *heads = describe_heads (run->heads);
  const char *path = strata_revision_get_display_path (section->revision);
  const char *id = strata_revision_get_id (section->revision);

  _strata_migration_set_failure (run->migration, section->revision, line, statement);
  if (section->transactional)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                 _("%s:%u: %s; revision %s was rolled back and the database stays at %s"),
                 path, line, message, id, heads);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                 _("%s:%u: %s; this section runs outside a transaction, so the statements "
                   "before it stay applied, and the version table stays at %s"),
                 path, line, message, heads);
}

static void
statement_started_cb (const StrataSqlCursor *statement,
                      gpointer               data)
{
  Run *run = data;
  const char *newline = memchr (statement->text, '\n', statement->length);
  g_autofree char *text = g_strndup (statement->text,
                                     newline != NULL ? (gsize)(newline - statement->text)
                                                     : statement->length);

  _strata_migration_statement_started (run->migration, text);
}

/* Runs the section with the one step engine (strata-section-private.h), so
 * that each error names the line of its statement in the file. */
static gboolean
run_section (Run      *run,
             Section  *section,
             GError  **error)
{
  StrataSectionHooks hooks = { NULL, statement_started_cb, NULL, run };
  g_auto(StrataSectionFailure) failure = { 0 };
  gboolean ok;

  if (!_strata_foreign_keys_note (run->database, error))
    return FALSE;
  /* A batch applied again after a cancel must not be cancelled itself. */
  if (!run->replaying)
    {
      hooks.cancellable = run->cancellable;
      sqlite3_progress_handler (run->db, PROGRESS_INTERVAL, progress_cb, run->cancellable);
    }
  else
    hooks.started = NULL;
  ok = _strata_section_apply (&section->sql, run->db, &hooks, &failure);
  sqlite3_progress_handler (run->db, 0, NULL, NULL);
  if (ok)
    return TRUE;

  if (failure.outcome == STRATA_SECTION_FAILED)
    {
      /* A failure inside a table rebuild names the user's table, not the copy. */
      g_autofree char *message = _strata_copy_failure_explain (run->db, failure.statement,
                                                               failure.message);
      set_statement_error (run, section, failure.line, failure.statement, message, error);
    }
  else if (failure.outcome != STRATA_SECTION_CANCELLED)
    set_statement_error (run, section, failure.line, failure.statement, failure.message, error);
  else if (failure.message == NULL)
    {
      /* Between two statements. */
      _strata_migration_set_failure (run->migration, section->revision, failure.line, NULL);
      g_cancellable_set_error_if_cancelled (run->cancellable, error);
    }
  else
    {
      _strata_migration_set_failure (run->migration, section->revision, failure.line,
                                     failure.statement);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Cancelled; revision %s was rolled back"),
                   strata_revision_get_id (section->revision));
    }
  return FALSE;
}

/* One step --------------------------------------------------------------------- */

static gboolean
should_record (const GError *error)
{
  return g_error_matches (error, STRATA_ERROR, STRATA_ERROR_SQL) ||
         g_error_matches (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Failures the database can be asked about: not a cancel, not a busy lock. */
static gboolean
should_diagnose (const GError *error)
{
  return g_error_matches (error, STRATA_ERROR, STRATA_ERROR_SQL) ||
         g_error_matches (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY);
}

/* The bookkeeping of a step: its version-table rows and its history row. */
static gboolean
finish_in_transaction (Run         *run,
                       StrataStep  *step,
                       Clock       *clock,
                       GError     **error)
{
  return apply_version_sql (run, step, error) &&
         check_foreign_keys (run, step, error) &&
         insert_history (run, step, clock, "success", NULL, error);
}

static void
section_init (Section    *section,
              StrataStep *step)
{
  memset (section, 0, sizeof *section);
  section->step = step;
  section->revision = strata_step_get_revision (step);
  section->direction = strata_step_get_direction (step);
  /* A stamp moves the version table and runs no SQL. */
  if (section->direction == STRATA_DIRECTION_STAMP)
    section->revision = NULL;
  if (section->revision != NULL)
    _strata_section_init (&section->sql, section->revision, section->direction);
  section->transactional = section->revision == NULL || section->sql.transactional;
}

/* A transactional step, inside the open write transaction. */
static gboolean
apply_step (Run      *run,
            Section  *section,
            Clock    *clock,
            GError  **error)
{
  return ensure_tables (run, error) &&
         check_heads (run, error) &&
         (section->revision == NULL || run_section (run, section, error)) &&
         finish_in_transaction (run, section->step, clock, error);
}

static void
step_applied (Run  *run,
              guint index)
{
  run->tables_ready = TRUE;
  advance_heads (run, g_ptr_array_index (run->steps, index));
  g_array_append_val (run->batch, index);
}

/* Group commit ----------------------------------------------------------------- */

static gint64
group_commit_budget_us (void)
{
  const char *env = g_getenv ("STRATA_GROUP_COMMIT_MS");
  guint64 value;

  /* Tests that act between two steps' commits set 0: a commit per step. */
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXINT, &value, NULL))
    return (gint64)value * 1000;
  return GROUP_COMMIT_MS * 1000;
}

static GPtrArray *
copy_heads (GPtrArray *heads)
{
  GPtrArray *copy = g_ptr_array_new_full (heads->len, g_free);

  for (guint i = 0; i < heads->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (heads, i)));
  return copy;
}

static gboolean
open_batch (Run     *run,
            GError **error)
{
  g_assert (run->batch->len == 0);

  /* Enforcement is a no-op inside a transaction, so it goes off before each
   * one (a transaction:false section may have switched it on); with it on, a
   * DROP TABLE would fire ON DELETE CASCADE in other tables. */
  if (!exec_sql (run, "PRAGMA foreign_keys = OFF;", error) || !begin_immediate (run, error))
    return FALSE;
  g_clear_pointer (&run->batch_heads, g_ptr_array_unref);
  run->batch_heads = copy_heads (run->heads);
  run->batch_tables_ready = run->tables_ready;
  run->batch_started_us = g_get_monotonic_time ();
  return TRUE;
}

/* The batch is gone (rolled back): the run is where it was before it. */
static void
forget_batch (Run *run)
{
  if (run->batch->len == 0)
    return;
  g_array_set_size (run->batch, 0);
  g_ptr_array_unref (run->heads);
  run->heads = copy_heads (run->batch_heads);
  run->tables_ready = run->batch_tables_ready;
}

/* Commits the open transaction, then reports its steps finished, in order:
 * a step is only ever reported once it is durable. */
static gboolean
commit_batch (Run     *run,
              GError **error)
{
  g_autoptr(GArray) batch = NULL;

  if (!sqlite3_get_autocommit (run->db) && !exec_sql (run, "COMMIT;", error))
    {
      rollback (run);
      forget_batch (run);
      return FALSE;
    }
  batch = g_steal_pointer (&run->batch);
  run->batch = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      _strata_migration_step_finished (run->migration, g_ptr_array_index (run->steps, index),
                                       index);
    }
  return TRUE;
}

/* SQLite rolled back the whole transaction (an interrupted write statement,
 * an I/O error, a full disk), and with it the batch's steps before the one
 * that failed. They succeeded once, and were never reported, so they are
 * applied again, without looking at the cancellable, to keep the promise
 * that the steps before a failure stay applied. */
static void
replay_batch (Run *run)
{
  g_autoptr(GArray) batch = g_array_copy (run->batch);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  forget_batch (run);
  if (batch->len == 0)
    return;

  run->replaying = TRUE;
  ok = begin_immediate (run, &error);
  for (guint i = 0; ok && i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      g_autofree char *started_at = now_iso8601 ();
      Clock clock = { started_at, g_get_monotonic_time () };
      Section section;

      section_init (&section, g_ptr_array_index (run->steps, index));
      if ((ok = apply_step (run, &section, &clock, &error)))
        step_applied (run, index);
    }
  run->replaying = FALSE;
  if (ok)
    return;
  rollback (run);
  forget_batch (run);
  g_debug ("Could not apply the steps before the failed one again: %s", error->message);
}

/* Back to the state before the failed step: to its savepoint, or when SQLite
 * dropped the transaction, by applying the batch before it again. */
static void
undo_step (Run *run)
{
  if (!sqlite3_get_autocommit (run->db))
    sqlite3_exec (run->db, "ROLLBACK TO strata_revision; RELEASE strata_revision;",
                  NULL, NULL, NULL);
  else
    replay_batch (run);
}

/* After a failure, the steps before it (and the failure's history row)
 * commit; should they be lost, the message says where the database stays. */
static void
commit_after_failure (Run    *run,
                      guint   n_before,
                      GError *failure)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *message = NULL;
  gboolean kept = run->batch->len == n_before;

  if (!commit_batch (run, &error))
    {
      kept = FALSE;
      g_debug ("Could not commit the steps before the failed one: %s", error->message);
    }
  if (kept || n_before == 0)
    return;

  heads = describe_heads (run->heads);
  message = g_strdup_printf (_("%s; the %u revisions applied before it in the same "
                               "transaction could not be kept, so the database stays at %s"),
                             failure->message, n_before, heads);
  g_free (failure->message);
  failure->message = g_steal_pointer (&message);
}

/* One step --------------------------------------------------------------------- */

static gboolean
run_transactional (Run      *run,
                   Section  *section,
                   Clock    *clock,
                   GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  guint n_before;

  if (sqlite3_get_autocommit (run->db) && !open_batch (run, error))
    return FALSE;
  if (exec_sql (run, "SAVEPOINT strata_revision;", &local_error) &&
      apply_step (run, section, clock, &local_error) &&
      exec_sql (run, "RELEASE strata_revision;", &local_error))
    return TRUE;

  n_before = run->batch->len;
  undo_step (run);
  if (should_diagnose (local_error))
    {
      g_auto(GStrv) heads = heads_to_strv (run->heads);
      _strata_migration_diagnose_rollback (run->database, run->request->version_table,
                                           (const char * const *)heads, section->step,
                                           local_error);
    }
  if (should_record (local_error))
    record_failure (run, section->step, clock, local_error);
  commit_after_failure (run, n_before, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* A transaction:false section (VACUUM, journal_mode) runs on its own; its
 * bookkeeping then commits in a transaction of its own. */
static gboolean
run_outside_transaction (Run      *run,
                         Section  *section,
                         Clock    *clock,
                         GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataSchemaSnapshot) before = NULL;
  gboolean section_ran = FALSE;

  if (!check_heads (run, error))
    return FALSE;
  /* What the schema was, to tell afterwards which statements took effect. */
  before = strata_schema_snapshot_read (run->database, NULL, NULL);
  if ((section_ran = run_section (run, section, &local_error)) &&
      begin_immediate (run, &local_error) &&
      ensure_tables (run, &local_error) &&
      check_heads (run, &local_error) &&
      finish_in_transaction (run, section->step, clock, &local_error) &&
      exec_sql (run, "COMMIT;", &local_error))
    return TRUE;

  rollback (run);
  if (before != NULL && should_diagnose (local_error))
    {
      g_auto(GStrv) heads = heads_to_strv (run->heads);
      guint line = section_ran ? 0 : strata_migration_get_failed_line (run->migration);

      _strata_migration_diagnose_partial (run->database, before, section->step, line,
                                          (const char * const *)heads, local_error);
    }
  if (should_record (local_error))
    {
      record_failure (run, section->step, clock, local_error);
      if (!sqlite3_get_autocommit (run->db) && !exec_sql (run, "COMMIT;", NULL))
        rollback (run);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* A transaction:false section ------------------------------------------------- */

/* SQLite's write lock cannot be held across a section that runs outside a
 * transaction (VACUUM, PRAGMA journal_mode), so the version check, the
 * section and its bookkeeping happen under a lock of their own: flock() on
 * "<database>-strata-run.lock", which every process about to run such a
 * section takes. Otherwise each of several processes started at once passes
 * the version check before any has run the section, and all run it. The
 * kernel drops the lock when its process dies, even by kill -9; the file
 * stays, so that two processes never lock two different files of that name.
 * Returns the locked descriptor, or -1 with @error set. */
static int
lock_outside_transaction (Run     *run,
                          GError **error)
{
  g_autofree char *db_path = g_file_get_path (run->request->database_file);
  g_autofree char *path = g_strconcat (db_path != NULL ? db_path : "", "-strata-run.lock", NULL);
  gint64 deadline = g_get_monotonic_time () +
                    (gint64)_strata_database_get_busy_timeout () * 1000;
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                 _("cannot open %s to run a “transaction:false” section alone: %s; nothing of "
                   "the section was run"), path, g_strerror (saved_errno));
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      if (saved_errno == EWOULDBLOCK && g_get_monotonic_time () < deadline &&
          !g_cancellable_is_cancelled (run->cancellable))
        {
          g_usleep (10 * 1000);
          continue;
        }
      close (fd);
      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return -1;
      if (saved_errno == EWOULDBLOCK)
        set_busy_error (run, error);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                     _("cannot lock %s to run a “transaction:false” section alone: %s; nothing "
                       "of the section was run"), path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

static gboolean
run_locked_outside_transaction (Run      *run,
                                Section  *section,
                                Clock    *clock,
                                GError  **error)
{
  int fd = lock_outside_transaction (run, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = exec_sql (run, "PRAGMA foreign_keys = OFF;", error) &&
       run_outside_transaction (run, section, clock, error);
  /* Closing the descriptor releases the lock, after the bookkeeping's commit. */
  close (fd);
  return ok;
}

static gboolean
execute_step (Run     *run,
              guint    index,
              GError **error)
{
  StrataStep *step = g_ptr_array_index (run->steps, index);
  g_autofree char *started_at = now_iso8601 ();
  Clock clock = { started_at, g_get_monotonic_time () };
  Section section;

  /* Cancelled between two steps: the batch so far stays. */
  if (g_cancellable_is_cancelled (run->cancellable))
    return commit_batch (run, error) &&
           !g_cancellable_set_error_if_cancelled (run->cancellable, error);

  section_init (&section, step);
  if (section.transactional)
    {
      if (!run_transactional (run, &section, &clock, error))
        return FALSE;
      step_applied (run, index);
      if (g_get_monotonic_time () - run->batch_started_us >= run->batch_budget_us)
        return commit_batch (run, error);
      return TRUE;
    }

  /* A section that cannot roll back never shares a transaction: the batch
   * before it commits first. */
  if (!commit_batch (run, error) ||
      !run_locked_outside_transaction (run, &section, &clock, error))
    return FALSE;
  run->tables_ready = TRUE;
  advance_heads (run, step);
  _strata_migration_step_finished (run->migration, step, index);
  return TRUE;
}

/* The connection --------------------------------------------------------------- */

static int
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
journal_mode_is (sqlite3    *db,
                 const char *mode)
{
  sqlite3_stmt *stmt = NULL;
  gboolean is = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    is = g_ascii_strcasecmp ((const char *)sqlite3_column_text (stmt, 0), mode) == 0;
  sqlite3_finalize (stmt);
  return is;
}

static gboolean
open_for_writing (Run     *run,
                  GError **error)
{
  if (run->database == NULL &&
      !(run->database = strata_database_open (run->request->database_file,
                                              STRATA_DATABASE_FLAGS_CREATE, error)))
    return FALSE;
  run->db = strata_database_get_handle (run->database);

  /* Restored when the run ends; each step switches enforcement off itself. */
  run->foreign_keys = query_int (run->db, "PRAGMA foreign_keys");

  /* PERSIST zeroes the journal's header at commit instead of deleting the
   * file: one create and one unlink less per revision, and exactly as safe,
   * because a journal with a zeroed header is never replayed. WAL databases
   * keep their mode. synchronous stays FULL: nothing a crash could lose. */
  if (journal_mode_is (run->db, "delete"))
    run->restore_journal = sqlite3_exec (run->db, "PRAGMA journal_mode = PERSIST;",
                                         NULL, NULL, NULL) == SQLITE_OK;
  return TRUE;
}

static void
close_for_writing (Run *run)
{
  if (run->db == NULL)
    return;
  sqlite3_progress_handler (run->db, 0, NULL, NULL);
  rollback (run);
  /* Back to DELETE, which also removes the persisted journal file; unless a
   * revision chose a mode of its own (PRAGMA journal_mode=WAL). */
  if (run->restore_journal && journal_mode_is (run->db, "persist"))
    sqlite3_exec (run->db, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
  if (run->foreign_keys)
    sqlite3_exec (run->db, "PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
  remove_lock_note (run);
}

/* "Backing up maker_hub.db (408 MB)…" while the copy is made. */
static void
backup_progress_cb (const char *database_name,
                    goffset     size,
                    double      fraction,
                    gpointer    user_data)
{
  _strata_migration_backup_progress (user_data, database_name, size, fraction);
}

/* backup = always copies the database before every run that changes it;
 * backup = destructive (the default) only before a run that drops a table or
 * a column. A run that cannot back up does not start: the copy is the point. */
static gboolean
back_up (Run     *run,
         GError **error)
{
  StrataProject *project = run->request->project;
  StrataBackupPolicy policy = strata_project_get_backup_policy (project);
  g_autoptr(StrataBackup) backup = NULL;
  g_autoptr(GError) local_error = NULL;

  if (policy == STRATA_BACKUP_POLICY_NEVER ||
      !strata_status_get_database_exists (run->status) ||
      (policy == STRATA_BACKUP_POLICY_DESTRUCTIVE && !_strata_backup_steps_destroy (run->steps)))
    return TRUE;
  if (!g_file_equal (run->request->database_file, strata_project_get_database_file (project)))
    return TRUE;

  if (!(backup = _strata_backup_create_with_progress (project, run->database, backup_progress_cb,
                                                      run->migration, run->cancellable,
                                                      &local_error)))
    {
      /* Busy stays busy, so that callers may wait and try again. */
      if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_BUSY))
        set_busy_error (run, error);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                     _("%s; nothing was migrated (set “backup = never” in strata.ini to "
                       "migrate without a backup)"), local_error->message);
      return FALSE;
    }
  _strata_migration_set_backup (run->migration, backup);
  return TRUE;
}

/* Progress says which step runs as it starts; "step-finished" comes when the
 * commit that made the step durable is done (see commit_batch()). */
static gboolean
execute_steps (Run     *run,
               GError **error)
{
  run->batch = g_array_new (FALSE, FALSE, sizeof (guint));
  run->batch_budget_us = group_commit_budget_us ();
  for (guint i = 0; i < run->steps->len; i++)
    {
      _strata_migration_step_started (run->migration, g_ptr_array_index (run->steps, i), i);
      if (!execute_step (run, i, error))
        return FALSE;
    }
  return commit_batch (run, error);
}

gboolean
_strata_migration_execute (_StrataRunRequest  *request,
                           GCancellable       *cancellable,
                           GError            **error)
{
  Run run = { request, request->migration, cancellable };
  g_autofree char *path = g_file_get_path (request->database_file);
  gboolean ok;

  run.lock_path = g_strconcat (path != NULL ? path : "", "-strata.lock", NULL);

  ok = load_and_plan (&run, FALSE, error);
  if (ok && run.steps->len > 0)
    {
      ok = open_for_writing (&run, error) && back_up (&run, error) &&
           execute_steps (&run, error);
      close_for_writing (&run);
    }
  run_clear (&run);
  return ok;
}

/* Offline SQL ------------------------------------------------------------------ */

static void
append_section (GString        *script,
                StrataRevision *revision,
                StrataDirection direction)
{
  g_autoptr(GPtrArray) statements = NULL;
  g_autofree char *sql = g_strdup (strata_revision_get_sql (revision, direction));

  g_strstrip (sql);
  if (sql[0] == '\0')
    return;
  g_string_append (script, sql);
  /* A last statement without its ";" runs live, and must in a script too. */
  statements = strata_sql_split (sql);
  if (statements->len > 0)
    {
      StrataStatement *last = g_ptr_array_index (statements, statements->len - 1);
      if (!g_str_has_suffix (last->text, ";"))
        g_string_append_c (script, ';');
    }
  g_string_append_c (script, '\n');
}

static char *
literal_list (const char * const *list)
{
  g_autofree char *joined = g_strjoinv (",", (char **)list);
  return strata_sql_quote_literal (joined);
}

static void
append_literal (GString    *script,
                const char *text)
{
  g_autofree char *quoted = strata_sql_quote_literal (text);
  g_string_append_printf (script, "%s, ", quoted);
}

static void
append_list_literal (GString            *script,
                     const char * const *list)
{
  g_autofree char *quoted = literal_list (list);
  g_string_append_printf (script, "%s, ", quoted);
}

/* The INSERT a live run binds, with literals; a stamp to base describes an
 * empty revision. */
static void
append_history_row (GString        *script,
                    StrataStep     *step,
                    const char     *id,
                    StrataRevision *revision)
{
  StrataDirection direction = strata_step_get_direction (step);
  g_autoptr(StrataRevision) blank = NULL;
  g_autofree char *checksum = NULL;
  const char *now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

  if (revision == NULL)
    revision = blank = strata_revision_new (id, "");
  if (direction != STRATA_DIRECTION_STAMP)
    checksum = strata_revision_get_checksum (revision, direction);

  g_string_append_printf (script, "%s(", _strata_history_insert_prefix ());
  append_literal (script, id);
  append_literal (script, strata_direction_to_string (direction));
  append_literal (script, checksum);
  append_literal (script, strata_revision_get_message (revision));
  append_list_literal (script, strata_revision_get_down_revisions (revision));
  append_list_literal (script, strata_revision_get_branch_labels (revision));
  append_list_literal (script, strata_revision_get_depends_on (revision));
  append_literal (script, strata_revision_get_create_date (revision));
  append_literal (script, strata_revision_get_display_path (revision));
  append_literal (script, strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE));
  append_literal (script, strata_revision_get_sql (revision, STRATA_DIRECTION_DOWNGRADE));
  g_string_append_printf (script, "%d, %d, ",
                          strata_revision_get_transactional (revision, STRATA_DIRECTION_UPGRADE),
                          strata_revision_get_transactional (revision, STRATA_DIRECTION_DOWNGRADE));
  append_list_literal (script, strata_step_get_from_heads (step));
  append_list_literal (script, strata_step_get_to_heads (step));
  g_string_append_printf (script, "%s, %s, 0, 'success', NULL);\n", now, now);
}

static void
append_bookkeeping (Run        *run,
                    GString    *script,
                    StrataStep *step,
                    gboolean    first)
{
  const char *version_table = run->request->version_table;
  g_autoptr(GPtrArray) version_sql = strata_step_get_version_sql (step, version_table);
  g_autoptr(GPtrArray) subjects = history_subjects (run, step);

  if (first)
    {
      g_autofree char *create = _strata_version_table_create_sql (run->request->version_table);
      g_string_append_printf (script, "%s\n%s\n", create, _strata_history_create_sql ());
    }
  for (guint i = 0; i < version_sql->len; i++)
    g_string_append_printf (script, "%s\n", (const char *)g_ptr_array_index (version_sql, i));
  for (guint i = 0; i < subjects->len; i++)
    {
      const char *id = g_ptr_array_index (subjects, i);
      StrataRevision *revision = strata_step_get_revision (step);

      if (revision == NULL && id[0] != '\0')
        revision = strata_revision_graph_lookup (run->graph, id);
      append_history_row (script, step, id, revision);
    }
  g_string_append (script, "PRAGMA foreign_key_check;\nCOMMIT;\n\n");
}

static void
append_step (Run        *run,
             GString    *script,
             StrataStep *step,
             gboolean    first)
{
  g_autofree char *description = strata_step_describe (step);
  StrataDirection direction = strata_step_get_direction (step);
  StrataRevision *revision = direction == STRATA_DIRECTION_STAMP
                             ? NULL : strata_step_get_revision (step);
  gboolean transactional = revision == NULL ||
                           strata_revision_get_transactional (revision, direction);

  g_string_append_printf (script, "-- %s\n", description);
  if (!transactional)
    append_section (script, revision, direction);
  g_string_append (script, "BEGIN IMMEDIATE;\n");
  if (transactional && revision != NULL)
    {
      if (first)
        {
          /* The tables come first, in the same transaction, as in a live run. */
          g_autofree char *create = _strata_version_table_create_sql (run->request->version_table);
          g_string_append_printf (script, "%s\n%s\n", create, _strata_history_create_sql ());
          first = FALSE;
        }
      append_section (script, revision, direction);
    }
  append_bookkeeping (run, script, step, first);
}

/* The script refuses what a live run would refuse, before writing a line. */
static gboolean
check_sections (Run     *run,
                GError **error)
{
  for (guint i = 0; i < run->steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (run->steps, i);
      g_auto(StrataSectionFailure) failure = { 0 };
      Section section;

      section_init (&section, step);
      if (section.revision != NULL && !_strata_section_check (&section.sql, &failure))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL, "%s:%u: %s",
                       strata_revision_get_display_path (section.revision), failure.line,
                       failure.message);
          return FALSE;
        }
    }
  return TRUE;
}

char *
_strata_migration_render (_StrataRunRequest  *request,
                          GCancellable       *cancellable,
                          GError            **error)
{
  Run run = { request, request->migration, cancellable };
  g_autoptr(GString) script = NULL;
  g_autofree char *db_name = NULL;
  g_autofree char *path = g_file_get_path (request->database_file);
  gboolean creates_tables;

  run.lock_path = g_strconcat (path != NULL ? path : "", "-strata.lock", NULL);

  if (!load_and_plan (&run, TRUE, error) || !check_sections (&run, error))
    {
      run_clear (&run);
      return NULL;
    }

  db_name = g_file_get_parse_name (request->database_file);
  script = g_string_new (NULL);
  g_string_append_printf (script, "-- Strata: %s %s on %s\n",
                          strata_direction_to_string (request->direction), request->target,
                          db_name);
  if (run.steps->len > 0)
    g_string_append (script, "PRAGMA foreign_keys = OFF;\n\n");
  /* Like Alembic, the script creates the tables when it starts from base,
   * or when the database it read has none of Strata's history yet. */
  creates_tables = run.heads->len == 0 || (run.database != NULL && !run.history_exists);
  for (guint i = 0; i < run.steps->len; i++)
    append_step (&run, script, g_ptr_array_index (run.steps, i), i == 0 && creates_tables);

  run_clear (&run);
  return g_string_free (g_steal_pointer (&script), FALSE);
}
