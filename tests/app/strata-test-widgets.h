/* strata-test-widgets.h: finding what a person sees inside a widget tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The first descendant of @root (depth first, @root included) of @type
 * that has @css_class (any when NULL). */
GtkWidget *strata_test_find_widget   (GtkWidget  *root,
                                      GType       type,
                                      const char *css_class);
/* Every such descendant, in order. */
GPtrArray *strata_test_find_widgets  (GtkWidget  *root,
                                      GType       type,
                                      const char *css_class);
/* The text of the first label inside @root. */
const char *strata_test_label_text   (GtkWidget  *root);

G_END_DECLS
