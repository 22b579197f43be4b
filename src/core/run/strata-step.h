/* strata-step.h: one planned step of a migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_STEP (strata_step_get_type ())

G_DECLARE_FINAL_TYPE (StrataStep, strata_step, STRATA, STEP, GObject)

/* A step runs one revision's section (or, for a stamp, none) and changes the
 * version table from the rows @from_heads to the rows @to_heads. Both hold only
 * the rows the step touches, in the order Alembic's HeadMaintainer touches them;
 * rows of other branches are not listed. Planning is pure: the executor checks,
 * under the write lock, that the version table still holds @from_heads. */
StrataStep         *strata_step_new              (StrataRevision     *revision,
                                                  StrataDirection     direction,
                                                  const char * const *from_heads,
                                                  const char * const *to_heads);
/* NULL for a stamp step. */
StrataRevision     *strata_step_get_revision     (StrataStep         *self);
StrataDirection     strata_step_get_direction    (StrataStep         *self);
const char * const *strata_step_get_from_heads   (StrataStep         *self);
const char * const *strata_step_get_to_heads     (StrataStep         *self);
/* The INSERT / UPDATE / DELETE statements on @version_table, each ending in ";",
 * with identifiers and ids quoted. */
GPtrArray          *strata_step_get_version_sql  (StrataStep         *self,
                                                  const char         *version_table);
/* "Running upgrade a1b2 -> c3d4, add supplier table", as Alembic logs it. */
char               *strata_step_describe         (StrataStep         *self);

G_END_DECLS
