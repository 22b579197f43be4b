/* strata-run-private.h: the state of one run, shared by the files that run it
 *
 * A run (upgrade, downgrade, stamp) is cut into files that each do one thing:
 *
 *   strata-migration-run.c   the run loop: open the connection, back up, run
 *                            each step, close
 *   strata-run-load.c        load the graph and the status, and plan
 *   strata-run-step.c        one step: its section and its bookkeeping, in a
 *                            savepoint or, for transaction:false, alone
 *   strata-run-batch.c       group commit: steps sharing one write transaction
 *   strata-run-statements.c  the connection's primitives and the version table
 *   strata-run-lock.c        who holds the database, and the flock() taken
 *                            around a transaction:false section
 *   strata-run-history.c     strata_history's row, described once, inserted
 *                            live or written as literals
 *   strata-run-offline.c     the offline script (--sql)
 *
 * Everything here runs on the worker (or, for the synchronous twin, on the
 * caller's thread) and owns its own connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "strata-migration-plan.h"
#include "strata-migration-private.h"
#include "strata-revision-graph.h"
#include "strata-section-private.h"
#include "strata-status.h"

G_BEGIN_DECLS

typedef struct
{
  const char *path;     /* of the revision, which outlives the run */
  const char *id;
  guint       line;
  char       *message;  /* SQLite's, or the copy failure's explanation */
} StrataRunFailure;

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
  /* What the steps drop and whether the run backs up first, by the rules
   * the app's and the CLI's preview read. */
  StrataMigrationPlan *plan;
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
  /* The statement a transactional step failed at, to say where the
   * database stays once the fate of the batch is known. */
  StrataRunFailure     failure;
} StrataRun;

typedef struct
{
  char   *started_at;
  gint64  started_us;
} StrataRunClock;

typedef struct
{
  StrataStep     *step;
  StrataRevision *revision;  /* NULL for a stamp, which runs no SQL */
  StrataDirection direction;
  gboolean        transactional;
  StrataSection   sql;
} StrataRunSection;

/* strata-run-load.c */
gboolean   _strata_run_load_and_plan          (StrataRun           *run,
                                               gboolean             offline,
                                               GError             **error);
void       _strata_run_clear                  (StrataRun           *run);

/* strata-run-statements.c */
char      *_strata_run_now_iso8601            (void);
GPtrArray *_strata_run_heads_from_strv        (const char * const  *strv);
GStrv      _strata_run_heads_to_strv          (GPtrArray           *heads);
GPtrArray *_strata_run_heads_copy             (GPtrArray           *heads);
char      *_strata_run_describe_heads         (GPtrArray           *heads);
void       _strata_run_advance_heads          (StrataRun           *run,
                                               StrataStep          *step);
gboolean   _strata_run_exec                   (StrataRun           *run,
                                               const char          *sql,
                                               GError             **error);
gboolean   _strata_run_begin                  (StrataRun           *run,
                                               GError             **error);
void       _strata_run_rollback               (StrataRun           *run);
gboolean   _strata_run_ensure_tables          (StrataRun           *run,
                                               GError             **error);
gboolean   _strata_run_check_heads            (StrataRun           *run,
                                               GError             **error);

/* strata-run-lock.c */
void       _strata_run_write_lock_note        (StrataRun           *run);
void       _strata_run_remove_lock_note       (StrataRun           *run);
void       _strata_run_set_busy_error         (StrataRun           *run,
                                               GError             **error);
int        _strata_run_lock_section           (StrataRun           *run,
                                               GError             **error);

/* strata-run-history.c */
GPtrArray *_strata_run_history_subjects       (StrataRun           *run,
                                               StrataStep          *step);
gboolean   _strata_run_insert_history         (StrataRun           *run,
                                               StrataStep          *step,
                                               StrataRunClock      *clock,
                                               const char          *outcome,
                                               const char          *error_text,
                                               GError             **error);
void       _strata_run_append_history         (StrataRun           *run,
                                               GString             *script,
                                               StrataStep          *step);
void       _strata_run_record_failure         (StrataRun           *run,
                                               StrataStep          *step,
                                               StrataRunClock      *clock,
                                               const GError        *failure);

/* strata-run-step.c */
void       _strata_run_section_init           (StrataRunSection    *section,
                                               StrataStep          *step);
gboolean   _strata_run_apply_step             (StrataRun           *run,
                                               StrataRunSection    *section,
                                               StrataRunClock      *clock,
                                               GError             **error);
void       _strata_run_step_applied           (StrataRun           *run,
                                               guint                index);
gboolean   _strata_run_transactional          (StrataRun           *run,
                                               StrataRunSection    *section,
                                               StrataRunClock      *clock,
                                               GError             **error);
gboolean   _strata_run_outside_transaction    (StrataRun           *run,
                                               StrataRunSection    *section,
                                               StrataRunClock      *clock,
                                               GError             **error);

/* strata-run-batch.c */
gboolean   _strata_run_open_batch             (StrataRun           *run,
                                               GError             **error);
gboolean   _strata_run_commit_batch           (StrataRun           *run,
                                               GError             **error);
gboolean   _strata_run_undo_step              (StrataRun           *run);

G_END_DECLS
