/* strata-run-batch.c: group commit
 *
 * Consecutive transactional steps share one write transaction (a batch), each
 * in a savepoint of its own: a step that fails rolls back to its savepoint and
 * the steps before it commit. A batch commits once it has run for the
 * migration's group-commit time (200 ms unless set, see
 * strata_migration_set_group_commit_ms()), before a transaction:false
 * section and at the end; only then are its steps reported finished, so a
 * reported step is always durable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-database-private.h"
#include "strata-run-private.h"

gboolean
_strata_run_open_batch (StrataRun  *run,
                        GError    **error)
{
  g_assert (run->batch->len == 0);

  /* Enforcement is a no-op inside a transaction, so it goes off before each
   * one (a transaction:false section may have switched it on); with it on, a
   * DROP TABLE would fire ON DELETE CASCADE in other tables. */
  if (!_strata_run_exec (run, "PRAGMA foreign_keys = OFF;", error) ||
      !_strata_run_begin (run, error))
    return FALSE;
  g_clear_pointer (&run->batch_heads, g_ptr_array_unref);
  run->batch_heads = _strata_run_heads_copy (run->heads);
  run->batch_tables_ready = run->tables_ready;
  run->batch_started_us = g_get_monotonic_time ();
  return TRUE;
}

/* The batch is gone (rolled back): the run is where it was before it. */
static void
forget_batch (StrataRun *run)
{
  if (run->batch->len == 0)
    return;
  g_array_set_size (run->batch, 0);
  g_ptr_array_unref (run->heads);
  run->heads = _strata_run_heads_copy (run->batch_heads);
  run->tables_ready = run->batch_tables_ready;
}

/* Commits the open transaction, then reports its steps finished, in order:
 * a step is only ever reported once it is durable. */
gboolean
_strata_run_commit_batch (StrataRun  *run,
                          GError    **error)
{
  g_autoptr(GArray) batch = NULL;

  if (!sqlite3_get_autocommit (run->db) && !_strata_run_exec (run, "COMMIT;", error))
    {
      _strata_run_rollback (run);
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
 * that the steps before a failure stay applied. FALSE when they could not
 * be: the batch is lost, and the database is where it was before it. */
static gboolean
replay_batch (StrataRun *run)
{
  g_autoptr(GArray) batch = g_array_copy (run->batch);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  forget_batch (run);
  if (batch->len == 0)
    return TRUE;

  run->replaying = TRUE;
  ok = _strata_run_begin (run, &error);
  for (guint i = 0; ok && i < batch->len; i++)
    {
      guint index = g_array_index (batch, guint, i);
      g_autofree char *started_at = _strata_run_now_iso8601 ();
      StrataRunClock clock = { started_at, g_get_monotonic_time () };
      StrataRunSection section;

      _strata_run_section_init (&section, g_ptr_array_index (run->steps, index));
      if ((ok = _strata_run_apply_step (run, &section, &clock, &error)))
        _strata_run_step_applied (run, index);
    }
  run->replaying = FALSE;
  if (ok)
    return TRUE;
  _strata_run_rollback (run);
  forget_batch (run);
  g_debug ("Could not apply the steps before the failed one again: %s", error->message);
  return FALSE;
}

/* Back to the state before the failed step: to its savepoint, or when SQLite
 * dropped the transaction, by applying the batch before it again. FALSE when
 * the batch before it was lost with it. */
gboolean
_strata_run_undo_step (StrataRun *run)
{
  if (sqlite3_get_autocommit (run->db))
    return replay_batch (run);
  sqlite3_exec (run->db, "ROLLBACK TO strata_revision; RELEASE strata_revision;",
                NULL, NULL, NULL);
  return TRUE;
}
