/* strata-run-step.c: one step of a run, all or nothing
 *
 * A transactional step runs in a savepoint of the open batch (see
 * strata-run-batch.c); a transaction:false section runs alone, outside any
 * transaction, under the lock of strata-run-lock.c, and its bookkeeping then
 * commits in a transaction of its own. Either way the section itself runs
 * through the one step engine (strata-section.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "strata-copy-failure-private.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-foreign-keys-private.h"
#include "strata-revision.h"
#include "strata-run-private.h"
#include "strata-schema-snapshot.h"
#include "strata-status-private.h"
#include "strata-step.h"

/* SQLite virtual machine instructions between two looks at the cancellable. */
#define PROGRESS_INTERVAL 1000

static int
progress_cb (void *data)
{
  /* Non-zero interrupts the statement; SQLite then returns SQLITE_INTERRUPT. */
  return g_cancellable_is_cancelled (data);
}

static const char *
revision_name (StrataStep *step)
{
  StrataRevision *revision = strata_step_get_revision (step);
  return revision != NULL ? strata_revision_get_display_path (revision) : _("the stamp");
}

static gboolean
apply_version_sql (StrataRun   *run,
                   StrataStep  *step,
                   GError     **error)
{
  g_autoptr(GPtrArray) statements = strata_step_get_version_sql (step, run->request->version_table);

  for (guint i = 0; i < statements->len; i++)
    if (!_strata_run_exec (run, g_ptr_array_index (statements, i), error))
      return FALSE;
  return TRUE;
}

/* Only the rows this revision left pointing at nothing count against it;
 * see strata-foreign-keys.c. */
static gboolean
check_foreign_keys (StrataRun   *run,
                    StrataStep  *step,
                    GError     **error)
{
  g_autofree char *heads = _strata_run_describe_heads (run->heads);

  return _strata_foreign_keys_check (run->database, run->migration, revision_name (step), heads,
                                     error);
}

static void
set_statement_error (StrataRun         *run,
                     StrataRunSection  *section,
                     guint              line,
                     const char        *statement,
                     const char        *message,
                     GError           **error)
{
  g_autofree char *heads = _strata_run_describe_heads (run->heads);
  const char *path = strata_revision_get_display_path (section->revision);
  const char *id = strata_revision_get_id (section->revision);

  /* A step applied again after SQLite dropped its batch failing again says
   * nothing about the step the run failed at. */
  if (!run->replaying)
    _strata_migration_set_failure (run->migration, section->revision, line, statement);
  if (section->transactional)
    {
      /* Where the database stays is only known once the batch before the
       * step commits, or is lost (see say_where_it_stays()). */
      if (!run->replaying)
        {
          g_clear_pointer (&run->failure.message, g_free);
          run->failure = (StrataRunFailure) { path, id, line, g_strdup (message) };
        }
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                   _("%s:%u: %s; revision %s was rolled back and the database stays at %s"),
                   path, line, message, id, heads);
    }
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
  StrataRun *run = data;
  const char *newline = memchr (statement->text, '\n', statement->length);
  g_autofree char *text = g_strndup (statement->text,
                                     newline != NULL ? (gsize)(newline - statement->text)
                                                     : statement->length);

  _strata_migration_statement_started (run->migration, text);
}

/* Runs the section with the one step engine (strata-section-private.h), so
 * that each error names the line of its statement in the file. */
static gboolean
run_section (StrataRun         *run,
             StrataRunSection  *section,
             GError           **error)
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
finish_in_transaction (StrataRun       *run,
                       StrataStep      *step,
                       StrataRunClock  *clock,
                       GError         **error)
{
  return apply_version_sql (run, step, error) &&
         check_foreign_keys (run, step, error) &&
         _strata_run_insert_history (run, step, clock, "success", NULL, error);
}

void
_strata_run_section_init (StrataRunSection *section,
                          StrataStep       *step)
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
gboolean
_strata_run_apply_step (StrataRun         *run,
                        StrataRunSection  *section,
                        StrataRunClock    *clock,
                        GError           **error)
{
  return _strata_run_ensure_tables (run, error) &&
         _strata_run_check_heads (run, error) &&
         (section->revision == NULL || run_section (run, section, error)) &&
         finish_in_transaction (run, section->step, clock, error);
}

void
_strata_run_step_applied (StrataRun *run,
                          guint      index)
{
  run->tables_ready = TRUE;
  _strata_run_advance_heads (run, g_ptr_array_index (run->steps, index));
  g_array_append_val (run->batch, index);
}

/* The steps of the batch before a failed step were lost with it: the
 * message says so, and names where the database really is, read back from
 * its version table, in place of where it would have stayed. */
static void
say_where_it_stays (StrataRun *run,
                    guint      n_before,
                    GError    *failure)
{
  g_auto(GStrv) actual = strata_database_read_heads (run->database,
                                                     run->request->version_table, NULL);
  g_autoptr(GPtrArray) read_back = NULL;
  g_autofree char *heads = NULL;
  char *message;

  g_assert (run != NULL);
  g_assert (failure != NULL);

  read_back = actual != NULL ? _strata_run_heads_from_strv ((const char * const *)actual)
                             : _strata_run_heads_copy (run->heads);
  heads = _strata_run_describe_heads (read_back);
  if (run->failure.message != NULL && g_error_matches (failure, STRATA_ERROR, STRATA_ERROR_SQL))
    message = g_strdup_printf (_("%s:%u: %s; revision %s was rolled back, and with it the %u "
                                 "revisions applied before it in the same transaction, which "
                                 "could not be kept: the database stays at %s"),
                               run->failure.path, run->failure.line, run->failure.message,
                               run->failure.id, n_before, heads);
  else
    message = g_strdup_printf (_("%s; the %u revisions applied before it in the same "
                                 "transaction could not be kept, so the database stays at %s"),
                               failure->message, n_before, heads);
  g_free (failure->message);
  failure->message = message;
}

gboolean
_strata_run_transactional (StrataRun         *run,
                           StrataRunSection  *section,
                           StrataRunClock    *clock,
                           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) commit_error = NULL;
  guint n_before;
  gboolean kept;

  if (sqlite3_get_autocommit (run->db) && !_strata_run_open_batch (run, error))
    return FALSE;
  if (_strata_run_exec (run, "SAVEPOINT strata_revision;", &local_error) &&
      _strata_run_apply_step (run, section, clock, &local_error) &&
      _strata_run_exec (run, "RELEASE strata_revision;", &local_error))
    return TRUE;

  n_before = run->batch->len;
  /* A batch SQLite dropped and that cannot be applied again (a full disk)
   * leaves the database as it was before the batch; nothing more is
   * written, the failure's history row included. */
  kept = _strata_run_undo_step (run);
  if (kept && should_diagnose (local_error))
    {
      g_auto(GStrv) heads = _strata_run_heads_to_strv (run->heads);
      _strata_migration_diagnose_rollback (run->database, run->request->version_table,
                                           (const char * const *)heads, section->step,
                                           local_error);
    }
  if (kept && should_record (local_error))
    _strata_run_record_failure (run, section->step, clock, local_error);
  /* The steps before the failed one (and its history row) commit. */
  if (!_strata_run_commit_batch (run, &commit_error))
    {
      kept = FALSE;
      g_debug ("Could not commit the steps before the failed one: %s", commit_error->message);
    }
  if (!kept && n_before > 0)
    say_where_it_stays (run, n_before, local_error);
  g_clear_pointer (&run->failure.message, g_free);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* A transaction:false section (VACUUM, journal_mode) runs on its own; its
 * bookkeeping then commits in a transaction of its own. */
static gboolean
run_alone (StrataRun         *run,
           StrataRunSection  *section,
           StrataRunClock    *clock,
           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataSchemaSnapshot) before = NULL;
  gboolean section_ran = FALSE;

  if (!_strata_run_check_heads (run, error))
    return FALSE;
  /* What the schema was, to tell afterwards which statements took effect. */
  before = strata_schema_snapshot_read (run->database, NULL, NULL);
  if ((section_ran = run_section (run, section, &local_error)) &&
      _strata_run_begin (run, &local_error) &&
      _strata_run_ensure_tables (run, &local_error) &&
      _strata_run_check_heads (run, &local_error) &&
      finish_in_transaction (run, section->step, clock, &local_error) &&
      _strata_run_exec (run, "COMMIT;", &local_error))
    return TRUE;

  _strata_run_rollback (run);
  if (before != NULL && should_diagnose (local_error))
    {
      g_auto(GStrv) heads = _strata_run_heads_to_strv (run->heads);
      guint line = section_ran ? 0 : strata_migration_get_failed_line (run->migration);

      _strata_migration_diagnose_partial (run->database, before, run->graph, section->step, line,
                                          (const char * const *)heads, local_error);
    }
  if (should_record (local_error))
    {
      _strata_run_record_failure (run, section->step, clock, local_error);
      if (!sqlite3_get_autocommit (run->db) && !_strata_run_exec (run, "COMMIT;", NULL))
        _strata_run_rollback (run);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
_strata_run_outside_transaction (StrataRun         *run,
                                 StrataRunSection  *section,
                                 StrataRunClock    *clock,
                                 GError           **error)
{
  int fd = _strata_run_lock_section (run, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = _strata_run_exec (run, "PRAGMA foreign_keys = OFF;", error) &&
       run_alone (run, section, clock, error);
  /* Closing the descriptor releases the lock, after the bookkeeping's commit. */
  close (fd);
  return ok;
}
