/* strata-new-revision-dialog.h: asks for a new revision's message, parent and label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_NEW_REVISION_DIALOG (strata_new_revision_dialog_get_type ())

G_DECLARE_FINAL_TYPE (StrataNewRevisionDialog, strata_new_revision_dialog, STRATA, NEW_REVISION_DIALOG, AdwWindow)

/* Emits "create" (message, parent id or "base", branch label or "") and
 * closes. The parent defaults to the single head, else @selected_id. */
GtkWidget *strata_new_revision_dialog_new (GtkWindow           *parent,
                                           StrataRevisionGraph *graph,
                                           const char          *selected_id);

G_END_DECLS
