/* strata-window-autogen.c: New Revision from Schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-sql-preview.h"
#include "strata-window-private.h"

static void run_autogen (StrataWindow  *self,
                         StrataAutogen *autogen);

/* Writing, once the person has read the SQL */

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;

  revision = strata_autogen_write_revision_finish (STRATA_AUTOGEN (object), result, &error);
  if (revision == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Could Not Create the Revision"), error);
      return;
    }
  strata_window_toast (self, _("Revision created from schema.sql"));
  g_free (self->select_after_reload);
  self->select_after_reload = g_strdup (strata_revision_get_id (revision));
  adw_view_stack_set_visible_child_name (self->view_stack, "revision");
  _strata_window_reload (self);
}

static void
confirm_cb (StrataSqlPreview *preview,
            const char       *message,
            StrataWindow     *self)
{
  StrataAutogen *autogen = g_object_get_data (G_OBJECT (preview), "autogen");

  if (self->graph == NULL)
    return;
  /* The task holds the autogen past the preview's destruction. */
  strata_autogen_write_revision_async (autogen, self->graph, message, NULL, self->cancellable,
                                       write_cb, g_object_ref (self));
  gtk_window_destroy (GTK_WINDOW (preview));
}

/* Values to choose (the CLI's --fill): for the NULLs of each column that
 * becomes NOT NULL, written into the copy as COALESCE, and for each dropped
 * NOT NULL column the downgrade brings back holding a placeholder. */

static void
fill_clicked_cb (GtkButton    *button,
                 StrataWindow *self)
{
  GtkWidget *preview = gtk_widget_get_ancestor (GTK_WIDGET (button), STRATA_TYPE_SQL_PREVIEW);
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  g_autoptr(StrataAutogen) autogen = NULL;

  autogen = g_object_ref (g_object_get_data (G_OBJECT (preview), "autogen"));
  for (GtkWidget *row = gtk_widget_get_first_child (box); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *column = g_object_get_data (G_OBJECT (row), "fill-column");
      GtkWidget *entry = gtk_widget_get_last_child (row);
      g_autofree char *spec = NULL;
      g_autoptr(GError) error = NULL;

      if (column == NULL)
        continue;
      spec = g_strdup_printf ("%s=%s", column, gtk_editable_get_text (GTK_EDITABLE (entry)));
      if (!strata_autogen_add_fill (autogen, spec, &error))
        {
          _strata_window_show_error (self, _("Could Not Generate the Revision"), error);
          return;
        }
    }
  gtk_window_destroy (GTK_WINDOW (preview));
  run_autogen (self, autogen);
}

/* @fill: "table.column=VALUE", VALUE the suggestion to start from, for the
 * NULLs of a new NOT NULL column, or the downgrade's @placeholder. */
static GtkWidget *
fill_row (const char *fill,
          gboolean    placeholder)
{
  const char *equals = strchr (fill, '=');
  g_autofree char *column = g_strndup (fill, equals - fill);
  /* Translators: %s is "table.column"; an entry with an SQL value follows */
  g_autofree char *text = placeholder ? g_strdup_printf (_("Downgrade brings %s back holding"), column)
                                      : g_strdup_printf (_("Fill the NULLs of %s with"), column);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *entry = gtk_entry_new ();

  /* The label above its entry, wrapped: the column's name is never cut, and
   * the window still narrows to a phone's width. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (row), label);
  gtk_editable_set_text (GTK_EDITABLE (entry), equals + 1);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 12);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_box_append (GTK_BOX (row), entry);
  g_object_set_data_full (G_OBJECT (row), "fill-column", g_steal_pointer (&column), g_free);
  return row;
}

static void
add_fills (StrataWindow     *self,
           StrataSqlPreview *preview,
           StrataAutogen    *autogen)
{
  const char * const *fills = strata_autogen_get_suggested_fills (autogen);
  const char * const *placeholders = strata_autogen_get_placeholders (autogen);
  GtkWidget *box;
  GtkWidget *button;

  if ((fills == NULL || fills[0] == NULL) && (placeholders == NULL || placeholders[0] == NULL))
    return;
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name (box, "fills");
  for (guint i = 0; fills != NULL && fills[i] != NULL; i++)
    gtk_box_append (GTK_BOX (box), fill_row (fills[i], FALSE));
  for (guint i = 0; placeholders != NULL && placeholders[i] != NULL; i++)
    gtk_box_append (GTK_BOX (box), fill_row (placeholders[i], TRUE));
  button = gtk_button_new_with_mnemonic (_("_Fill and Generate Again"));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  g_signal_connect_object (button, "clicked", G_CALLBACK (fill_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), button);
  strata_sql_preview_add_widget (preview, box);
}

static void
show_preview (StrataWindow  *self,
              StrataAutogen *autogen)
{
  StrataSqlPreview *preview;
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n",
                         strata_autogen_get_upgrade_sql (autogen),
                         strata_autogen_get_downgrade_sql (autogen));
  preview = strata_sql_preview_new (GTK_WINDOW (self), _("New Revision from Schema"));
  g_object_set_data_full (G_OBJECT (preview), "autogen", g_object_ref (autogen), g_object_unref);
  strata_sql_preview_add_details (preview, _("Differences from Head"),
                                  strata_autogen_get_differences (autogen));
  strata_sql_preview_add_details (preview, _("Notes"), strata_autogen_get_notes (autogen));
  strata_sql_preview_add_details (preview, _("Rows the Upgrade Would Refuse or Change"),
                                  strata_autogen_get_row_problems (autogen));
  add_fills (self, preview, autogen);
  strata_sql_preview_set_sql (preview, sql);
  strata_sql_preview_set_confirm (preview, _("C_reate Revision"), NULL);
  g_signal_connect_object (preview, "confirm", G_CALLBACK (confirm_cb), self, 0);
  gtk_window_present (GTK_WINDOW (preview));
}

/* A drop or a rename is the person's decision */

static void
decision_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      StrataWindow     *self)
{
  StrataAutogen *autogen = g_object_get_data (G_OBJECT (dialog), "autogen");
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "rename"))
    {
      if (!strata_autogen_add_rename (autogen, strata_autogen_get_rename_candidate (autogen), &error))
        {
          _strata_window_show_error (self, _("Could Not Generate the Revision"), error);
          return;
        }
    }
  else if (g_str_equal (response, "drop"))
    strata_autogen_set_flags (autogen, STRATA_AUTOGEN_FLAGS_ALLOW_DROP);
  else
    return;
  run_autogen (self, autogen);
}

static void
ask_decision (StrataWindow  *self,
              StrataAutogen *autogen)
{
  const char *subject = strata_autogen_get_drop_subject (autogen);
  const char *rename = strata_autogen_get_rename_candidate (autogen);
  AdwMessageDialog *dialog;

  dialog = _strata_window_new_dialog (self, rename ? _("Renamed or Dropped?") : _("Drop Data?"),
                                      NULL);
  if (rename != NULL)
    adw_message_dialog_format_body (dialog,
                                    _("schema.sql no longer has the %s, and it adds “%s”. "
                                      "If it was renamed, the revision renames it and keeps its "
                                      "data; otherwise it drops it, and the data it holds is "
                                      "lost."),
                                    subject, strrchr (rename, ':') + 1);
  else
    adw_message_dialog_format_body (dialog,
                                    _("schema.sql no longer has the %s. The revision would drop "
                                      "it, and the data it holds is lost."),
                                    subject);
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_add_response (dialog, "drop", _("_Drop the Data"));
  adw_message_dialog_set_response_appearance (dialog, "drop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  if (rename != NULL)
    {
      adw_message_dialog_add_response (dialog, "rename", _("_Rename"));
      adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "rename");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "autogen", g_object_ref (autogen), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (decision_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The self-check found a difference: show it whole */

static void
show_difference (StrataWindow *self,
                 const GError *error)
{
  AdwMessageDialog *dialog;
  GtkWidget *scroller;
  GtkWidget *label;

  dialog = _strata_window_new_dialog (self, _("Could Not Generate the Revision"),
                                      _("The generated SQL did not pass its check, so nothing "
                                        "was written. Change schema.sql and try again."));
  label = gtk_label_new (error->message);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "failed-statement");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  adw_message_dialog_set_extra_child (dialog, scroller);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Running */

static void
autogen_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  StrataAutogen *autogen = STRATA_AUTOGEN (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = strata_autogen_run_finish (autogen, result, &error);
  g_clear_object (&self->autogen);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  _strata_window_update_actions (self);
  if (ok && strata_autogen_get_upgrade_sql (autogen) == NULL)
    strata_window_toast (self, _("schema.sql matches head: there is nothing to generate"));
  else if (ok)
    show_preview (self, autogen);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_TARGET) &&
           strata_autogen_get_drop_subject (autogen) != NULL)
    ask_decision (self, autogen);
  else if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_SQL))
    show_difference (self, error);
  else
    _strata_window_show_error (self, _("Could Not Generate the Revision"), error);
}

static void
run_autogen (StrataWindow  *self,
             StrataAutogen *autogen)
{
  g_assert (STRATA_IS_WINDOW (self));

  if (self->autogen != NULL || self->graph == NULL)
    return;
  self->autogen = g_object_ref (autogen);
  strata_autogen_set_graph (autogen, self->graph);
  _strata_window_update_actions (self);
  strata_autogen_run_async (autogen, self->cancellable, autogen_cb, g_object_ref (self));
}

void
_strata_window_new_from_schema (StrataWindow *self)
{
  g_autoptr(StrataAutogen) autogen = NULL;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL || strata_project_get_schema_file (self->project) == NULL)
    return;
  autogen = strata_autogen_new (self->project);
  run_autogen (self, autogen);
}
