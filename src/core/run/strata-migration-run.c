/* strata-migration-run.c: the run loop: the connection, the backup, each step
 *
 * The files it calls are listed in strata-run-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-backup-private.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-migration-plan-private.h"
#include "strata-project.h"
#include "strata-run-private.h"
#include "strata-status-private.h"

static gboolean
execute_step (StrataRun  *run,
              guint       index,
              GError    **error)
{
  StrataStep *step = g_ptr_array_index (run->steps, index);
  g_autofree char *started_at = _strata_run_now_iso8601 ();
  StrataRunClock clock = { started_at, g_get_monotonic_time () };
  StrataRunSection section;

  /* Cancelled between two steps: the batch so far stays. */
  if (g_cancellable_is_cancelled (run->cancellable))
    return _strata_run_commit_batch (run, error) &&
           !g_cancellable_set_error_if_cancelled (run->cancellable, error);

  _strata_run_section_init (&section, step);
  if (section.transactional)
    {
      if (!_strata_run_transactional (run, &section, &clock, error))
        return FALSE;
      _strata_run_step_applied (run, index);
      if (g_get_monotonic_time () - run->batch_started_us >= run->batch_budget_us)
        return _strata_run_commit_batch (run, error);
      return TRUE;
    }

  /* A section that cannot roll back never shares a transaction: the batch
   * before it commits first. */
  if (!_strata_run_commit_batch (run, error) ||
      !_strata_run_outside_transaction (run, &section, &clock, error))
    return FALSE;
  run->tables_ready = TRUE;
  _strata_run_advance_heads (run, step);
  _strata_migration_step_finished (run->migration, step, index);
  return TRUE;
}

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
open_for_writing (StrataRun  *run,
                  GError    **error)
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
close_for_writing (StrataRun *run)
{
  if (run->db == NULL)
    return;
  sqlite3_progress_handler (run->db, 0, NULL, NULL);
  _strata_run_rollback (run);
  /* Back to DELETE, which also removes the persisted journal file; unless a
   * revision chose a mode of its own (PRAGMA journal_mode=WAL). */
  if (run->restore_journal && journal_mode_is (run->db, "persist"))
    sqlite3_exec (run->db, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
  if (run->foreign_keys)
    sqlite3_exec (run->db, "PRAGMA foreign_keys = ON;", NULL, NULL, NULL);
  _strata_run_remove_lock_note (run);
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

/* Whether to back up is the plan's answer (see will_back_up() in
 * strata-migration-plan.c), the one the app and the CLI showed. A run that
 * cannot back up does not start: the copy is the point. */
static gboolean
back_up (StrataRun  *run,
         GError    **error)
{
  StrataProject *project = run->request->project;
  g_autoptr(StrataBackup) backup = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!strata_migration_plan_get_backs_up (run->plan))
    return TRUE;
  /* The project was pointed at another database since the run started: the
   * backup folder is not this database's. */
  if (!g_file_equal (run->request->database_file, strata_project_get_database_file (project)))
    return TRUE;

  if (!(backup = _strata_backup_create_with_progress (project, run->database, backup_progress_cb,
                                                      run->migration, run->cancellable,
                                                      &local_error)))
    {
      /* Busy stays busy, so that callers may wait and try again. */
      if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_BUSY))
        _strata_run_set_busy_error (run, error);
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
 * commit that made the step durable is done (see _strata_run_commit_batch()). */
static gboolean
execute_steps (StrataRun  *run,
               GError    **error)
{
  run->batch = g_array_new (FALSE, FALSE, sizeof (guint));
  run->batch_budget_us = (gint64)run->request->group_commit_ms * 1000;
  for (guint i = 0; i < run->steps->len; i++)
    {
      _strata_migration_step_started (run->migration, g_ptr_array_index (run->steps, i), i);
      if (!execute_step (run, i, error))
        return FALSE;
    }
  return _strata_run_commit_batch (run, error);
}

gboolean
_strata_migration_execute (_StrataRunRequest  *request,
                           GCancellable       *cancellable,
                           GError            **error)
{
  StrataRun run = { request, request->migration, cancellable };
  g_autofree char *path = g_file_get_path (request->database_file);
  gboolean ok;

  run.lock_path = g_strconcat (path != NULL ? path : "", "-strata.lock", NULL);

  ok = _strata_run_load_and_plan (&run, FALSE, error);
  if (ok && run.steps->len > 0)
    {
      g_auto(GStrv) heads = _strata_run_heads_to_strv (run.heads);

      run.plan = _strata_migration_plan_new_for_run (request->direction, request->target,
                                                     (const char * const *)heads, run.steps,
                                                     request->backup_policy,
                                                     strata_status_get_database_exists (run.status));
      ok = open_for_writing (&run, error) && back_up (&run, error) &&
           execute_steps (&run, error);
      close_for_writing (&run);
    }
  _strata_run_clear (&run);
  return ok;
}
