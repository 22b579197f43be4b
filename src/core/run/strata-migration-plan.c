/* strata-migration-plan.c: what a run would do, before it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-database.h"
#include "strata-drop-analysis-private.h"
#include "strata-migration-plan-private.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-status.h"
#include "strata-step-private.h"

struct _StrataMigrationPlan
{
  GObject          parent_instance;

  StrataDirection  direction;
  char            *target;
  GStrv            current_heads;
  GPtrArray       *steps;
  GPtrArray       *step_tables;  /* a GStrv per step */
  GPtrArray       *step_columns;
  GStrv            tables;
  GStrv            columns;
  GStrv            step_back;
  GStrv            step_forward;
  GStrv            step_back_choices;
  char            *step_back_problem;
  gboolean         backs_up;
};

G_DEFINE_FINAL_TYPE (StrataMigrationPlan, strata_migration_plan, G_TYPE_OBJECT)

static void
strata_migration_plan_finalize (GObject *object)
{
  StrataMigrationPlan *self = (StrataMigrationPlan *)object;

  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->current_heads, g_strfreev);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->step_tables, g_ptr_array_unref);
  g_clear_pointer (&self->step_columns, g_ptr_array_unref);
  g_clear_pointer (&self->tables, g_strfreev);
  g_clear_pointer (&self->columns, g_strfreev);
  g_clear_pointer (&self->step_back, g_strfreev);
  g_clear_pointer (&self->step_forward, g_strfreev);
  g_clear_pointer (&self->step_back_choices, g_strfreev);
  g_clear_pointer (&self->step_back_problem, g_free);

  G_OBJECT_CLASS (strata_migration_plan_parent_class)->finalize (object);
}

static void
strata_migration_plan_class_init (StrataMigrationPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_migration_plan_finalize;
}

static void
strata_migration_plan_init (StrataMigrationPlan *self)
{
}

/* What the plan needs of the project, taken on the caller's thread: the
 * project's database file may be changed there while a worker plans. */
typedef struct
{
  StrataProject       *project;
  StrataRevisionGraph *graph;
  GFile               *database_file;
  char                *version_table;
  StrataBackupPolicy   policy;
  StrataDirection      direction;
  GStrv                start_heads;
  char                *target;
} Request;

static Request *
request_new (StrataProject       *project,
             StrataRevisionGraph *graph,
             StrataDirection      direction,
             const char * const  *start_heads,
             const char          *target)
{
  Request *request = g_new0 (Request, 1);

  request->project = g_object_ref (project);
  request->graph = graph != NULL ? g_object_ref (graph) : NULL;
  request->database_file = g_object_ref (strata_project_get_database_file (project));
  request->version_table = g_strdup (strata_project_get_version_table (project));
  request->policy = strata_project_get_backup_policy (project);
  request->direction = direction;
  request->start_heads = g_strdupv ((GStrv)start_heads);
  request->target = g_strdup (target);
  return request;
}

static void
request_free (Request *request)
{
  g_clear_object (&request->project);
  g_clear_object (&request->graph);
  g_clear_object (&request->database_file);
  g_clear_pointer (&request->version_table, g_free);
  g_clear_pointer (&request->start_heads, g_strfreev);
  g_clear_pointer (&request->target, g_free);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* Reading the database ------------------------------------------------------------ */

static StrataStatus *
read_status (Request       *request,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  g_assert (request != NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* Nothing was applied to a database that does not exist yet; an offline
   * range says where it starts instead. */
  if (request->start_heads != NULL ||
      !g_file_query_exists (request->database_file, cancellable))
    return strata_status_new_empty ();
  if (!(database = strata_database_open (request->database_file,
                                         STRATA_DATABASE_FLAGS_READ_ONLY, error)))
    return NULL;
  return strata_status_read (database, request->version_table, error);
}

/* One-step targets ------------------------------------------------------------------ */

static GPtrArray *
plan_steps (StrataRevisionGraph  *graph,
            StrataDirection       direction,
            const char * const   *heads,
            const char           *target,
            GError              **error)
{
  if (direction == STRATA_DIRECTION_STAMP)
    return strata_revision_graph_plan_stamp (graph, heads, target, FALSE, error);
  return strata_revision_graph_plan (graph, direction, heads, target, error);
}

static gboolean
takes_steps (StrataRevisionGraph *graph,
             StrataDirection      direction,
             const char * const  *heads,
             const char          *target)
{
  g_autoptr(GPtrArray) steps = plan_steps (graph, direction, heads, target, NULL);

  return steps != NULL && steps->len > 0;
}

/* "HEAD@-1" walks down HEAD's own branch, leaving the other heads alone.
 * At a merge that walk is ambiguous ("Ambiguous walk", as `strata-cli
 * downgrade -1` says): there is no one step back, and no parent is picked
 * for the user. @ambiguity, when given, gets the graph's message then. */
static char *
step_back_from (StrataRevisionGraph  *graph,
                const char * const   *heads,
                const char           *head,
                GError              **ambiguity)
{
  StrataRevision *revision = strata_revision_graph_lookup (graph, head);
  g_autofree char *target = g_strdup_printf ("%s@-1", head);
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (STRATA_IS_REVISION_GRAPH (graph));
  g_assert (head != NULL);

  steps = plan_steps (graph, STRATA_DIRECTION_DOWNGRADE, heads, target, &error);
  if (steps != NULL && steps->len > 0)
    return g_steal_pointer (&target);
  if (error != NULL && revision != NULL && strata_revision_is_merge (revision))
    g_propagate_error (ambiguity, g_steal_pointer (&error));
  return NULL;
}

static char *
step_forward_from (StrataRevisionGraph *graph,
                   const char * const  *heads,
                   const char          *head)
{
  g_autofree char *target = head != NULL ? g_strdup_printf ("%s@+1", head) : g_strdup ("+1");

  g_assert (STRATA_IS_REVISION_GRAPH (graph));

  if (takes_steps (graph, STRATA_DIRECTION_UPGRADE, heads, target))
    return g_steal_pointer (&target);
  return NULL;
}

static GStrv
strv_from (GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  return (GStrv)g_ptr_array_free (names, FALSE);
}

static void
find_one_step_targets (StrataMigrationPlan *self,
                       StrataRevisionGraph *graph)
{
  const char * const *heads = (const char * const *)self->current_heads;
  GPtrArray *back = g_ptr_array_new ();
  GPtrArray *forward = g_ptr_array_new ();
  char *target;

  for (guint i = 0; heads[i] != NULL; i++)
    {
      if ((target = step_back_from (graph, heads, heads[i], NULL)))
        g_ptr_array_add (back, target);
      if ((target = step_forward_from (graph, heads, heads[i])))
        g_ptr_array_add (forward, target);
    }
  if (heads[0] == NULL && (target = step_forward_from (graph, heads, NULL)))
    g_ptr_array_add (forward, target);
  self->step_back = strv_from (back);
  self->step_forward = strv_from (forward);
}

/* The current head that came last, in the graph's order. */
static const char *
newest_head (StrataMigrationPlan *self,
             StrataRevisionGraph *graph)
{
  GPtrArray *order = strata_revision_graph_get_revisions (graph);

  for (guint i = order->len; i > 0; i--)
    {
      const char *id = strata_revision_get_id (g_ptr_array_index (order, i - 1));

      if (g_strv_contains ((const char * const *)self->current_heads, id))
        return id;
    }
  return NULL;
}

/* One step back from @head. A merge has none: the plan keeps the revisions
 * it merges, for the user to choose from, and why they must choose. */
static char *
step_back_or_choices (StrataMigrationPlan *self,
                      StrataRevisionGraph *graph,
                      const char          *head)
{
  const char * const *heads = (const char * const *)self->current_heads;
  g_autoptr(GError) ambiguity = NULL;
  StrataRevision *merge;
  char *target;

  g_assert (STRATA_IS_MIGRATION_PLAN (self));

  if (head == NULL)
    return NULL;
  if ((target = step_back_from (graph, heads, head, &ambiguity)) != NULL || ambiguity == NULL)
    return target;
  merge = strata_revision_graph_lookup (graph, head);
  self->step_back_choices = g_strdupv ((GStrv)strata_revision_get_down_revisions (merge));
  self->step_back_problem = g_strdup (ambiguity->message);
  return NULL;
}

static char *
one_step_target (StrataMigrationPlan *self,
                 StrataRevisionGraph *graph)
{
  const char * const *heads = (const char * const *)self->current_heads;
  const char *head = newest_head (self, graph);

  switch (self->direction)
    {
    case STRATA_DIRECTION_DOWNGRADE:
      return step_back_or_choices (self, graph, head);
    case STRATA_DIRECTION_UPGRADE:
      return step_forward_from (graph, heads, head);
    default:
      return NULL;
    }
}

/* Drops and the backup ---------------------------------------------------------------- */

static void
find_drops (StrataMigrationPlan *self)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);

  g_assert (STRATA_IS_MIGRATION_PLAN (self));
  g_assert (self->steps != NULL);

  self->step_tables = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  self->step_columns = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  for (guint i = 0; i < self->steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (self->steps, i);
      StrataRevision *revision = strata_step_get_revision (step);
      GPtrArray *step_tables = g_ptr_array_new ();
      GPtrArray *step_columns = g_ptr_array_new ();

      if (revision != NULL)
        _strata_drop_analysis_scan_section (revision, strata_step_get_direction (step),
                                            step_tables, step_columns);
      for (guint t = 0; t < step_tables->len; t++)
        if (!g_ptr_array_find_with_equal_func (tables, step_tables->pdata[t], g_str_equal, NULL))
          g_ptr_array_add (tables, g_strdup (step_tables->pdata[t]));
      for (guint c = 0; c < step_columns->len; c++)
        if (!g_ptr_array_find_with_equal_func (columns, step_columns->pdata[c], g_str_equal, NULL))
          g_ptr_array_add (columns, g_strdup (step_columns->pdata[c]));
      g_ptr_array_add (self->step_tables, strv_from (step_tables));
      g_ptr_array_add (self->step_columns, strv_from (step_columns));
    }
  self->tables = strv_from (g_steal_pointer (&tables));
  self->columns = strv_from (g_steal_pointer (&columns));
}

/* The one rule of the backup, for the preview and the run alike: a run
 * reads it from its own plan (see back_up() in strata-migration-run.c).
 * "destructive" asks the drop analysis the "Drop Data?" question shows: a
 * downgrade dropping the table its own upgrade created counts too, as the
 * rows written since are lost all the same. */
static gboolean
will_back_up (StrataMigrationPlan *self,
              StrataBackupPolicy   policy,
              gboolean             database_exists)
{
  if (policy == STRATA_BACKUP_POLICY_NEVER || !database_exists || self->steps->len == 0)
    return FALSE;
  return policy == STRATA_BACKUP_POLICY_ALWAYS || strata_migration_plan_get_drops_data (self);
}

StrataMigrationPlan *
_strata_migration_plan_new_for_run (StrataDirection      direction,
                                    const char          *target,
                                    const char * const  *current_heads,
                                    GPtrArray           *steps,
                                    StrataBackupPolicy   policy,
                                    gboolean             database_exists)
{
  StrataMigrationPlan *self = g_object_new (STRATA_TYPE_MIGRATION_PLAN, NULL);

  g_return_val_if_fail (steps != NULL, NULL);

  self->direction = direction;
  self->target = g_strdup (target);
  self->current_heads = g_strdupv ((GStrv)current_heads);
  self->steps = g_ptr_array_ref (steps);
  self->step_back = g_new0 (char *, 1);
  self->step_forward = g_new0 (char *, 1);
  find_drops (self);
  self->backs_up = will_back_up (self, policy, database_exists);
  return self;
}

/* Building ---------------------------------------------------------------------------- */

static StrataMigrationPlan *
build (Request       *request,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(StrataMigrationPlan) self = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevisionGraph) complete = NULL;
  g_autoptr(StrataStatus) status = NULL;

  g_assert (request != NULL);

  if (request->graph != NULL)
    graph = g_object_ref (request->graph);
  else if (!(graph = strata_project_load_graph (request->project, cancellable, error)))
    return NULL;
  if (!(status = read_status (request, cancellable, error)) ||
      !(complete = strata_status_complete_graph (status, graph, error)))
    return NULL;

  /* The run refuses a version table naming revisions nobody knows, with
   * the one message every command gives; so does its plan. */
  if (request->start_heads == NULL &&
      !strata_status_check_unknown_heads (status, complete, request->database_file, error))
    return NULL;

  self = g_object_new (STRATA_TYPE_MIGRATION_PLAN, NULL);
  self->direction = request->direction;
  self->current_heads = g_strdupv (request->start_heads != NULL
                                   ? request->start_heads
                                   : (GStrv)strata_status_get_heads (status));
  find_one_step_targets (self, complete);
  self->target = request->target != NULL ? g_strdup (request->target)
                                         : one_step_target (self, complete);
  if (self->target == NULL)
    self->steps = g_ptr_array_new_with_free_func (g_object_unref);
  else if (!(self->steps = plan_steps (complete, self->direction,
                                       (const char * const *)self->current_heads,
                                       self->target, error)))
    return NULL;
  /* What a step drops is read from its file as it is now, the SQL the run
   * will execute, never from the revision cache. */
  if (!_strata_steps_read_for_run (self->steps, error) ||
      !_strata_steps_check_downgrades (self->steps, error))
    return NULL;
  find_drops (self);
  self->backs_up = will_back_up (self, request->policy,
                                 strata_status_get_database_exists (status));
  return g_steal_pointer (&self);
}

StrataMigrationPlan *
strata_migration_plan_new (StrataProject        *project,
                           StrataRevisionGraph  *graph,
                           StrataDirection       direction,
                           const char * const   *start_heads,
                           const char           *target,
                           GCancellable         *cancellable,
                           GError              **error)
{
  g_autoptr(Request) request = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_REVISION_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  request = request_new (project, graph, direction, start_heads, target);
  return build (request, cancellable, error);
}

static void
build_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  StrataMigrationPlan *plan = build (task_data, cancellable, &error);

  if (plan != NULL)
    g_task_return_pointer (task, plan, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_migration_plan_new_async (StrataProject        *project,
                                 StrataRevisionGraph  *graph,
                                 StrataDirection       direction,
                                 const char * const   *start_heads,
                                 const char           *target,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (project));
  g_return_if_fail (graph == NULL || STRATA_IS_REVISION_GRAPH (graph));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_migration_plan_new_async);
  g_task_set_task_data (task, request_new (project, graph, direction, start_heads, target),
                        (GDestroyNotify)request_free);
  g_task_run_in_thread (task, build_worker);
}

StrataMigrationPlan *
strata_migration_plan_new_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Accessors ---------------------------------------------------------------------------- */

StrataDirection
strata_migration_plan_get_direction (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), STRATA_DIRECTION_UPGRADE);
  return self->direction;
}

const char *
strata_migration_plan_get_target (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return self->target;
}

const char * const *
strata_migration_plan_get_current_heads (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->current_heads;
}

GPtrArray *
strata_migration_plan_get_steps (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return self->steps;
}

guint
strata_migration_plan_get_n_steps (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), 0);
  return self->steps->len;
}

const char * const *
strata_migration_plan_get_step_dropped_tables (StrataMigrationPlan *self,
                                               guint                index)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->step_tables, index);
}

const char * const *
strata_migration_plan_get_step_dropped_columns (StrataMigrationPlan *self,
                                                guint                index)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->step_columns, index);
}

const char * const *
strata_migration_plan_get_dropped_tables (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->tables;
}

const char * const *
strata_migration_plan_get_dropped_columns (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->columns;
}

gboolean
strata_migration_plan_get_drops_data (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), FALSE);
  return self->tables[0] != NULL || self->columns[0] != NULL;
}

gboolean
strata_migration_plan_get_backs_up (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), FALSE);
  return self->backs_up;
}

const char * const *
strata_migration_plan_get_step_back_targets (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->step_back;
}

const char * const *
strata_migration_plan_get_step_forward_targets (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->step_forward;
}

const char * const *
strata_migration_plan_get_step_back_choices (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return (const char * const *)self->step_back_choices;
}

const char *
strata_migration_plan_get_step_back_problem (StrataMigrationPlan *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATION_PLAN (self), NULL);
  return self->step_back_problem;
}
