/* strata-reflow.h: a wide child where the width allows it, a narrow one
 * (the same content, stacked) where it does not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_REFLOW (strata_reflow_get_type ())

G_DECLARE_FINAL_TYPE (StrataReflow, strata_reflow, STRATA, REFLOW, GtkWidget)

GtkWidget *strata_reflow_new              (void);
GtkWidget *strata_reflow_get_wide_child   (StrataReflow *self);
void       strata_reflow_set_wide_child   (StrataReflow *self,
                                           GtkWidget    *child);
GtkWidget *strata_reflow_get_narrow_child (StrataReflow *self);
void       strata_reflow_set_narrow_child (StrataReflow *self,
                                           GtkWidget    *child);
/* Whether the narrow child is the one shown, as of the last allocation. */
gboolean   strata_reflow_get_narrow       (StrataReflow *self);

G_END_DECLS
