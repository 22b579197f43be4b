/* strata-sql-check.c: which statements of a revision do not prepare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "strata-database.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-schema.h"
#include "strata-section-private.h"
#include "strata-sql.h"
#include "strata-sql-check.h"

typedef struct
{
  StrataRevisionGraph *graph;
  GStrv                parents;
  char                *upgrade_sql;
  char                *downgrade_sql;
} CheckData;

/* The scratch schema of the last parents checked, serialized: typing in one
 * revision replays its ancestors' SQL once, not at every pause. */
typedef struct
{
  GMutex               mutex;
  StrataRevisionGraph *graph;
  char                *parents;
  unsigned char       *data;
  sqlite3_int64        size;
} BaseCache;

static BaseCache base_cache;

static gboolean
restore_base (StrataDatabase      *database,
              StrataRevisionGraph *graph,
              const char          *parents)
{
  gboolean restored = FALSE;

  g_mutex_lock (&base_cache.mutex);
  if (base_cache.graph == graph && g_strcmp0 (base_cache.parents, parents) == 0)
    {
      unsigned char *copy = sqlite3_malloc64 (base_cache.size);

      /* SQLite owns (and frees) the copy it is given. */
      if (copy != NULL)
        {
          memcpy (copy, base_cache.data, base_cache.size);
          restored = sqlite3_deserialize (strata_database_get_handle (database), "main", copy,
                                          base_cache.size, base_cache.size,
                                          SQLITE_DESERIALIZE_FREEONCLOSE |
                                          SQLITE_DESERIALIZE_RESIZEABLE) == SQLITE_OK;
        }
    }
  g_mutex_unlock (&base_cache.mutex);
  return restored;
}

static void
remember_base (StrataDatabase      *database,
               StrataRevisionGraph *graph,
               const char          *parents)
{
  sqlite3_int64 size = 0;
  unsigned char *data = sqlite3_serialize (strata_database_get_handle (database), "main", &size, 0);

  if (data == NULL)
    return;
  g_mutex_lock (&base_cache.mutex);
  g_set_object (&base_cache.graph, graph);
  g_free (base_cache.parents);
  base_cache.parents = g_strdup (parents);
  sqlite3_free (base_cache.data);
  base_cache.data = data;
  base_cache.size = size;
  g_mutex_unlock (&base_cache.mutex);
}

static void
problem_free (StrataSqlProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

void
strata_sql_check_free (StrataSqlCheck *check)
{
  if (check == NULL)
    return;
  g_clear_pointer (&check->problems, g_ptr_array_unref);
  g_strfreev (check->names);
  g_free (check);
}

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->graph);
  g_strfreev (data->parents);
  g_free (data->upgrade_sql);
  g_free (data->downgrade_sql);
  g_free (data);
}

/* Every revision the new one builds on, oldest first. */
static GPtrArray *
collect_ancestors (StrataRevisionGraph *graph,
                   const char * const  *parents)
{
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *ancestors = g_ptr_array_new ();
  GPtrArray *all = strata_revision_graph_get_revisions (graph);

  for (guint i = 0; parents != NULL && parents[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = strata_revision_graph_resolve (graph, parents[i], NULL);

      for (guint j = 0; found != NULL && j < found->len; j++)
        g_ptr_array_add (heads, g_object_ref (g_ptr_array_index (found, j)));
    }
  for (guint i = 0; i < all->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (all, i);

      for (guint j = 0; j < heads->len; j++)
        if (strata_revision_graph_is_ancestor (graph, revision, g_ptr_array_index (heads, j)))
          {
            g_ptr_array_add (ancestors, revision);
            break;
          }
    }
  return ancestors;
}

typedef struct
{
  StrataDirection  direction;
  GPtrArray       *problems;
} Checking;

/* Statements SQLite cannot read are the problems; each one still lets the
 * statements after it be checked. One that reads but fails to run (a
 * constraint, say) is the data's business, not the text's. */
static gboolean
statement_finished_cb (const StrataSqlCursor      *statement,
                       const StrataSectionFailure *failure,
                       gpointer                    data)
{
  Checking *checking = data;
  StrataSqlProblem *problem;

  if (failure == NULL || failure->outcome != STRATA_SECTION_UNREADABLE)
    return TRUE;
  problem = g_new0 (StrataSqlProblem, 1);
  problem->direction = checking->direction;
  problem->offset = statement->offset;
  problem->length = statement->length;
  problem->line = statement->line;
  problem->message = g_strdup (failure->message);
  g_ptr_array_add (checking->problems, problem);
  return TRUE;
}

/* Runs the section, so that the statements after each one see what it
 * created, with the step engine a live run uses. */
static void
check_section (StrataDatabase  *database,
               StrataDirection  direction,
               const char      *sql,
               GPtrArray       *problems,
               GCancellable    *cancellable)
{
  Checking checking = { direction, problems };
  StrataSectionHooks hooks = { cancellable, NULL, statement_finished_cb, &checking };
  g_auto(StrataSectionFailure) failure = { 0 };
  StrataSection section;

  _strata_section_init_text (&section, sql, direction);
  _strata_section_apply (&section, strata_database_get_handle (database), &hooks, &failure);
}

static const char *no_parents[] = { NULL };

StrataSqlCheck *
strata_sql_check (StrataRevisionGraph  *graph,
                  const char * const   *parents,
                  const char           *upgrade_sql,
                  const char           *downgrade_sql,
                  GCancellable         *cancellable,
                  GError              **error)
{
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSchema) schema = NULL;
  g_autoptr(GPtrArray) ancestors = NULL;
  g_autoptr(StrataSqlCheck) check = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  /* A base revision starts from an empty schema. */
  if (parents == NULL)
    parents = no_parents;
  if ((database = strata_database_open_memory (error)) == NULL)
    return NULL;

  /* An ancestor that fails to run leaves a partial schema; the check still
   * says what it can. */
  key = g_strjoinv (",", (char **)parents);
  if (!restore_base (database, graph, key))
    {
      ancestors = collect_ancestors (graph, parents);
      for (guint i = 0; i < ancestors->len && !g_cancellable_is_cancelled (cancellable); i++)
        {
          const char *sql = strata_revision_get_sql (g_ptr_array_index (ancestors, i),
                                                     STRATA_DIRECTION_UPGRADE);
          if (sql != NULL)
            strata_database_exec (database, sql, NULL);
        }
      if (!g_cancellable_is_cancelled (cancellable))
        remember_base (database, graph, key);
    }

  check = g_new0 (StrataSqlCheck, 1);
  check->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)problem_free);
  check_section (database, STRATA_DIRECTION_UPGRADE, upgrade_sql, check->problems, cancellable);
  if ((schema = strata_schema_read (database, STRATA_SCHEMA_FLAGS_NONE, NULL, NULL)))
    check->names = strata_schema_dup_names (schema);
  check_section (database, STRATA_DIRECTION_DOWNGRADE, downgrade_sql, check->problems,
                 cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&check);
}

static void
check_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  StrataSqlCheck *check;
  GError *error = NULL;

  check = strata_sql_check (data->graph, (const char * const *)data->parents,
                            data->upgrade_sql, data->downgrade_sql, cancellable, &error);
  if (check == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, check, (GDestroyNotify)strata_sql_check_free);
}

void
strata_sql_check_async (StrataRevisionGraph *graph,
                        const char * const  *parents,
                        const char          *upgrade_sql,
                        const char          *downgrade_sql,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (STRATA_IS_REVISION_GRAPH (graph));

  data = g_new0 (CheckData, 1);
  data->graph = g_object_ref (graph);
  data->parents = g_strdupv ((GStrv)parents);
  data->upgrade_sql = g_strdup (upgrade_sql);
  data->downgrade_sql = g_strdup (downgrade_sql);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_sql_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);
  g_task_run_in_thread (task, check_worker);
}

StrataSqlCheck *
strata_sql_check_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
