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

/* Refuses a plan whose downgrade steps go through a revision that has no
 * downgrade (see _strata_revision_check_downgrade()): the run and its plan
 * say so alike, before anything runs. */
gboolean _strata_steps_check_downgrades (GPtrArray  *steps,
                                         GError    **error);

G_END_DECLS
