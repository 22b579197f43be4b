/* strata-sql-preview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "strata-sql-preview.h"

struct _StrataSqlPreview
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *copy_button;
  GtkStack       *stack;
  GtkSourceView  *view;
  AdwStatusPage  *error_page;
  char           *sql;
};

G_DEFINE_FINAL_TYPE (StrataSqlPreview, strata_sql_preview, ADW_TYPE_WINDOW)

static void
copy_clicked_cb (StrataSqlPreview *self)
{
  if (self->sql != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->sql);
}

static void
update_scheme (StrataSqlPreview *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (buffer),
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  dark ? "Adwaita-dark" : "Adwaita"));
}

static void
strata_sql_preview_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_SQL_PREVIEW);

  G_OBJECT_CLASS (strata_sql_preview_parent_class)->dispose (object);
}

static void
strata_sql_preview_finalize (GObject *object)
{
  g_free (STRATA_SQL_PREVIEW (object)->sql);

  G_OBJECT_CLASS (strata_sql_preview_parent_class)->finalize (object);
}

static void
strata_sql_preview_class_init (StrataSqlPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_sql_preview_dispose;
  object_class->finalize = strata_sql_preview_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-sql-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, window_title);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, copy_button);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, view);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, error_page);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
}

static void
strata_sql_preview_init (StrataSqlPreview *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (buffer),
                                  gtk_source_language_manager_get_language (languages, "sql"));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_scheme), self, G_CONNECT_SWAPPED);
  update_scheme (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

StrataSqlPreview *
strata_sql_preview_new (GtkWindow  *parent,
                        const char *title)
{
  StrataSqlPreview *self;

  self = g_object_new (STRATA_TYPE_SQL_PREVIEW, "transient-for", parent, NULL);
  adw_window_title_set_subtitle (self->window_title, title);
  return self;
}

void
strata_sql_preview_set_sql (StrataSqlPreview *self,
                            const char       *sql)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  g_free (self->sql);
  self->sql = g_strdup (sql);
  if (sql == NULL || sql[0] == '\0')
    {
      adw_status_page_set_title (self->error_page, _("Nothing to Run"));
      adw_status_page_set_description (self->error_page,
                                       _("The database is already where this run would take it."));
      adw_status_page_set_icon_name (self->error_page, "emblem-ok-symbolic");
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)), sql, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "sql");
}

void
strata_sql_preview_set_error (StrataSqlPreview *self,
                              const char       *message)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

const char *
strata_sql_preview_get_sql (StrataSqlPreview *self)
{
  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);
  return self->sql;
}
