/* strata-rehearsal-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-rehearsal-dialog.h"

struct _StrataRehearsalDialog
{
  AdwWindow       parent_instance;

  int             n_findings;
  char           *summary;

  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkLabel       *running_label;
  AdwStatusPage  *status_page;
  GtkLabel       *findings_label;
  GtkListBox     *findings_list;
  GtkWidget      *upgrade_button;
};

G_DEFINE_FINAL_TYPE (StrataRehearsalDialog, strata_rehearsal_dialog, ADW_TYPE_WINDOW)

static void
strata_rehearsal_dialog_finalize (GObject *object)
{
  g_free (STRATA_REHEARSAL_DIALOG (object)->summary);

  G_OBJECT_CLASS (strata_rehearsal_dialog_parent_class)->finalize (object);
}

static void
strata_rehearsal_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_REHEARSAL_DIALOG);

  G_OBJECT_CLASS (strata_rehearsal_dialog_parent_class)->dispose (object);
}

/* A clean rehearsal leads straight to the run it rehearsed. */
static void
upgrade_clicked_cb (StrataRehearsalDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GtkWidget) window = parent ? g_object_ref (GTK_WIDGET (parent)) : NULL;

  gtk_window_close (GTK_WINDOW (self));
  if (window != NULL)
    gtk_widget_activate_action (window, "win.upgrade", NULL);
}

static void
strata_rehearsal_dialog_class_init (StrataRehearsalDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_rehearsal_dialog_dispose;
  object_class->finalize = strata_rehearsal_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/strata-rehearsal-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, running_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, status_page);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, findings_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, findings_list);
  gtk_widget_class_bind_template_child (widget_class, StrataRehearsalDialog, upgrade_button);
  gtk_widget_class_bind_template_callback (widget_class, upgrade_clicked_cb);
}

static void
strata_rehearsal_dialog_init (StrataRehearsalDialog *self)
{
  self->n_findings = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "running");
}

StrataRehearsalDialog *
strata_rehearsal_dialog_new (GtkWindow  *parent,
                             const char *running_text)
{
  StrataRehearsalDialog *self;

  self = g_object_new (STRATA_TYPE_REHEARSAL_DIALOG, "transient-for", parent, NULL);
  gtk_label_set_text (self->running_label, running_text);
  return self;
}

static const char *
describe_section (StrataDirection direction)
{
  return direction == STRATA_DIRECTION_DOWNGRADE ? _("downgrade") : _("upgrade");
}

static GtkWidget *
make_row (const StrataRehearsalFinding *finding)
{
  g_autoptr(GString) subtitle = g_string_new (finding->message);
  g_autofree char *title = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  /* Translators: where a rehearsal finding is: file, line, upgrade or downgrade */
  title = g_strdup_printf (_("%s:%u (%s)"), finding->file, finding->line,
                           describe_section (finding->direction));
  for (guint i = 0; finding->differences != NULL && finding->differences[i] != NULL; i++)
    g_string_append_printf (subtitle, "\n• %s", finding->differences[i]);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

void
strata_rehearsal_dialog_set_result (StrataRehearsalDialog *self,
                                    StrataRehearsal       *rehearsal)
{
  GPtrArray *findings;
  guint n_checked;

  g_return_if_fail (STRATA_IS_REHEARSAL_DIALOG (self));
  g_return_if_fail (STRATA_IS_REHEARSAL (rehearsal));

  findings = strata_rehearsal_get_findings (rehearsal);
  n_checked = strata_rehearsal_get_n_checked (rehearsal);
  self->n_findings = findings->len;
  g_free (self->summary);
  if (findings->len == 0)
    {
      self->summary = n_checked == 0 ? g_strdup (_("Nothing to rehearse: no revision is pending"))
                                     : g_strdup_printf (ngettext ("The revision downgrades and upgrades cleanly",
                                                                  "All %u revisions downgrade and upgrade cleanly",
                                                                  n_checked), n_checked);
      adw_status_page_set_title (self->status_page, self->summary);
      adw_status_page_set_description (self->status_page,
                                       _("Each pending revision was upgraded, downgraded and "
                                         "upgraded again on a copy of the database in memory. "
                                         "The database itself was not touched."));
      gtk_widget_set_visible (self->upgrade_button, n_checked > 0);
      if (n_checked > 0)
        gtk_window_set_default_widget (GTK_WINDOW (self), self->upgrade_button);
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }

  self->summary = g_strdup_printf (ngettext ("%u finding in %u revisions rehearsed",
                                             "%u findings in %u revisions rehearsed",
                                             findings->len), findings->len, n_checked);
  adw_window_title_set_subtitle (self->window_title, self->summary);
  gtk_label_set_text (self->findings_label,
                      _("Each pending revision was upgraded, downgraded and upgraded again on a "
                        "copy of the database in memory, which was not touched. Fix these "
                        "before you upgrade the database."));
  for (guint i = 0; i < findings->len; i++)
    gtk_list_box_append (self->findings_list, make_row (g_ptr_array_index (findings, i)));
  gtk_stack_set_visible_child_name (self->stack, "findings");
}

void
strata_rehearsal_dialog_set_error (StrataRehearsalDialog *self,
                                   const char            *message)
{
  g_return_if_fail (STRATA_IS_REHEARSAL_DIALOG (self));

  g_free (self->summary);
  self->summary = g_strdup (_("The Rehearsal Could Not Run"));
  adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->status_page, self->summary);
  adw_status_page_set_description (self->status_page, message);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

int
strata_rehearsal_dialog_get_n_findings (StrataRehearsalDialog *self)
{
  g_return_val_if_fail (STRATA_IS_REHEARSAL_DIALOG (self), -1);
  return self->n_findings;
}

const char *
strata_rehearsal_dialog_get_summary (StrataRehearsalDialog *self)
{
  g_return_val_if_fail (STRATA_IS_REHEARSAL_DIALOG (self), NULL);
  return self->summary;
}
