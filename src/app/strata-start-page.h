/* strata-start-page.h: what the window shows before a project is open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_START_PAGE (strata_start_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataStartPage, strata_start_page, STRATA, START_PAGE, GtkWidget)

GtkWidget *strata_start_page_new        (void);
/* Folders of recent projects, most recent first; emits "open-project" (GFile)
 * when one is activated. */
void       strata_start_page_set_recent (StrataStartPage    *self,
                                         const char * const *paths);

G_END_DECLS
