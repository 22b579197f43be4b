/* strata-test-widgets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-test-widgets.h"

static void
collect (GtkWidget  *widget,
         GType       type,
         const char *css_class,
         GPtrArray  *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, css_class, found);
}

GPtrArray *
strata_test_find_widgets (GtkWidget  *root,
                          GType       type,
                          const char *css_class)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, css_class, found);
  return found;
}

GtkWidget *
strata_test_find_widget (GtkWidget  *root,
                         GType       type,
                         const char *css_class)
{
  g_autoptr(GPtrArray) found = strata_test_find_widgets (root, type, css_class);

  return found->len > 0 ? found->pdata[0] : NULL;
}

const char *
strata_test_label_text (GtkWidget *root)
{
  GtkWidget *label = strata_test_find_widget (root, GTK_TYPE_LABEL, NULL);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}
