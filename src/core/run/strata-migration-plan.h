/* strata-migration-plan.h: what a run would do, before it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MIGRATION_PLAN (strata_migration_plan_get_type ())

G_DECLARE_FINAL_TYPE (StrataMigrationPlan, strata_migration_plan, STRATA, MIGRATION_PLAN, GObject)

/* The one answer the app and the CLI both show before an upgrade, downgrade
 * or stamp: the steps towards a target from the database's current heads,
 * what each step drops, whether the run will back the database up first,
 * and the one-step targets of each current head.
 *
 * What a step drops is read from the tokens of the section that step runs
 * (see strata-drop-analysis-private.h): a downgrade is judged on its
 * downgrade SQL only, so one that recreates a table its upgrade dropped
 * drops nothing. Tables are listed by name, columns as "table.column".
 *
 * Thread contract: a plan is built whole on one thread (the caller's, or a
 * worker's for the _async twin, which captures the project's database file,
 * version table and backup settings on the caller's thread before it
 * starts). Once returned it never changes, so it may be read from any
 * thread. It reads the database through a read-only connection of its own
 * and changes nothing. A run replans under its write lock: the plan tells
 * what would happen now, not a promise. */

/* @graph may be NULL to load it from @project. @start_heads gives the
 * version table's rows to start from (the left side of an offline "a:b"
 * range); NULL reads them from the database. @target uses Alembic's syntax
 * (see strata_revision_graph_plan()); NULL means one step in @direction
 * from the newest current head (see get_target()). A stamp is planned as
 * one without --purge, and drops nothing. A downgrade through a revision
 * that has no downgrade is refused as the run refuses it, before anything
 * runs (naming its file, line and the "-- strata:no-downgrade" marker). */
StrataMigrationPlan *strata_migration_plan_new                 (StrataProject        *project,
                                                                StrataRevisionGraph  *graph,
                                                                StrataDirection       direction,
                                                                const char * const   *start_heads,
                                                                const char           *target,
                                                                GCancellable         *cancellable,
                                                                GError              **error);
void                 strata_migration_plan_new_async           (StrataProject        *project,
                                                                StrataRevisionGraph  *graph,
                                                                StrataDirection       direction,
                                                                const char * const   *start_heads,
                                                                const char           *target,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
StrataMigrationPlan *strata_migration_plan_new_finish          (GAsyncResult         *result,
                                                                GError              **error);

StrataDirection      strata_migration_plan_get_direction       (StrataMigrationPlan  *self);
/* The target as given, or the one-step target a NULL target resolved to;
 * NULL when there was no step to take. */
const char          *strata_migration_plan_get_target          (StrataMigrationPlan  *self);
/* The version table's rows, sorted. */
const char * const  *strata_migration_plan_get_current_heads   (StrataMigrationPlan  *self);
/* StrataStep items in the order they run (transfer none). */
GPtrArray           *strata_migration_plan_get_steps           (StrataMigrationPlan  *self);
guint                strata_migration_plan_get_n_steps         (StrataMigrationPlan  *self);

/* What step @index drops. */
const char * const  *strata_migration_plan_get_step_dropped_tables  (StrataMigrationPlan *self,
                                                                     guint                index);
const char * const  *strata_migration_plan_get_step_dropped_columns (StrataMigrationPlan *self,
                                                                     guint                index);
/* What the whole run drops, each name once, in the order the steps drop them. */
const char * const  *strata_migration_plan_get_dropped_tables  (StrataMigrationPlan  *self);
const char * const  *strata_migration_plan_get_dropped_columns (StrataMigrationPlan  *self);
/* TRUE when some step drops a table or a column: data is at stake. */
gboolean             strata_migration_plan_get_drops_data      (StrataMigrationPlan  *self);
/* TRUE when the run will copy the database aside before its first step
 * ("backup" in strata.ini: always, or destructive and the plan drops data). */
gboolean             strata_migration_plan_get_backs_up        (StrataMigrationPlan  *self);

/* For each current head that has one, the target one step back from it
 * alone: "HEAD@-1", which is what `strata-cli downgrade -1` does when HEAD is
 * the only head. A merge has none: one step back from it is ambiguous, and
 * `strata-cli downgrade -1` refuses it ("Ambiguous walk"). One step forward
 * is "HEAD@+1" (or "+1" on an empty database), where the walk does not
 * fork. Each was planned and found to take at least one step. */
const char * const  *strata_migration_plan_get_step_back_targets    (StrataMigrationPlan *self);
const char * const  *strata_migration_plan_get_step_forward_targets (StrataMigrationPlan *self);

/* When a downgrade was planned with a NULL target and the newest head is a
 * merge, there is no one step back: the plan has no target and no steps,
 * the choices are the revisions the merge merges (any one may be given as
 * the target of a new plan, as to `strata-cli downgrade REVISION`), and the
 * problem is the message `strata-cli downgrade -1` gives. NULL otherwise. */
const char * const  *strata_migration_plan_get_step_back_choices    (StrataMigrationPlan *self);
const char          *strata_migration_plan_get_step_back_problem    (StrataMigrationPlan *self);

G_END_DECLS
