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
  GtkExpander    *script_expander;
  GtkSourceView  *script_view;
  AdwStatusPage  *error_page;
  GtkWidget      *details_scroller;
  GtkBox         *details_box;
  GtkBox         *widgets_box;
  GtkWidget      *confirm_bar;
  GtkEntry       *message_entry;
  GtkButton      *confirm_button;
  GtkWidget      *run_bar;
  GtkLabel       *run_label;
  GtkButton      *run_button;
  char           *sql;
  char           *revision_sql;  /* the revisions' own SQL, without bookkeeping */
  const char     *run_action;    /* the parent window's action that runs it */
};

enum {
  CONFIRM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StrataSqlPreview, strata_sql_preview, ADW_TYPE_WINDOW)

static void
copy_clicked_cb (StrataSqlPreview *self)
{
  if (self->sql != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->sql);
}

static void
message_changed_cb (StrataSqlPreview *self)
{
  g_autofree char *message = g_strstrip (g_strdup (strata_sql_preview_get_message (self)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            self->sql != NULL && message[0] != '\0');
}

static void
confirm_clicked_cb (StrataSqlPreview *self)
{
  g_autofree char *message = g_strstrip (g_strdup (strata_sql_preview_get_message (self)));

  if (message[0] == '\0' || self->sql == NULL)
    return;
  g_signal_emit (self, signals[CONFIRM], 0, message);
}

/* Runs what the preview shows through the window it previews for. */
static void
run_clicked_cb (StrataSqlPreview *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GtkWidget) window = parent ? g_object_ref (GTK_WIDGET (parent)) : NULL;
  const char *action = self->run_action;

  gtk_window_close (GTK_WINDOW (self));
  if (window != NULL && action != NULL)
    gtk_widget_activate_action (window, action, NULL);
}

static void
update_scheme (StrataSqlPreview *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme =
    gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita");

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view))),
                                      scheme);
  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->script_view))),
                                      scheme);
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
  g_free (STRATA_SQL_PREVIEW (object)->revision_sql);

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
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, script_expander);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, script_view);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, run_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, run_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, run_button);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, details_scroller);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, details_box);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, widgets_box);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, confirm_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, message_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataSqlPreview, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, message_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);

  signals[CONFIRM] = g_signal_new ("confirm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

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
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->script_view));
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
  /* The revisions' SQL first; the script with its bookkeeping folded away. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)),
                            self->revision_sql ? self->revision_sql : sql, -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->script_view)), sql, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->script_expander), self->revision_sql != NULL);
  gtk_widget_set_visible (self->run_bar, self->run_action != NULL);
  if (self->run_action != NULL)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->run_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "sql");
  message_changed_cb (self);
}

void
strata_sql_preview_set_error (StrataSqlPreview *self,
                              const char       *message)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

void
strata_sql_preview_set_steps (StrataSqlPreview *self,
                              GPtrArray        *steps)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *run_text = NULL;
  StrataDirection direction = STRATA_DIRECTION_UPGRADE;

  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  if (steps == NULL || steps->len == 0)
    return;
  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      StrataRevision *revision = strata_step_get_revision (step);
      const char *sql;

      direction = strata_step_get_direction (step);
      sql = strata_revision_get_sql (revision, direction);
      g_string_append_printf (text, "%s-- %s: %s\n%s", i > 0 ? "\n" : "",
                              strata_revision_get_id (revision), strata_revision_get_message (revision),
                              sql != NULL ? sql : "");
      if (text->len > 0 && text->str[text->len - 1] != '\n')
        g_string_append_c (text, '\n');
    }
  g_free (self->revision_sql);
  self->revision_sql = g_string_free (g_steal_pointer (&text), FALSE);

  if (direction == STRATA_DIRECTION_DOWNGRADE)
    {
      self->run_action = "win.downgrade";
      gtk_button_set_label (self->run_button, _("_Downgrade Now"));
    }
  else
    {
      self->run_action = "win.upgrade";
      gtk_button_set_label (self->run_button, _("_Upgrade Now"));
    }
  run_text = g_strdup_printf (ngettext ("%u revision, each in a transaction of its own",
                                        "%u revisions, each in a transaction of its own",
                                        steps->len), steps->len);
  gtk_label_set_text (self->run_label, run_text);
}

const char *
strata_sql_preview_get_revision_sql (StrataSqlPreview *self)
{
  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);
  return self->revision_sql;
}

const char *
strata_sql_preview_get_sql (StrataSqlPreview *self)
{
  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);
  return self->sql;
}

static GtkWidget *
details_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

void
strata_sql_preview_add_details (StrataSqlPreview   *self,
                                const char         *heading,
                                const char * const *lines)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  if (lines == NULL || lines[0] == NULL)
    return;
  gtk_box_append (self->details_box, details_label (heading, "heading"));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* Translators: a bullet before one line of a list */
      g_autofree char *text = g_strdup_printf (_("• %s"), lines[i]);

      gtk_box_append (self->details_box, details_label (text, "body"));
    }
  gtk_widget_set_visible (self->details_scroller, TRUE);
}

void
strata_sql_preview_add_widget (StrataSqlPreview *self,
                               GtkWidget        *widget)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_box_append (self->widgets_box, widget);
  gtk_widget_set_visible (GTK_WIDGET (self->widgets_box), TRUE);
}

char *
strata_sql_preview_get_details (StrataSqlPreview *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->details_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (child)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
strata_sql_preview_set_confirm (StrataSqlPreview *self,
                                const char       *label,
                                const char       *message)
{
  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));

  gtk_button_set_label (self->confirm_button, label);
  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), message ? message : "");
  gtk_widget_set_visible (self->confirm_bar, TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->confirm_button));
  message_changed_cb (self);
}

const char *
strata_sql_preview_get_message (StrataSqlPreview *self)
{
  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->message_entry));
}
