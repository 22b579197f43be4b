/* strata-migration.h: one upgrade, downgrade or stamp run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-backup.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MIGRATION (strata_migration_get_type ())

G_DECLARE_FINAL_TYPE (StrataMigration, strata_migration, STRATA, MIGRATION, GObject)

/* A run of @project's revisions against its database towards @target (Alembic's
 * target syntax, see strata_revision_graph_plan()). Each revision runs in one
 * BEGIN IMMEDIATE transaction with its version-table and strata_history rows:
 * it lands whole or not at all.
 *
 * Properties "fraction" (0..1), "message" ("Applying 3 of 12: add supplier
 * table"), "statement" (first line of the statement running), "n-steps" and
 * "step" change on the main context that was the thread-default when the run
 * started, coalesced into one idle, so a window may bind them to a progress
 * bar. "step-finished" (one StrataStep argument) is emitted there after each
 * step commits, once per step, in order. By the time a _finish() returns,
 * everything has been delivered.
 *
 * The synchronous twins run on the calling thread and update the properties
 * and emit "step-finished" directly on it, as each step goes, without waiting
 * for a main loop (the CLI prints progress that way).
 *
 * Tests may shorten the wait for a locked database (5 s) with the environment
 * variable STRATA_BUSY_TIMEOUT_MS. */
StrataMigration *strata_migration_new                    (StrataProject       *project,
                                                          StrataDirection      direction,
                                                          const char          *target);
StrataProject   *strata_migration_get_project            (StrataMigration     *self);
StrataDirection  strata_migration_get_direction          (StrataMigration     *self);
const char      *strata_migration_get_target             (StrataMigration     *self);
/* The graph to plan with; when unset the run loads it from the project. */
void             strata_migration_set_graph              (StrataMigration     *self,
                                                          StrataRevisionGraph *graph);
/* For a stamp: drop every row of the version table first. */
void             strata_migration_set_purge              (StrataMigration     *self,
                                                          gboolean             purge);
/* How long consecutive steps may share one write transaction before it
 * commits (see docs/database-tables.md); 200 ms unless set. 0 commits each
 * step on its own, which tests that act between two steps need; strata-cli
 * sets it from STRATA_GROUP_COMMIT_MS. */
void             strata_migration_set_group_commit_ms    (StrataMigration     *self,
                                                          guint                group_commit_ms);

gboolean         strata_migration_run                    (StrataMigration     *self,
                                                          GCancellable        *cancellable,
                                                          GError             **error);
void             strata_migration_run_async              (StrataMigration     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean         strata_migration_run_finish             (StrataMigration     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Offline mode (`--sql`): the exact SQL the run would execute, version-table
 * and strata_history statements included, as one script. Touches nothing.
 * @start_heads gives the starting rows (the left side of an "a:b" range);
 * NULL reads them from the database (read-only) when it exists. */
char            *strata_migration_render_sql             (StrataMigration     *self,
                                                          const char * const  *start_heads,
                                                          GCancellable        *cancellable,
                                                          GError             **error);
void             strata_migration_render_sql_async       (StrataMigration     *self,
                                                          const char * const  *start_heads,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char            *strata_migration_render_sql_finish      (StrataMigration     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* The planned steps, once planning is done (after run or render_sql). */
GPtrArray       *strata_migration_get_steps              (StrataMigration     *self);
double           strata_migration_get_fraction           (StrataMigration     *self);
const char      *strata_migration_get_message            (StrataMigration     *self);
const char      *strata_migration_get_statement          (StrataMigration     *self);
guint            strata_migration_get_n_steps            (StrataMigration     *self);
guint            strata_migration_get_step               (StrataMigration     *self);

/* After a failed run: the revision whose statement failed, the line of that
 * statement in the revision file (0 when unknown) and the statement. */
StrataRevision  *strata_migration_get_failed_revision    (StrataMigration     *self);
guint            strata_migration_get_failed_line        (StrataMigration     *self);
const char      *strata_migration_get_failed_statement   (StrataMigration     *self);

/* The copy of the database the run took before its first step (see
 * "backup" in docs/project-format.md), or NULL when it took none. */
StrataBackup    *strata_migration_get_backup             (StrataMigration     *self);
/* After a run, successful or not: what it found and left alone, one sentence
 * each (rows that pointed at missing rows before the run, with their count
 * and the PRAGMA that lists them). Never NULL. */
const char * const *strata_migration_get_warnings        (StrataMigration     *self);

G_END_DECLS
