/* strata-rehearsal-dialog.h: what a rehearsal of the pending revisions found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_REHEARSAL_DIALOG (strata_rehearsal_dialog_get_type ())

G_DECLARE_FINAL_TYPE (StrataRehearsalDialog, strata_rehearsal_dialog, STRATA, REHEARSAL_DIALOG,
                      AdwWindow)

/* Shows a spinner and @running_text until a result or an error comes. */
StrataRehearsalDialog *strata_rehearsal_dialog_new         (GtkWindow             *parent,
                                                            const char            *running_text);
void                   strata_rehearsal_dialog_set_result  (StrataRehearsalDialog *self,
                                                            StrataRehearsal       *rehearsal);
void                   strata_rehearsal_dialog_set_error   (StrataRehearsalDialog *self,
                                                            const char            *message);
/* For tests: -1 while running or after an error, else the number of findings. */
int                    strata_rehearsal_dialog_get_n_findings (StrataRehearsalDialog *self);
/* The heading shown: "All 9 revisions downgrade and upgrade cleanly", … */
const char            *strata_rehearsal_dialog_get_summary (StrataRehearsalDialog *self);

G_END_DECLS
