/* strata-migration-plan-private.h: the plan of a run that has planned already
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-migration-plan.h"
#include "strata-project.h"

G_BEGIN_DECLS

/* The plan of the @steps a run is about to take from @current_heads (sorted),
 * built by the same rules as strata_migration_plan_new(): what each step
 * drops, and whether the run backs the database up first. The run reads its
 * backup decision from it, so the preview the app and the CLI show and the
 * run cannot disagree. The one-step targets are left empty. */
StrataMigrationPlan *_strata_migration_plan_new_for_run (StrataDirection      direction,
                                                         const char          *target,
                                                         const char * const  *current_heads,
                                                         GPtrArray           *steps,
                                                         StrataBackupPolicy   policy,
                                                         gboolean             database_exists);

G_END_DECLS
