/* strata-window.h: the main window, one project at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

#include "strata-application.h"

G_BEGIN_DECLS

#define STRATA_TYPE_WINDOW (strata_window_get_type ())

G_DECLARE_FINAL_TYPE (StrataWindow, strata_window, STRATA, WINDOW, AdwApplicationWindow)

StrataWindow  *strata_window_new          (StrataApplication *application);
/* Opens the project in @directory; one without strata.ini is offered to
 * become a project. A SQLite file opens the project around it. */
void           strata_window_open         (StrataWindow      *self,
                                           GFile             *directory);
StrataProject *strata_window_get_project  (StrataWindow      *self);
/* Shows a passing message on the window's toast overlay. */
void           strata_window_toast        (StrataWindow      *self,
                                           const char        *message);

G_END_DECLS
