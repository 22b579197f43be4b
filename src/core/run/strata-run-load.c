/* strata-run-load.c: what a run reads before it runs: the graph, the status, the plan
 *
 * The online run and the offline script both start here, so they plan alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-run-private.h"
#include "strata-status-private.h"
#include "strata-step-private.h"

void
_strata_run_clear (StrataRun *run)
{
  g_clear_object (&run->graph);
  g_clear_object (&run->status);
  g_clear_object (&run->database);
  g_clear_pointer (&run->steps, g_ptr_array_unref);
  g_clear_object (&run->plan);
  g_clear_pointer (&run->heads, g_ptr_array_unref);
  g_clear_pointer (&run->lock_path, g_free);
  g_clear_pointer (&run->batch, g_array_unref);
  g_clear_pointer (&run->batch_heads, g_ptr_array_unref);
  g_clear_pointer (&run->failure.message, g_free);
}

static gboolean
plan (StrataRun  *run,
      GError    **error)
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

  run->heads = _strata_run_heads_from_strv (heads);
  if (request->direction == STRATA_DIRECTION_STAMP)
    run->steps = strata_revision_graph_plan_stamp (run->graph, heads, request->target,
                                                   request->purge, error);
  else
    run->steps = strata_revision_graph_plan (run->graph, request->direction, heads,
                                             request->target, error);
  /* What runs, and the checksum recorded, come from the files as they are
   * now, never from the revision cache the graph was listed from. A
   * downgrade through a revision without a downgrade is refused before
   * anything runs, in the words its plan uses. */
  return run->steps != NULL && _strata_steps_read_for_run (run->steps, error) &&
         _strata_steps_check_downgrades (run->steps, error);
}

/* The connection is opened on a thread of its own while the worker loads the
 * graph: opening reads the whole schema, which takes as long as parsing a few
 * hundred revision files. The worker takes the connection over after joining
 * the thread, so it is never used by two threads at once. */
typedef struct
{
  StrataRun      *run;
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
read_status (StrataRun  *run,
             Opening    *opening,
             GError    **error)
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
    _strata_run_set_busy_error (run, error);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Loads the graph and the database's status and plans. A database that does
 * not exist yet is not created here: a run that fails to plan leaves no file. */
gboolean
_strata_run_load_and_plan (StrataRun  *run,
                           gboolean    offline,
                           GError    **error)
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
