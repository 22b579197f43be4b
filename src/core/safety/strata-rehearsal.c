/* strata-rehearsal.c: a run tried on a copy in memory, each downgrade checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-foreign-keys-private.h"
#include "strata-project.h"
#include "strata-rehearsal.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-schema-snapshot.h"
#include "strata-section-private.h"
#include "strata-status-private.h"
#include "strata-step.h"

/* SQLite virtual machine instructions between two looks at the cancellable. */
#define PROGRESS_INTERVAL 1000

struct _StrataRehearsal
{
  GObject              parent_instance;

  StrataProject       *project;
  char                *target;
  StrataRevisionGraph *graph;

  GPtrArray           *findings;
  GPtrArray           *steps;
  guint                n_checked;
};

G_DEFINE_FINAL_TYPE (StrataRehearsal, strata_rehearsal, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (StrataRehearsalFinding, strata_rehearsal_finding,
                     strata_rehearsal_finding_copy, strata_rehearsal_finding_free)

/* What a worker needs, captured on the caller's thread. */
typedef struct
{
  StrataProject       *project;
  GFile               *database_file;
  char                *version_table;
  char                *target;
  StrataRevisionGraph *graph;
} Request;

/* What a worker found. */
typedef struct
{
  GPtrArray *findings;
  GPtrArray *steps;
  guint      n_checked;
} Outcome;

/* One rehearsal at work. */
typedef struct
{
  Request        *request;
  GCancellable   *cancellable;
  StrataDatabase *database;
  sqlite3        *db;
  Outcome        *outcome;
} Work;

static void
request_free (Request *request)
{
  g_clear_object (&request->project);
  g_clear_object (&request->database_file);
  g_clear_object (&request->graph);
  g_clear_pointer (&request->version_table, g_free);
  g_clear_pointer (&request->target, g_free);
  g_free (request);
}

static void
outcome_free (Outcome *outcome)
{
  g_clear_pointer (&outcome->findings, g_ptr_array_unref);
  g_clear_pointer (&outcome->steps, g_ptr_array_unref);
  g_free (outcome);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Outcome, outcome_free)

static void
strata_rehearsal_dispose (GObject *object)
{
  StrataRehearsal *self = (StrataRehearsal *)object;

  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_clear_pointer (&self->steps, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_rehearsal_parent_class)->dispose (object);
}

static void
strata_rehearsal_finalize (GObject *object)
{
  StrataRehearsal *self = (StrataRehearsal *)object;

  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->findings, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_rehearsal_parent_class)->finalize (object);
}

static void
strata_rehearsal_class_init (StrataRehearsalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_rehearsal_dispose;
  object_class->finalize = strata_rehearsal_finalize;
}

static void
strata_rehearsal_init (StrataRehearsal *self)
{
}

StrataRehearsal *
strata_rehearsal_new (StrataProject *project,
                      const char    *target)
{
  StrataRehearsal *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  self = g_object_new (STRATA_TYPE_REHEARSAL, NULL);
  self->project = g_object_ref (project);
  self->target = g_strdup (target);
  return self;
}

void
strata_rehearsal_set_graph (StrataRehearsal     *self,
                            StrataRevisionGraph *graph)
{
  g_return_if_fail (STRATA_IS_REHEARSAL (self));
  g_return_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph));
  g_set_object (&self->graph, graph);
}

/* Findings ------------------------------------------------------------------------ */

StrataRehearsalFinding *
strata_rehearsal_finding_copy (const StrataRehearsalFinding *finding)
{
  StrataRehearsalFinding *copy = g_new0 (StrataRehearsalFinding, 1);

  *copy = *finding;
  copy->revision = g_strdup (finding->revision);
  copy->file = g_strdup (finding->file);
  copy->message = g_strdup (finding->message);
  copy->differences = g_strdupv (finding->differences);
  return copy;
}

void
strata_rehearsal_finding_free (StrataRehearsalFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->revision);
  g_free (finding->file);
  g_free (finding->message);
  g_strfreev (finding->differences);
  g_free (finding);
}

char *
strata_rehearsal_finding_to_string (const StrataRehearsalFinding *finding)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (finding != NULL, NULL);

  g_string_append_printf (text, "%s:%u: %s: %s", finding->file, finding->line,
                          strata_direction_to_string (finding->direction), finding->message);
  for (guint i = 0; finding->differences != NULL && finding->differences[i] != NULL; i++)
    g_string_append_printf (text, "\n    %s", finding->differences[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static StrataRehearsalFinding *
add_finding (Work                   *work,
             StrataRehearsalProblem  problem,
             StrataRevision         *revision,
             StrataDirection         direction,
             guint                   line,
             char                   *message)
{
  StrataRehearsalFinding *finding = g_new0 (StrataRehearsalFinding, 1);

  finding->problem = problem;
  finding->direction = direction;
  finding->revision = g_strdup (strata_revision_get_id (revision));
  finding->file = g_strdup (strata_revision_get_display_path (revision));
  finding->line = line > 0 ? line : MAX (1, strata_revision_get_sql_line (revision, direction));
  finding->message = message;
  g_ptr_array_add (work->outcome->findings, finding);
  return finding;
}

/* Statements ---------------------------------------------------------------------- */

/* Runs the statements of a section with the step engine a live run uses;
 * on failure sets @line and @message. */
static gboolean
exec_section (sqlite3         *db,
              StrataRevision  *revision,
              StrataDirection  direction,
              guint           *line,
              char           **message)
{
  g_auto(StrataSectionFailure) failure = { 0 };
  StrataSection section;

  _strata_section_init (&section, revision, direction);
  if (_strata_section_apply (&section, db, NULL, &failure))
    return TRUE;
  *line = failure.line;
  *message = g_steal_pointer (&failure.message);
  return FALSE;
}

/* Rows the section left pointing at nothing that were not so before it: a
 * live run refuses only those (strata-foreign-keys.c). */
static guint
count_added_violations (Work       *work,
                        GHashTable *before,
                        GHashTable *tables_before)
{
  g_autoptr(GHashTable) after = _strata_foreign_keys_count (work->database, NULL);
  g_autoptr(GHashTable) tables_after = _strata_foreign_keys_list_tables (work->database);

  if (before == NULL || after == NULL)
    return 0;
  return _strata_foreign_keys_count_added (before, after, tables_before, tables_after);
}

static gboolean
exec_simple (Work       *work,
             const char *sql)
{
  return sqlite3_exec (work->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Steps ------------------------------------------------------------------------- */

typedef enum
{
  PASS_FIRST,
  PASS_DOWN,
  PASS_AGAIN,
} Pass;

static char *
describe_failure (Pass        pass,
                  const char *message)
{
  switch (pass)
    {
    case PASS_DOWN:
      return g_strdup_printf (_("%s (reverting the upgrade just applied)"), message);
    case PASS_AGAIN:
      return g_strdup_printf (_("%s (upgrading again after the downgrade)"), message);
    case PASS_FIRST:
    default:
      return g_strdup (message);
    }
}

/* One section, its version-table rows and the foreign key check; a
 * transactional section that fails leaves nothing behind. */
static gboolean
apply_step (Work       *work,
            StrataStep *step,
            Pass        pass)
{
  StrataRevision *revision = strata_step_get_revision (step);
  StrataDirection direction = strata_step_get_direction (step);
  gboolean transactional = strata_revision_get_transactional (revision, direction);
  g_autoptr(GPtrArray) version_sql = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) tables_before = NULL;
  g_autofree char *message = NULL;
  guint line = 0;
  guint violations = 0;
  gboolean ok;

  /* As in a live run, whatever a transaction:false section switched on;
   * a no-op inside the round trip's savepoint, where it is already off. */
  exec_simple (work, "PRAGMA foreign_keys = OFF;");
  before = _strata_foreign_keys_count (work->database, NULL);
  tables_before = _strata_foreign_keys_list_tables (work->database);
  if (transactional)
    exec_simple (work, "SAVEPOINT strata_section;");
  ok = exec_section (work->db, revision, direction, &line, &message);
  version_sql = strata_step_get_version_sql (step, work->request->version_table);
  for (guint i = 0; ok && i < version_sql->len; i++)
    if (!(ok = exec_simple (work, g_ptr_array_index (version_sql, i))))
      message = g_strdup_printf (_("the version table could not be changed: %s"),
                                 sqlite3_errmsg (work->db));
  if (ok && (violations = count_added_violations (work, before, tables_before)) > 0)
    ok = FALSE;
  if (transactional && !ok)
    exec_simple (work, "ROLLBACK TO strata_section;");
  if (transactional)
    exec_simple (work, "RELEASE strata_section;");
  if (ok)
    return TRUE;

  if (violations > 0)
    {
      g_autofree char *what = g_strdup_printf (_("the section leaves %u rows pointing at missing "
                                                 "rows (PRAGMA foreign_key_check); a real run "
                                                 "would roll it back"), violations);
      add_finding (work, STRATA_REHEARSAL_FOREIGN_KEY, revision, direction, 0,
                   describe_failure (pass, what));
    }
  else
    add_finding (work, STRATA_REHEARSAL_STATEMENT_FAILED, revision, direction, line,
                 describe_failure (pass, message));
  return FALSE;
}

static StrataSchemaSnapshot *
snapshot (Work    *work,
          GError **error)
{
  return strata_schema_snapshot_read (work->database, work->cancellable, error);
}

static void
compare (Work                   *work,
         StrataRehearsalProblem  problem,
         StrataStep             *step,
         StrataSchemaSnapshot   *expected,
         StrataSchemaSnapshot   *actual)
{
  StrataRevision *revision = strata_step_get_revision (step);
  StrataRehearsalFinding *finding;

  if (strata_schema_snapshot_equal (expected, actual))
    return;
  if (problem == STRATA_REHEARSAL_DOWNGRADE_MISMATCH)
    finding = add_finding (work, problem, revision, STRATA_DIRECTION_DOWNGRADE, 0,
                           g_strdup (_("the downgrade does not restore the schema the upgrade "
                                       "started from; what differs afterwards:")));
  else
    finding = add_finding (work, problem, revision, STRATA_DIRECTION_UPGRADE, 0,
                           g_strdup (_("upgrading again after the downgrade gives another "
                                       "schema than the first upgrade; what differs:")));
  finding->differences = strata_schema_snapshot_compare (expected, actual);
}

static StrataStep *
reverse_of (StrataStep *step)
{
  return strata_step_new (strata_step_get_revision (step), STRATA_DIRECTION_DOWNGRADE,
                          strata_step_get_to_heads (step), strata_step_get_from_heads (step));
}

/* Downgrades and upgrades @step's revision again, from the schema @after
 * its first upgrade gave, and compares with @before and @after. Inside a
 * savepoint, so the copy goes on from @after whatever happened; a
 * transaction:false section cannot run inside one, and then the round trip
 * runs for real. Returns FALSE when the copy is no longer at @after. */
static gboolean
round_trip (Work                 *work,
            StrataStep           *step,
            StrataSchemaSnapshot *before,
            StrataSchemaSnapshot *after,
            GError              **error)
{
  StrataRevision *revision = strata_step_get_revision (step);
  g_autoptr(StrataStep) down = reverse_of (step);
  g_autoptr(StrataSchemaSnapshot) reverted = NULL;
  g_autoptr(StrataSchemaSnapshot) again = NULL;
  gboolean wrapped = strata_revision_get_transactional (revision, STRATA_DIRECTION_UPGRADE) &&
                     strata_revision_get_transactional (revision, STRATA_DIRECTION_DOWNGRADE);
  gboolean at_after = wrapped;

  if (wrapped)
    exec_simple (work, "SAVEPOINT strata_round_trip;");
  if (apply_step (work, down, PASS_DOWN))
    {
      if (!(reverted = snapshot (work, error)))
        return FALSE;
      compare (work, STRATA_REHEARSAL_DOWNGRADE_MISMATCH, step, before, reverted);
      if (apply_step (work, step, PASS_AGAIN))
        {
          if (!(again = snapshot (work, error)))
            return FALSE;
          compare (work, STRATA_REHEARSAL_UPGRADE_MISMATCH, step, after, again);
          at_after = TRUE;
        }
    }
  else
    at_after = TRUE;
  if (wrapped)
    exec_simple (work, "ROLLBACK TO strata_round_trip; RELEASE strata_round_trip;");
  return at_after;
}

static gboolean
rehearse_step (Work        *work,
               StrataStep  *step,
               gboolean    *go_on,
               GError     **error)
{
  g_autoptr(StrataSchemaSnapshot) before = NULL;
  g_autoptr(StrataSchemaSnapshot) after = NULL;

  *go_on = FALSE;
  if (g_cancellable_set_error_if_cancelled (work->cancellable, error) ||
      !(before = snapshot (work, error)))
    return FALSE;
  /* Later revisions build on this one: without it there is nothing to rehearse. */
  if (!apply_step (work, step, PASS_FIRST))
    return TRUE;
  if (!(after = snapshot (work, error)))
    return FALSE;
  *go_on = round_trip (work, step, before, after, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  work->outcome->n_checked++;
  return TRUE;
}

/* The copy ---------------------------------------------------------------------- */

static gboolean
copy_into_memory (Work     *work,
                  GError  **error)
{
  g_autoptr(StrataDatabase) source = NULL;
  sqlite3_backup *backup;
  int rc;

  if (!(work->database = strata_database_open_memory (error)))
    return FALSE;
  work->db = strata_database_get_handle (work->database);
  if (!g_file_query_exists (work->request->database_file, NULL))
    return TRUE;

  if (!(source = strata_database_open (work->request->database_file,
                                       STRATA_DATABASE_FLAGS_READ_ONLY, error)))
    return FALSE;
  backup = sqlite3_backup_init (work->db, "main", strata_database_get_handle (source), "main");
  rc = backup != NULL ? sqlite3_backup_step (backup, -1) : SQLITE_ERROR;
  sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE)
    return TRUE;
  strata_database_set_error (source, error, STRATA_ERROR_DATABASE,
                             _("cannot copy it into memory"));
  return FALSE;
}

static gboolean
plan (Work     *work,
      GError  **error)
{
  Request *request = work->request;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevisionGraph) complete = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autofree char *create = NULL;

  if (request->graph != NULL)
    graph = g_object_ref (request->graph);
  else if (!(graph = strata_project_load_graph (request->project, work->cancellable, error)))
    return FALSE;
  if (!(status = strata_status_read (work->database, request->version_table, error)) ||
      !(complete = strata_status_complete_graph (status, graph, error)) ||
      !strata_status_check_unknown_heads (status, complete, request->database_file, error))
    return FALSE;
  work->outcome->steps = strata_revision_graph_plan (complete, STRATA_DIRECTION_UPGRADE,
                                                     strata_status_get_heads (status),
                                                     request->target, error);
  if (work->outcome->steps == NULL)
    return FALSE;

  /* The version table exists from the start, so that it is in every schema
   * compared, and enforcement is off as in a live run. */
  create = _strata_version_table_create_sql (request->version_table);
  return strata_database_exec (work->database, create, error) &&
         strata_database_exec (work->database, "PRAGMA foreign_keys = OFF;", error);
}

static int
progress_cb (void *data)
{
  return g_cancellable_is_cancelled (data);
}

static Outcome *
rehearse (Request       *request,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(Outcome) outcome = g_new0 (Outcome, 1);
  Work work = { request, cancellable, NULL, NULL, outcome };
  gboolean ok;

  outcome->findings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_rehearsal_finding_free);
  ok = copy_into_memory (&work, error) && plan (&work, error);
  if (ok && cancellable != NULL)
    sqlite3_progress_handler (work.db, PROGRESS_INTERVAL, progress_cb, cancellable);
  for (guint i = 0; ok && i < outcome->steps->len; i++)
    {
      gboolean go_on = FALSE;

      ok = rehearse_step (&work, g_ptr_array_index (outcome->steps, i), &go_on, error);
      if (!go_on)
        break;
    }
  g_clear_object (&work.database);
  return ok ? g_steal_pointer (&outcome) : NULL;
}

/* Running ------------------------------------------------------------------------ */

static Request *
make_request (StrataRehearsal *self)
{
  Request *request = g_new0 (Request, 1);

  request->project = g_object_ref (self->project);
  request->database_file = g_object_ref (strata_project_get_database_file (self->project));
  request->version_table = g_strdup (strata_project_get_version_table (self->project));
  request->target = g_strdup (self->target);
  request->graph = self->graph != NULL ? g_object_ref (self->graph) : NULL;
  return request;
}

static void
take_outcome (StrataRehearsal *self,
              Outcome         *outcome)
{
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  self->findings = g_steal_pointer (&outcome->findings);
  self->steps = g_steal_pointer (&outcome->steps);
  self->n_checked = outcome->n_checked;
  outcome_free (outcome);
}

gboolean
strata_rehearsal_run (StrataRehearsal  *self,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(Request) request = NULL;
  Outcome *outcome;

  g_return_val_if_fail (STRATA_IS_REHEARSAL (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  request = make_request (self);
  if (!strata_project_check_runnable (request->project, error) ||
      !(outcome = rehearse (request, cancellable, error)))
    return FALSE;
  take_outcome (self, outcome);
  return TRUE;
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  Outcome *outcome = NULL;

  if (strata_project_check_runnable (request->project, &error))
    outcome = rehearse (request, cancellable, &error);

  if (outcome != NULL)
    g_task_return_pointer (task, outcome, (GDestroyNotify)outcome_free);
  else
    g_task_return_error (task, error);
}

void
strata_rehearsal_run_async (StrataRehearsal     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_REHEARSAL (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_rehearsal_run_async);
  g_task_set_task_data (task, make_request (self), (GDestroyNotify)request_free);
  g_task_run_in_thread (task, run_worker);
}

gboolean
strata_rehearsal_run_finish (StrataRehearsal  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  Outcome *outcome;

  g_return_val_if_fail (STRATA_IS_REHEARSAL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!(outcome = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;
  take_outcome (self, outcome);
  return TRUE;
}

GPtrArray *
strata_rehearsal_get_findings (StrataRehearsal *self)
{
  g_return_val_if_fail (STRATA_IS_REHEARSAL (self), NULL);
  return self->findings;
}

GPtrArray *
strata_rehearsal_get_steps (StrataRehearsal *self)
{
  g_return_val_if_fail (STRATA_IS_REHEARSAL (self), NULL);
  return self->steps;
}

guint
strata_rehearsal_get_n_checked (StrataRehearsal *self)
{
  g_return_val_if_fail (STRATA_IS_REHEARSAL (self), 0);
  return self->n_checked;
}
