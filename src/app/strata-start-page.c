/* strata-start-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-start-page.h"

struct _StrataStartPage
{
  GtkWidget   parent_instance;

  GtkWidget  *status_page;
  GtkWidget  *recent_box;
  GtkListBox *recent_list;
};

G_DEFINE_FINAL_TYPE (StrataStartPage, strata_start_page, GTK_TYPE_WIDGET)

enum {
  OPEN_PROJECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
row_activated_cb (StrataStartPage *self,
                  GtkListBoxRow   *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_signal_emit (self, signals[OPEN_PROJECT], 0, file);
}

static void
strata_start_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_START_PAGE);

  G_OBJECT_CLASS (strata_start_page_parent_class)->dispose (object);
}

static void
strata_start_page_class_init (StrataStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_start_page_dispose;

  signals[OPEN_PROJECT] =
    g_signal_new ("open-project", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataStartPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, StrataStartPage, recent_box);
  gtk_widget_class_bind_template_child (widget_class, StrataStartPage, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
strata_start_page_init (StrataStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (self->recent_box, FALSE);
}

GtkWidget *
strata_start_page_new (void)
{
  return g_object_new (STRATA_TYPE_START_PAGE, NULL);
}

static GtkWidget *
make_row (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *shown = NULL;
  const char *home = g_get_home_dir ();
  GtkWidget *row = adw_action_row_new ();

  /* ~/src rather than /home/someone/src, as Files shows it. */
  if (g_str_has_prefix (parent, home) && strlen (home) > 1)
    shown = g_strconcat ("~", parent + strlen (home), NULL);
  else
    shown = g_strdup (parent);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), shown);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("folder-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, path);
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (path), g_free);
  return row;
}

void
strata_start_page_set_recent (StrataStartPage    *self,
                              const char * const *paths)
{
  GtkWidget *child;
  guint n = 0;

  g_return_if_fail (STRATA_IS_START_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);
  for (guint i = 0; paths != NULL && paths[i] != NULL && n < 8; i++, n++)
    gtk_list_box_append (self->recent_list, make_row (paths[i]));
  gtk_widget_set_visible (self->recent_box, n > 0);
}
