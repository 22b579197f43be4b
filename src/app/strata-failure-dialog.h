/* strata-failure-dialog.h: what a failed run says to the person who ran it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

G_BEGIN_DECLS

/* The body says what happened, what became of the database and what to do,
 * in that order; the full message and the statement wait in a Details
 * expander. Responses: "close", and "retry" when trying again may work (the
 * database was locked by another program). */
AdwMessageDialog *strata_failure_dialog_new (GtkWindow       *parent,
                                             StrataMigration *migration,
                                             const GError    *error);

G_END_DECLS
