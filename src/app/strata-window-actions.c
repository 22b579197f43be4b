/* strata-window-actions.c: the win.* actions of StrataWindow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "strata-new-revision-dialog.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

static StrataWindow *
window_from (GtkWidget *widget)
{
  g_assert (STRATA_IS_WINDOW (widget));
  return STRATA_WINDOW (widget);
}

static const char *
selected_id (StrataWindow *self)
{
  StrataRevision *revision = strata_timeline_get_selected_revision (self->timeline);

  return revision ? strata_revision_get_id (revision) : NULL;
}

/* Open */

static void
open_response_cb (GtkNativeDialog *native,
                  int              response,
                  StrataWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (folder != NULL)
        strata_window_open (self, folder);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  StrataWindow *self = window_from (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Project Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (self->project != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native),
                                         strata_project_get_directory (self->project), NULL);
  g_signal_connect_object (native, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  StrataWindow *self = window_from (widget);

  _strata_window_reload (self);
  strata_inspector_reload (self->inspector);
}

/* Save */

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!strata_revision_editor_save_finish (self->editor, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Could Not Save the Revision"), error);
      return;
    }
  strata_window_toast (self, _("Revision saved"));
  /* The folder monitor reloads too, but not every file system has one. */
  _strata_window_reload (self);
}

void
_strata_window_save (StrataWindow        *self,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_assert (STRATA_IS_WINDOW (self));

  strata_revision_editor_save_async (self->editor, self->cancellable,
                                     callback ? callback : save_cb,
                                     callback ? user_data : g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  _strata_window_save (window_from (widget), NULL, NULL);
}

/* New revision */

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(GError) error = NULL;

  revision = strata_project_create_revision_finish (STRATA_PROJECT (object), result, &error);
  if (revision == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Could Not Create the Revision"), error);
      return;
    }
  g_free (self->select_after_reload);
  self->select_after_reload = g_strdup (strata_revision_get_id (revision));
  adw_view_stack_set_visible_child_name (self->view_stack, "revision");
  _strata_window_reload (self);
}

static void
dialog_create_cb (StrataWindow            *self,
                  const char              *message,
                  const char              *parent,
                  const char              *label,
                  StrataNewRevisionDialog *dialog)
{
  const char *heads[] = { parent, NULL };

  if (self->project == NULL || self->graph == NULL)
    return;

  /* The dialog lets a person revise any revision; revising one that already
   * has children starts a branch, which splicing allows. Whether the parent
   * is a head is the core's question. */
  strata_project_create_revision_async (self->project, self->graph, message,
                                        parent != NULL ? heads : NULL,
                                        label != NULL && label[0] != '\0' ? label : NULL,
                                        NULL, NULL, TRUE, self->cancellable, create_cb,
                                        g_object_ref (self));
}

static void
new_revision_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  StrataWindow *self = window_from (widget);
  GtkWidget *dialog;

  dialog = strata_new_revision_dialog_new (GTK_WINDOW (self), self->graph, selected_id (self));
  g_signal_connect_object (dialog, "create", G_CALLBACK (dialog_create_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Upgrade, downgrade, stamp */

static void
heads_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   StrataWindow     *self)
{
  if (g_str_equal (response, "cancel"))
    return;
  _strata_window_migrate (self, STRATA_DIRECTION_UPGRADE,
                          g_str_equal (response, "all") ? "heads" : response);
}

static void
ask_which_head (StrataWindow *self,
                GPtrArray    *heads)
{
  AdwMessageDialog *dialog;

  dialog = _strata_window_new_dialog (self, _("Upgrade Which Head?"), NULL);
  adw_message_dialog_format_body (dialog,
                                  ngettext ("The project has %u head: upgrade one branch, or all of them.",
                                            "The project has %u heads: upgrade one branch, or all of them.",
                                            heads->len),
                                  heads->len);
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  for (guint i = 0; i < heads->len; i++)
    {
      StrataRevision *head = g_ptr_array_index (heads, i);
      const char * const *labels = strata_revision_get_branch_labels (head);
      g_autofree char *short_id = g_utf8_substring (strata_revision_get_id (head), 0, 8);
      g_autofree char *label = labels[0] ? g_strdup_printf ("%s (%s)", labels[0], short_id)
                                         : g_strdup (short_id);

      adw_message_dialog_add_response (dialog, strata_revision_get_id (head), label);
    }
  adw_message_dialog_add_response (dialog, "all", _("_All Heads"));
  adw_message_dialog_set_response_appearance (dialog, "all", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "all");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (heads_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
upgrade_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  StrataWindow *self = window_from (widget);
  g_autoptr(GPtrArray) heads = NULL;

  if (self->graph == NULL)
    return;
  heads = strata_revision_graph_get_heads (self->graph);
  if (heads->len > 1)
    ask_which_head (self, heads);
  else
    _strata_window_migrate (self, STRATA_DIRECTION_UPGRADE, "heads");
}

static void
upgrade_selected_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  StrataWindow *self = window_from (widget);

  if (selected_id (self) != NULL)
    _strata_window_migrate (self, STRATA_DIRECTION_UPGRADE, selected_id (self));
}

static void
downgrade_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  /* One step back from the newest head, as the core's plan resolves it. */
  _strata_window_migrate (window_from (widget), STRATA_DIRECTION_DOWNGRADE, NULL);
}

static void
downgrade_selected_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  StrataWindow *self = window_from (widget);

  if (selected_id (self) != NULL)
    _strata_window_migrate (self, STRATA_DIRECTION_DOWNGRADE, selected_id (self));
}

static void
downgrade_base_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  _strata_window_migrate (window_from (widget), STRATA_DIRECTION_DOWNGRADE, "base");
}

static void
stamp_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   StrataWindow     *self)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *item = gtk_drop_down_get_selected_item (choice);
  const char *target;

  if (!g_str_equal (response, "stamp") || item == NULL)
    return;
  target = g_object_get_data (G_OBJECT (item), "target");
  _strata_window_migrate (self, STRATA_DIRECTION_STAMP, target);
}

static void
append_choice (GtkStringList *list,
               const char    *text,
               const char    *target)
{
  g_autoptr(GObject) item = NULL;

  gtk_string_list_append (list, text);
  item = g_list_model_get_item (G_LIST_MODEL (list), g_list_model_get_n_items (G_LIST_MODEL (list)) - 1);
  g_object_set_data_full (item, "target", g_strdup (target), g_free);
}

static GtkWidget *
make_revision_choice (StrataWindow *self)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);
  GtkStringList *list = gtk_string_list_new (NULL);
  const char *selected = selected_id (self);
  guint position = 0;
  GtkWidget *choice;

  append_choice (list, _("Base (no revision)"), "base");
  for (guint i = revisions->len; i > 0; i--)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i - 1);
      const char *id = strata_revision_get_id (revision);
      g_autofree char *short_id = g_utf8_substring (id, 0, 12);
      g_autofree char *text = g_strdup_printf ("%s  %s", short_id, strata_revision_get_message (revision));

      if (g_strcmp0 (selected, id) == 0)
        position = g_list_model_get_n_items (G_LIST_MODEL (list));
      append_choice (list, text, id);
    }
  choice = gtk_drop_down_new (G_LIST_MODEL (list), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), position);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Revision to stamp"), -1);
  return choice;
}

static void
stamp_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  StrataWindow *self = window_from (widget);
  AdwMessageDialog *dialog;

  if (self->graph == NULL)
    return;
  dialog = _strata_window_new_dialog (self, _("Stamp the Database?"),
                                     _("The version table will say the database is at "
                                       "this revision. No SQL runs: use it when the "
                                       "schema already matches."));
  adw_message_dialog_set_extra_child (dialog, make_revision_choice (self));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "stamp", _("_Stamp"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "stamp", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stamp_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preview_sql_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  _strata_window_preview (window_from (widget), STRATA_DIRECTION_UPGRADE, "heads");
}

static void
preview_downgrade_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  _strata_window_preview (window_from (widget), STRATA_DIRECTION_DOWNGRADE, NULL);
}

static void
cancel_migration_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  StrataWindow *self = window_from (widget);

  if (self->migration_cancellable != NULL)
    g_cancellable_cancel (self->migration_cancellable);
}

static void
new_from_schema_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  _strata_window_new_from_schema (window_from (widget));
}

static void
rehearse_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  _strata_window_rehearse (window_from (widget));
}

static void
backups_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  _strata_window_show_backups (window_from (widget));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  StrataWindow *self = window_from (widget);

  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_str_equal (action_name, "win.show-database") ?
                                         "database" : "revision");
  _strata_window_show_content (self);
}

void
_strata_window_class_actions_init (StrataWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.new-revision", NULL, new_revision_action);
  gtk_widget_class_install_action (widget_class, "win.upgrade", NULL, upgrade_action);
  gtk_widget_class_install_action (widget_class, "win.upgrade-selected", NULL, upgrade_selected_action);
  gtk_widget_class_install_action (widget_class, "win.downgrade", NULL, downgrade_action);
  gtk_widget_class_install_action (widget_class, "win.downgrade-selected", NULL,
                                   downgrade_selected_action);
  gtk_widget_class_install_action (widget_class, "win.downgrade-base", NULL, downgrade_base_action);
  gtk_widget_class_install_action (widget_class, "win.stamp", NULL, stamp_action);
  gtk_widget_class_install_action (widget_class, "win.preview-sql", NULL, preview_sql_action);
  gtk_widget_class_install_action (widget_class, "win.preview-downgrade", NULL,
                                   preview_downgrade_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-migration", NULL,
                                   cancel_migration_action);
  gtk_widget_class_install_action (widget_class, "win.new-from-schema", NULL, new_from_schema_action);
  gtk_widget_class_install_action (widget_class, "win.rehearse", NULL, rehearse_action);
  gtk_widget_class_install_action (widget_class, "win.backups", NULL, backups_action);
  gtk_widget_class_install_action (widget_class, "win.show-revision", NULL, show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-database", NULL, show_page_action);
}

/* Whether an upgrade to head has anything to do. */
static gboolean
has_pending (StrataWindow *self)
{
  GListModel *model = strata_timeline_get_model (self->timeline);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataTimelineItem) item = g_list_model_get_item (model, i);

      if (strata_timeline_item_get_state (item) & STRATA_REVISION_STATE_PENDING)
        return TRUE;
    }
  return FALSE;
}

/* A database whose file (or folder, where SQLite keeps its journal) cannot
 * be written, or whose mode forbids writing to everyone (which root would
 * ignore), is read-only: say so before any run is asked for. */
static gboolean
database_read_only (StrataWindow *self)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  GStatBuf info;

  if (self->project == NULL)
    return FALSE;
  path = g_file_get_path (strata_project_get_database_file (self->project));
  if (path == NULL || g_stat (path, &info) != 0)
    return FALSE;
  folder = g_path_get_dirname (path);
  return (info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 ||
         g_access (path, W_OK) != 0 || g_access (folder, W_OK) != 0;
}

void
_strata_window_update_actions (StrataWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  StrataRevision *selected = strata_timeline_get_selected_revision (self->timeline);
  const char * const *heads = self->status ? strata_status_get_heads (self->status) : NULL;
  gboolean has_project = self->project != NULL;
  gboolean read_only = database_read_only (self);
  gboolean ready = self->graph != NULL && self->migration == NULL && !read_only;
  gboolean applied = heads != NULL && heads[0] != NULL;

  gtk_widget_action_set_enabled (widget, "win.reload", has_project);
  gtk_widget_action_set_enabled (widget, "win.show-revision", has_project);
  gtk_widget_action_set_enabled (widget, "win.show-database", has_project);
  gtk_widget_action_set_enabled (widget, "win.save", strata_revision_editor_get_modified (self->editor));
  gtk_widget_action_set_enabled (widget, "win.new-revision", self->graph != NULL);
  gtk_widget_action_set_enabled (widget, "win.upgrade", ready && has_pending (self));
  gtk_widget_action_set_enabled (widget, "win.upgrade-selected", ready && selected != NULL);
  gtk_widget_action_set_enabled (widget, "win.downgrade", ready && applied);
  gtk_widget_action_set_enabled (widget, "win.downgrade-selected", ready && applied && selected != NULL);
  gtk_widget_action_set_enabled (widget, "win.downgrade-base", ready && applied);
  gtk_widget_action_set_enabled (widget, "win.stamp", ready);
  gtk_widget_action_set_enabled (widget, "win.preview-sql", self->graph != NULL && has_pending (self));
  gtk_widget_action_set_enabled (widget, "win.preview-downgrade", self->graph != NULL && applied);
  gtk_widget_action_set_enabled (widget, "win.cancel-migration", self->migration != NULL);
  gtk_widget_action_set_enabled (widget, "win.new-from-schema",
                                 self->graph != NULL && self->autogen == NULL &&
                                 strata_project_get_schema_file (self->project) != NULL);
  gtk_widget_action_set_enabled (widget, "win.rehearse", self->graph != NULL);
  gtk_widget_action_set_enabled (widget, "win.backups", has_project);
  gtk_revealer_set_reveal_child (self->read_only_banner, read_only);
}
