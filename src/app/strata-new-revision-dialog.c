/* strata-new-revision-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-new-revision-dialog.h"

struct _StrataNewRevisionDialog
{
  AdwWindow     parent_instance;

  GPtrArray    *targets;    /* parent id per choice, "base" for a new root */

  GtkButton    *create_button;
  AdwEntryRow  *message_row;
  AdwComboRow  *parent_row;
  AdwEntryRow  *label_row;
};

G_DEFINE_FINAL_TYPE (StrataNewRevisionDialog, strata_new_revision_dialog, ADW_TYPE_WINDOW)

enum {
  CREATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
message_changed_cb (StrataNewRevisionDialog *self)
{
  g_autofree char *message = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->message_row))));

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), message[0] != '\0');
}

static void
create_clicked_cb (StrataNewRevisionDialog *self)
{
  g_autofree char *message = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->message_row))));
  g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->label_row))));
  guint position = adw_combo_row_get_selected (self->parent_row);

  if (message[0] == '\0' || position >= self->targets->len)
    return;
  g_signal_emit (self, signals[CREATE], 0, message, g_ptr_array_index (self->targets, position), label);
  gtk_window_close (GTK_WINDOW (self));
}

static void
strata_new_revision_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_NEW_REVISION_DIALOG);

  G_OBJECT_CLASS (strata_new_revision_dialog_parent_class)->dispose (object);
}

static void
strata_new_revision_dialog_finalize (GObject *object)
{
  g_clear_pointer (&STRATA_NEW_REVISION_DIALOG (object)->targets, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_new_revision_dialog_parent_class)->finalize (object);
}

static void
strata_new_revision_dialog_class_init (StrataNewRevisionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_new_revision_dialog_dispose;
  object_class->finalize = strata_new_revision_dialog_finalize;

  signals[CREATE] =
    g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/strata-new-revision-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataNewRevisionDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, StrataNewRevisionDialog, message_row);
  gtk_widget_class_bind_template_child (widget_class, StrataNewRevisionDialog, parent_row);
  gtk_widget_class_bind_template_child (widget_class, StrataNewRevisionDialog, label_row);
  gtk_widget_class_bind_template_callback (widget_class, message_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
}

static void
strata_new_revision_dialog_init (StrataNewRevisionDialog *self)
{
  self->targets = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->create_button));
}

static char *
describe (StrataRevision *revision,
          gboolean        head)
{
  g_autofree char *short_id = g_utf8_substring (strata_revision_get_id (revision), 0, 12);

  /* Translators: a choice of parent revision: short id, message, and whether it is a head */
  return head ? g_strdup_printf (_("%s  %s (head)"), short_id, strata_revision_get_message (revision))
              : g_strdup_printf ("%s  %s", short_id, strata_revision_get_message (revision));
}

static void
fill_parents (StrataNewRevisionDialog *self,
              StrataRevisionGraph     *graph,
              const char              *selected_id)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) heads = graph ? strata_revision_graph_get_heads (graph) : NULL;
  GPtrArray *all = graph ? strata_revision_graph_get_revisions (graph) : NULL;
  guint selected = 0;

  /* Heads first: a new revision on a head continues its branch. */
  for (guint i = 0; heads != NULL && i < heads->len; i++)
    {
      StrataRevision *head = g_ptr_array_index (heads, i);
      g_autofree char *text = describe (head, TRUE);

      if (heads->len > 1 && g_strcmp0 (selected_id, strata_revision_get_id (head)) == 0)
        selected = self->targets->len;
      gtk_string_list_append (list, text);
      g_ptr_array_add (self->targets, g_strdup (strata_revision_get_id (head)));
    }
  for (guint i = all ? all->len : 0; i > 0; i--)
    {
      StrataRevision *revision = g_ptr_array_index (all, i - 1);
      g_autofree char *text = NULL;

      if (heads != NULL && g_ptr_array_find (heads, revision, NULL))
        continue;
      text = describe (revision, FALSE);
      gtk_string_list_append (list, text);
      g_ptr_array_add (self->targets, g_strdup (strata_revision_get_id (revision)));
    }
  gtk_string_list_append (list, _("Base (a new root)"));
  g_ptr_array_add (self->targets, g_strdup ("base"));

  adw_combo_row_set_model (self->parent_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->parent_row, selected);
}

GtkWidget *
strata_new_revision_dialog_new (GtkWindow           *parent,
                                StrataRevisionGraph *graph,
                                const char          *selected_id)
{
  StrataNewRevisionDialog *self;

  self = g_object_new (STRATA_TYPE_NEW_REVISION_DIALOG, "transient-for", parent, NULL);
  fill_parents (self, graph, selected_id);
  /* Typing goes into the message at once, and Enter creates: focus left on
   * Cancel would take a space for a click. */
  gtk_widget_grab_focus (GTK_WIDGET (self->message_row));
  return GTK_WIDGET (self);
}
