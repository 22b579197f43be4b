/* strata-step-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-step.h"

G_BEGIN_DECLS

/* Gives each step of a planned run its revision as the file says now (see
 * _strata_revision_read_for_run()); on error the steps are as they were. */
gboolean _strata_steps_read_for_run (GPtrArray  *steps,
                                     GError    **error);

G_END_DECLS
