/* strata-backups-window.h: the project's backups, each with a Restore button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_BACKUPS_WINDOW (strata_backups_window_get_type ())

G_DECLARE_FINAL_TYPE (StrataBackupsWindow, strata_backups_window, STRATA, BACKUPS_WINDOW,
                      AdwWindow)

/* Lists @project's backups on a worker; a Restore button emits "restore"
 * with the StrataBackup. */
StrataBackupsWindow *strata_backups_window_new        (GtkWindow           *parent,
                                                       StrataProject       *project);
/* Lists the backups again (after a restore, which adds one). */
void                 strata_backups_window_reload     (StrataBackupsWindow *self);
/* The backups shown, newest first: StrataBackup items (empty while loading). */
GListModel          *strata_backups_window_get_model  (StrataBackupsWindow *self);
/* For tests: completed listings. */
guint                strata_backups_window_get_n_loads (StrataBackupsWindow *self);

G_END_DECLS
