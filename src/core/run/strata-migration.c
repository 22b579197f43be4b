/* strata-migration.c: the run's object, its plan and its progress
 *
 * The execution of the steps lives in strata-migration-run.c and the
 * strata-run-*.c files it calls (see strata-run-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-migration-private.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-status-private.h"
#include "strata-step.h"

typedef struct
{
  double     fraction;
  char      *message;
  char      *statement;
  guint      n_steps;
  guint      step;
  GPtrArray *steps;
} Progress;

struct _StrataMigration
{
  GObject              parent_instance;

  StrataProject       *project;
  StrataDirection      direction;
  char                *target;
  StrataRevisionGraph *graph;
  gboolean             purge;
  guint                group_commit_ms;

  /* What the caller sees, changed only on the run's main context. */
  Progress             shown;

  /* Set by the worker before its task returns, read after. */
  StrataRevision      *failed_revision;
  guint                failed_line;
  char                *failed_statement;
  StrataBackup        *backup;
  /* Warnings by what they are about (a table and its parent, for rows
   * that pointed at missing rows before the run); texts end NULL. */
  GPtrArray           *warning_keys;
  GPtrArray           *warnings;

  /* The worker writes progress here; one idle carries it to shown. */
  GMutex               mutex;
  Progress             pending;
  GPtrArray           *finished;
  GMainContext        *context;
  GSource             *notify_source;
  gboolean             deliver_directly;
};

G_DEFINE_FINAL_TYPE (StrataMigration, strata_migration, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_DIRECTION,
  PROP_TARGET,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_STATEMENT,
  PROP_N_STEPS,
  PROP_STEP,
  N_PROPS
};

enum {
  STEP_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
progress_clear (Progress *progress)
{
  g_clear_pointer (&progress->message, g_free);
  g_clear_pointer (&progress->statement, g_free);
  g_clear_pointer (&progress->steps, g_ptr_array_unref);
  progress->fraction = 0;
  progress->n_steps = 0;
  progress->step = 0;
}

static void
strata_migration_dispose (GObject *object)
{
  StrataMigration *self = (StrataMigration *)object;

  g_mutex_lock (&self->mutex);
  if (self->notify_source != NULL)
    g_source_destroy (self->notify_source);
  g_clear_pointer (&self->notify_source, g_source_unref);
  g_mutex_unlock (&self->mutex);

  g_clear_object (&self->graph);
  g_clear_object (&self->failed_revision);
  g_clear_object (&self->backup);

  G_OBJECT_CLASS (strata_migration_parent_class)->dispose (object);
}

static void
strata_migration_finalize (GObject *object)
{
  StrataMigration *self = (StrataMigration *)object;

  g_clear_object (&self->project);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->failed_statement, g_free);
  g_clear_pointer (&self->warning_keys, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  progress_clear (&self->shown);
  progress_clear (&self->pending);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (strata_migration_parent_class)->finalize (object);
}

static void
strata_migration_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataMigration *self = STRATA_MIGRATION (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_DIRECTION:
      g_value_set_int (value, self->direction);
      break;
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->shown.fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->shown.message);
      break;
    case PROP_STATEMENT:
      g_value_set_string (value, self->shown.statement);
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, self->shown.n_steps);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->shown.step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_migration_class_init (StrataMigrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = strata_migration_dispose;
  object_class->finalize = strata_migration_finalize;
  object_class->get_property = strata_migration_get_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, STRATA_TYPE_PROJECT, flags);
  properties[PROP_DIRECTION] =
    g_param_spec_int ("direction", NULL, NULL,
                      STRATA_DIRECTION_UPGRADE, STRATA_DIRECTION_STAMP,
                      STRATA_DIRECTION_UPGRADE, flags);
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL, flags);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_STATEMENT] =
    g_param_spec_string ("statement", NULL, NULL, NULL, flags);
  properties[PROP_N_STEPS] =
    g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_FINISHED] =
    g_signal_new ("step-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, STRATA_TYPE_STEP);
}

static void
strata_migration_init (StrataMigration *self)
{
  self->group_commit_ms = STRATA_MIGRATION_GROUP_COMMIT_MS;
  g_mutex_init (&self->mutex);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
}

StrataMigration *
strata_migration_new (StrataProject   *project,
                      StrataDirection  direction,
                      const char      *target)
{
  StrataMigration *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  self = g_object_new (STRATA_TYPE_MIGRATION, NULL);
  self->project = g_object_ref (project);
  self->direction = direction;
  self->target = g_strdup (target);
  return self;
}

/* Progress --------------------------------------------------------------------- */

static void
show_string (StrataMigration  *self,
             char            **field,
             char             *value,
             GParamSpec       *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
show_uint (StrataMigration *self,
           guint           *field,
           guint            value,
           GParamSpec      *pspec)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* Runs on the main context: carries the latest pending values to the
 * properties and emits "step-finished" once per committed step, in order. */
static void
deliver (StrataMigration *self)
{
  g_autoptr(GPtrArray) finished = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  Progress latest = { 0 };

  g_assert (STRATA_IS_MIGRATION (self));

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->notify_source, g_source_unref);
  latest = self->pending;
  latest.message = g_strdup (self->pending.message);
  latest.statement = g_strdup (self->pending.statement);
  steps = g_steal_pointer (&self->pending.steps);
  finished = g_steal_pointer (&self->finished);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&self->mutex);

  g_object_ref (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (steps != NULL)
    {
      g_clear_pointer (&self->shown.steps, g_ptr_array_unref);
      self->shown.steps = g_steal_pointer (&steps);
    }
  show_uint (self, &self->shown.n_steps, latest.n_steps, properties[PROP_N_STEPS]);
  show_uint (self, &self->shown.step, latest.step, properties[PROP_STEP]);
  show_string (self, &self->shown.message, latest.message, properties[PROP_MESSAGE]);
  show_string (self, &self->shown.statement, latest.statement, properties[PROP_STATEMENT]);
  if (self->shown.fraction != latest.fraction)
    {
      self->shown.fraction = latest.fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < finished->len; i++)
    g_signal_emit (self, signals[STEP_FINISHED], 0, g_ptr_array_index (finished, i));
  g_object_unref (self);
}

static gboolean
deliver_cb (gpointer data)
{
  deliver (data);
  return G_SOURCE_REMOVE;
}

/* With the mutex held: one idle at a time, however fast the worker goes. */
static void
schedule_locked (StrataMigration *self)
{
  GSource *source;

  if (self->notify_source != NULL || self->deliver_directly)
    return;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, deliver_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[strata-migration-progress]");
  g_source_attach (source, self->context);
  self->notify_source = source;
}

static void
after_update (StrataMigration *self)
{
  if (self->deliver_directly)
    deliver (self);
}

void
_strata_migration_set_plan (StrataMigration *self,
                            GPtrArray       *steps)
{
  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->pending.steps, g_ptr_array_unref);
  self->pending.steps = g_ptr_array_ref (steps);
  self->pending.n_steps = steps->len;
  self->pending.step = 0;
  self->pending.fraction = steps->len == 0 ? 1.0 : 0.0;
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
  after_update (self);
}

static char *
first_line (const char *text)
{
  const char *newline = strchr (text, '\n');

  return newline != NULL ? g_strndup (text, newline - text) : g_strdup (text);
}

static char *
describe_progress (StrataStep *step,
                   guint       index,
                   guint       n_steps)
{
  StrataRevision *revision = strata_step_get_revision (step);
  g_autofree char *what = NULL;

  if (revision != NULL)
    what = first_line (strata_revision_get_message (revision));
  else
    what = g_strjoinv (", ", (char **)strata_step_get_to_heads (step));

  switch (strata_step_get_direction (step))
    {
    case STRATA_DIRECTION_DOWNGRADE:
      /* Translators: "Reverting 3 of 12: add supplier table" */
      return g_strdup_printf (_("Reverting %u of %u: %s"), index + 1, n_steps, what);
    case STRATA_DIRECTION_STAMP:
      /* Translators: "Stamping 1 of 1: 8c6e3a0f1b25" */
      return g_strdup_printf (_("Stamping %u of %u: %s"), index + 1, n_steps, what);
    case STRATA_DIRECTION_UPGRADE:
    default:
      /* Translators: "Applying 3 of 12: add supplier table" */
      return g_strdup_printf (_("Applying %u of %u: %s"), index + 1, n_steps, what);
    }
}

void
_strata_migration_step_started (StrataMigration *self,
                                StrataStep      *step,
                                guint            index)
{
  g_mutex_lock (&self->mutex);
  g_free (self->pending.message);
  self->pending.message = describe_progress (step, index, self->pending.n_steps);
  g_clear_pointer (&self->pending.statement, g_free);
  self->pending.step = index + 1;
  self->pending.fraction = (double)index / MAX (1, self->pending.n_steps);
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
  after_update (self);
}

void
_strata_migration_backup_progress (StrataMigration *self,
                                   const char      *database_name,
                                   goffset          size,
                                   double           fraction)
{
  g_autofree char *formatted = g_format_size (size);

  g_mutex_lock (&self->mutex);
  g_free (self->pending.message);
  /* Translators: "Backing up maker_hub.db (408 MB)…" */
  self->pending.message = g_strdup_printf (_("Backing up %s (%s)…"), database_name, formatted);
  g_clear_pointer (&self->pending.statement, g_free);
  self->pending.fraction = CLAMP (fraction, 0.0, 1.0);
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
  after_update (self);
}

void
_strata_migration_statement_started (StrataMigration *self,
                                     const char      *statement)
{
  g_mutex_lock (&self->mutex);
  g_free (self->pending.statement);
  self->pending.statement = first_line (statement);
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
  after_update (self);
}

void
_strata_migration_step_finished (StrataMigration *self,
                                 StrataStep      *step,
                                 guint            index)
{
  g_mutex_lock (&self->mutex);
  /* A batch's steps are reported after its commit, when a later step may
   * already have started: the fraction never goes back. */
  self->pending.fraction = MAX (self->pending.fraction,
                                (double)(index + 1) / MAX (1, self->pending.n_steps));
  g_clear_pointer (&self->pending.statement, g_free);
  g_ptr_array_add (self->finished, g_object_ref (step));
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
  after_update (self);
}

void
_strata_migration_set_failure (StrataMigration *self,
                               StrataRevision  *revision,
                               guint            line,
                               const char      *statement)
{
  g_set_object (&self->failed_revision, revision);
  self->failed_line = line;
  g_free (self->failed_statement);
  self->failed_statement = g_strdup (statement);
}

static void
clear_warnings (StrataMigration *self)
{
  g_clear_pointer (&self->warning_keys, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  self->warning_keys = g_ptr_array_new_with_free_func (g_free);
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

void
_strata_migration_set_warning (StrataMigration *self,
                               const char      *key,
                               const char      *text)
{
  guint index;

  g_return_if_fail (STRATA_IS_MIGRATION (self));
  g_return_if_fail (key != NULL);

  if (self->warnings == NULL)
    clear_warnings (self);
  if (g_ptr_array_find_with_equal_func (self->warning_keys, key, g_str_equal, &index))
    {
      g_ptr_array_remove_index (self->warning_keys, index);
      g_ptr_array_remove_index (self->warnings, index);
    }
  if (text == NULL)
    return;
  g_ptr_array_add (self->warning_keys, g_strdup (key));
  g_ptr_array_add (self->warnings, g_strdup (text));
}

void
_strata_migration_set_backup (StrataMigration *self,
                              StrataBackup    *backup)
{
  g_set_object (&self->backup, backup);
}

/* Called on the caller's thread as a run starts: the context that will see
 * its progress, and a clean slate. */
static void
begin (StrataMigration *self,
       gboolean         synchronous)
{
  g_clear_object (&self->failed_revision);
  g_clear_pointer (&self->failed_statement, g_free);
  self->failed_line = 0;
  g_clear_object (&self->backup);
  clear_warnings (self);

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->deliver_directly = synchronous;
  g_mutex_unlock (&self->mutex);
}

/* A finished async run has delivered everything before its callback's
 * caller reads the result, even if the last idle has not run yet. */
static void
flush (StrataMigration *self)
{
  gboolean pending;

  g_mutex_lock (&self->mutex);
  pending = self->notify_source != NULL;
  if (pending)
    g_source_destroy (self->notify_source);
  g_mutex_unlock (&self->mutex);

  if (pending)
    deliver (self);
}

/* Running ---------------------------------------------------------------------- */

static _StrataRunRequest *
make_request (StrataMigration *self)
{
  _StrataRunRequest *request = g_new0 (_StrataRunRequest, 1);

  /* Everything the worker reads is captured here, on the caller's thread. */
  request->migration = g_object_ref (self);
  request->project = g_object_ref (self->project);
  request->database_file = g_object_ref (strata_project_get_database_file (self->project));
  request->version_table = g_strdup (strata_project_get_version_table (self->project));
  request->backup_policy = strata_project_get_backup_policy (self->project);
  request->direction = self->direction;
  request->target = g_strdup (self->target);
  request->purge = self->purge;
  request->group_commit_ms = self->group_commit_ms;
  request->graph = self->graph != NULL ? g_object_ref (self->graph) : NULL;
  return request;
}

gboolean
strata_migration_run (StrataMigration  *self,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(_StrataRunRequest) request = NULL;

  g_return_val_if_fail (STRATA_IS_MIGRATION (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  begin (self, TRUE);
  request = make_request (self);
  if (!strata_project_check_runnable (request->project, error))
    return FALSE;
  return _strata_migration_execute (request, cancellable, error);
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  _StrataRunRequest *request = task_data;
  GError *error = NULL;

  if (strata_project_check_runnable (request->project, &error) &&
      _strata_migration_execute (request, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
strata_migration_run_async (StrataMigration     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_MIGRATION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  begin (self, FALSE);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_migration_run_async);
  g_task_set_task_data (task, make_request (self), (GDestroyNotify)_strata_run_request_free);
  /* A cancelled run still rolls back and records itself before returning,
   * and a cancel that comes after the last commit must not report a run that
   * landed as cancelled: the worker's own result is the truth. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_worker);
}

gboolean
strata_migration_run_finish (StrataMigration  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  flush (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
strata_migration_render_sql (StrataMigration     *self,
                             const char * const  *start_heads,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(_StrataRunRequest) request = NULL;

  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  begin (self, TRUE);
  request = make_request (self);
  request->start_heads = g_strdupv ((char **)start_heads);
  if (!strata_project_check_runnable (request->project, error))
    return NULL;
  return _strata_migration_render (request, cancellable, error);
}

static void
render_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  _StrataRunRequest *request = task_data;
  GError *error = NULL;
  char *script = NULL;

  if (strata_project_check_runnable (request->project, &error) &&
      (script = _strata_migration_render (request, cancellable, &error)))
    g_task_return_pointer (task, script, g_free);
  else
    g_task_return_error (task, error);
}

void
strata_migration_render_sql_async (StrataMigration     *self,
                                   const char * const  *start_heads,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  _StrataRunRequest *request;

  g_return_if_fail (STRATA_IS_MIGRATION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  begin (self, FALSE);
  request = make_request (self);
  request->start_heads = g_strdupv ((char **)start_heads);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_migration_render_sql_async);
  g_task_set_task_data (task, request, (GDestroyNotify)_strata_run_request_free);
  g_task_run_in_thread (task, render_worker);
}

char *
strata_migration_render_sql_finish (StrataMigration  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  flush (self);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_strata_run_request_free (_StrataRunRequest *request)
{
  g_clear_object (&request->migration);
  g_clear_object (&request->project);
  g_clear_object (&request->database_file);
  g_clear_object (&request->graph);
  g_clear_pointer (&request->version_table, g_free);
  g_clear_pointer (&request->target, g_free);
  g_clear_pointer (&request->start_heads, g_strfreev);
  g_free (request);
}

/* Accessors -------------------------------------------------------------------- */

StrataProject *
strata_migration_get_project (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->project;
}

StrataDirection
strata_migration_get_direction (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), STRATA_DIRECTION_UPGRADE);
  return self->direction;
}

const char *
strata_migration_get_target (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->target;
}

void
strata_migration_set_graph (StrataMigration     *self,
                            StrataRevisionGraph *graph)
{
  g_return_if_fail (STRATA_IS_MIGRATION (self));
  g_return_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph));
  g_set_object (&self->graph, graph);
}

void
strata_migration_set_purge (StrataMigration *self,
                            gboolean         purge)
{
  g_return_if_fail (STRATA_IS_MIGRATION (self));
  self->purge = !!purge;
}

void
strata_migration_set_group_commit_ms (StrataMigration *self,
                                      guint            group_commit_ms)
{
  g_return_if_fail (STRATA_IS_MIGRATION (self));
  self->group_commit_ms = group_commit_ms;
}

GPtrArray *
strata_migration_get_steps (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->shown.steps;
}

double
strata_migration_get_fraction (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), 0);
  return self->shown.fraction;
}

const char *
strata_migration_get_message (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->shown.message;
}

const char *
strata_migration_get_statement (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->shown.statement;
}

guint
strata_migration_get_n_steps (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), 0);
  return self->shown.n_steps;
}

guint
strata_migration_get_step (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), 0);
  return self->shown.step;
}

StrataRevision *
strata_migration_get_failed_revision (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->failed_revision;
}

guint
strata_migration_get_failed_line (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), 0);
  return self->failed_line;
}

const char *
strata_migration_get_failed_statement (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->failed_statement;
}

StrataBackup *
strata_migration_get_backup (StrataMigration *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  return self->backup;
}

const char * const *
strata_migration_get_warnings (StrataMigration *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (STRATA_IS_MIGRATION (self), NULL);
  /* An empty array may have no storage at all. */
  if (self->warnings == NULL || self->warnings->len == 0)
    return none;
  return (const char * const *)self->warnings->pdata;
}
