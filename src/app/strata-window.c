/* strata-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

/* Several files land at once in a git pull: reload once they have. */
#define RELOAD_DELAY_MS 300
/* The timeline's width beside the views: the "sidebar-width" setting, within these. */
#define SIDEBAR_MIN 260
#define SIDEBAR_MAX 340
/* How far the timeline may lag behind the steps of a run. */
#define FOLLOW_DELAY_MS 100

G_DEFINE_FINAL_TYPE (StrataWindow, strata_window, ADW_TYPE_APPLICATION_WINDOW)

typedef void (*ContinueFunc) (StrataWindow *self,
                              gpointer      data);

static void open_project (StrataWindow *self,
                          GFile        *directory);

/* Messages */

void
strata_window_toast (StrataWindow *self,
                     const char   *message)
{
  AdwToast *toast;

  g_return_if_fail (STRATA_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

AdwMessageDialog *
_strata_window_new_dialog (StrataWindow *self,
                           const char   *heading,
                           const char   *body)
{
  GtkWidget *dialog;

  g_assert (STRATA_IS_WINDOW (self));

  /* Questions and details belong to the window: they go when it goes. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  return ADW_MESSAGE_DIALOG (dialog);
}

void
_strata_window_show_error (StrataWindow *self,
                           const char   *heading,
                           const GError *error)
{
  GtkWidget *dialog;

  g_assert (STRATA_IS_WINDOW (self));

  dialog = GTK_WIDGET (_strata_window_new_dialog (self, heading, error ? error->message : NULL));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The title follows the project and the editor's unsaved changes. */
static void
update_title (StrataWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *title_mark = NULL;
  g_autofree char *database = NULL;
  gboolean modified = strata_revision_editor_get_modified (self->editor);

  /* The start page has nothing to upgrade or save. */
  gtk_widget_set_visible (GTK_WIDGET (self->upgrade_button), self->project != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->downgrade_button), self->project != NULL);
  gtk_widget_set_visible (self->upgrade_icon_button, self->project != NULL);
  gtk_widget_set_visible (self->downgrade_icon_button, self->project != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), self->project != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_button), self->project != NULL);
  if (self->project == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Strata"));
      adw_window_title_set_title (self->window_title, _("Strata"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }

  name = g_file_get_basename (strata_project_get_directory (self->project));
  database = strata_project_get_display_path (self->project,
                                              strata_project_get_database_file (self->project));
  /* Translators: the window title: an unsaved mark, the project folder's name */
  title = g_strdup_printf (_("%s%s — Strata"), modified ? "• " : "", name);
  /* The header shows the unsaved mark too, as GNOME Text Editor does. */
  title_mark = g_strconcat (modified ? "• " : "", name, NULL);
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Which project is open, and which database it migrates, is always in sight. */
  adw_window_title_set_title (self->window_title, title_mark);
  adw_window_title_set_subtitle (self->window_title, database);
  adw_view_stack_page_set_needs_attention (self->revision_page, modified);
}

static void
set_heads_label (StrataWindow       *self,
                 const char * const *heads,
                 gboolean            database_exists)
{
  g_autofree char *text = NULL;

  if (!database_exists)
    text = g_strdup (_("No database yet"));
  else if (heads == NULL || heads[0] == NULL)
    text = g_strdup (_("Database at base"));
  else
    {
      g_autofree char *first = g_utf8_substring (heads[0], 0, 12);
      guint n = g_strv_length ((GStrv)heads);
      /* Translators: which revision the database is at, shown above the timeline */
      text = n == 1 ? g_strdup_printf (_("Database at %s"), first)
                    : g_strdup_printf (ngettext ("Database at %u head", "Database at %u heads", n), n);
    }
  gtk_label_set_text (self->heads_label, text);
}

static void
update_heads_label (StrataWindow *self)
{
  set_heads_label (self, self->status ? strata_status_get_heads (self->status) : NULL,
                   self->status != NULL && strata_status_get_database_exists (self->status));
}

/* Load errors */

/* The core's messages start with the file, and with the line when the parser
 * knows it: "versions/a.sql:4: …" or "versions/a.sql: Revises names “b”, …". */
static gboolean
split_location (const char  *message,
                char       **file,
                guint       *line,
                char       **rest)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL;

  regex = g_regex_new ("^([^\\n]+?\\.(?:sql|ini))(?::(\\d+))?: (.+)$", G_REGEX_DOTALL, 0, NULL);
  if (!g_regex_match (regex, message, 0, &match))
    return FALSE;
  *file = g_match_info_fetch (match, 1);
  number = g_match_info_fetch (match, 2);
  *line = number != NULL && number[0] ? (guint)g_ascii_strtoull (number, NULL, 10) : 0;
  *rest = g_match_info_fetch (match, 3);
  return TRUE;
}

/* Without a line, the message names what is wrong in quotes (a Revises
 * naming a revision that is gone): the header line naming it is the one to
 * fix. */
static guint
find_line_naming (GFile      *file,
                  const char *rest)
{
  const char *open = strstr (rest, "“");
  const char *close = open != NULL ? strstr (open, "”") : NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) lines = NULL;

  if (close == NULL)
    return 0;
  name = g_strndup (open + strlen ("“"), close - open - strlen ("“"));
  if (name[0] == '\0' || !g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "--") && strstr (lines[i], name) != NULL)
      return i + 1;
  return 0;
}

/* A project that no longer loads is shown as such, in place of a timeline
 * that would be stale: nothing can run until it loads again. */
static void
show_load_error (StrataWindow *self,
                 const GError *error)
{
  g_autofree char *file = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *location = NULL;
  guint line = 0;

  g_clear_error (&self->load_error);
  self->load_error = g_error_copy (error);
  g_clear_object (&self->disk_graph);
  g_clear_object (&self->graph);
  g_clear_object (&self->status);

  if (split_location (error->message, &file, &line, &rest))
    {
      GFile *directory = strata_project_get_directory (self->project);
      g_autoptr(GFile) path = g_file_resolve_relative_path (directory, file);

      if (line == 0)
        line = find_line_naming (path, rest);
      /* Translators: where a project fails to load: a file, and a line of it */
      location = line > 0 ? g_strdup_printf (_("%s, line %u"), file, line) : g_strdup (file);
    }
  gtk_label_set_text (self->error_location, location ? location : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_location), location != NULL);
  gtk_label_set_text (self->error_message, rest ? rest : error->message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  _strata_window_update_actions (self);
}

static void
clear_load_error (StrataWindow *self)
{
  if (self->load_error == NULL)
    return;
  g_clear_error (&self->load_error);
  gtk_stack_set_visible_child_name (self->main_stack, "project");
}

const GError *
_strata_window_get_load_error (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);
  return self->load_error;
}

/* Loading */

/* A reload: the folder, then the database; what the worker reads and builds
 * off the main thread. */
typedef struct
{
  StrataWindow        *self;
  StrataProject       *project;
  StrataRevisionGraph *graph;          /* as loaded from the folder */
  guint                serial;
  StrataStatus        *status;
  StrataRevisionGraph *complete;       /* with revisions missing on disk */
  GPtrArray           *items;          /* StrataTimelineItem, newest first */
  char                *status_error;
  char                *complete_error;
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_object (&reload->self);
  g_clear_object (&reload->project);
  g_clear_object (&reload->graph);
  g_clear_object (&reload->status);
  g_clear_object (&reload->complete);
  g_clear_pointer (&reload->items, g_ptr_array_unref);
  g_free (reload->status_error);
  g_free (reload->complete_error);
  g_free (reload);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reload, reload_free)

static Reload *
reload_new (StrataWindow *self)
{
  Reload *reload = g_new0 (Reload, 1);

  reload->self = g_object_ref (self);
  reload->project = g_object_ref (self->project);
  reload->serial = ++self->reload_serial;
  return reload;
}

static gboolean
reload_is_current (Reload *reload)
{
  return reload->serial == reload->self->reload_serial &&
         reload->project == reload->self->project;
}

static void
show_revision (StrataWindow *self)
{
  StrataRevision *revision = strata_timeline_get_selected_revision (self->timeline);

  if (strata_revision_editor_get_modified (self->editor))
    return;
  strata_revision_editor_set_revision (self->editor, self->graph, revision);
}

/* Everything here is read, never written, by the main thread meanwhile: the
 * graph, once loaded, is shared by threads; the status and items are new. */
static void
read_status_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Reload *reload = task_data;
  g_autoptr(GError) error = NULL;

  reload->status = strata_project_read_status (reload->project, cancellable, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reload->status == NULL)
    {
      /* The timeline still shows the revisions, without states. */
      reload->status_error = g_strdup (error->message);
      g_clear_error (&error);
      reload->status = strata_status_new_empty ();
    }
  /* Revisions the database holds but the folder lacks (a git branch switch)
   * are shown too, so they can be downgraded. */
  reload->complete = strata_status_complete_graph (reload->status, reload->graph, &error);
  if (reload->complete == NULL)
    {
      reload->complete_error = g_strdup (error->message);
      reload->complete = g_object_ref (reload->graph);
    }
  reload->items = strata_timeline_item_build_all (reload->complete, reload->status);
  g_task_return_boolean (task, TRUE);
}

static void
apply_status (StrataWindow *self,
              Reload       *reload)
{
  StrataRevision *edited = strata_revision_editor_get_revision (self->editor);
  gboolean replaced;

  if (reload->status_error != NULL)
    strata_window_toast (self, reload->status_error);
  if (reload->complete_error != NULL)
    strata_window_toast (self, reload->complete_error);
  g_set_object (&self->disk_graph, reload->graph);
  g_set_object (&self->graph, reload->complete);
  g_set_object (&self->status, reload->status);
  replaced = strata_timeline_set_items (self->timeline, reload->items);
  if (self->select_after_reload != NULL &&
      strata_timeline_select (self->timeline, self->select_after_reload))
    g_clear_pointer (&self->select_after_reload, g_free);
  /* A project opens on its newest revision rather than on an empty editor. */
  if (strata_timeline_get_selected_revision (self->timeline) == NULL && self->n_reloads == 0)
    strata_timeline_select_first (self->timeline);
  update_heads_label (self);
  /* Files read again unchanged: the editor keeps what it shows, cursor and all. */
  if (replaced || strata_timeline_get_selected_revision (self->timeline) != edited)
    show_revision (self);
  _strata_window_update_actions (self);
}

static void
read_status_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StrataWindow *self = STRATA_WINDOW (object);
  Reload *reload = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || !reload_is_current (reload))
    return;
  self->loading = FALSE;
  clear_load_error (self);
  apply_status (self, reload);
  self->n_reloads++;
}

static void
read_status (StrataWindow *self,
             Reload       *reload)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, read_status_cb, NULL);

  g_task_set_source_tag (task, read_status);
  g_task_set_task_data (task, reload, (GDestroyNotify)reload_free);
  g_task_run_in_thread (task, read_status_worker);
}

static void
load_graph_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Reload) reload = user_data;
  g_autoptr(GError) error = NULL;
  StrataWindow *self = reload->self;

  reload->graph = strata_project_load_graph_finish (STRATA_PROJECT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !reload_is_current (reload))
    return;
  if (reload->graph == NULL)
    {
      self->loading = FALSE;
      show_load_error (self, error);
      self->n_reloads++;
      return;
    }
  read_status (self, g_steal_pointer (&reload));
}

void
_strata_window_reload (StrataWindow *self)
{
  Reload *reload;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL)
    return;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  /* What the database says now supersedes the heads a run reported. */
  g_clear_handle_id (&self->follow_source, g_source_remove);
  reload = reload_new (self);
  self->loading = TRUE;
  strata_project_load_graph_async (self->project, self->cancellable, load_graph_cb, reload);
}

/* Following a run */

static void
follow_heads (StrataWindow *self)
{
  const char * const *heads = (const char * const *)self->run_heads;

  if (self->graph == NULL || heads == NULL)
    return;
  strata_timeline_set_heads (self->timeline, self->graph, heads);
  set_heads_label (self, heads, TRUE);
}

static gboolean
follow_timeout_cb (gpointer data)
{
  StrataWindow *self = data;

  self->follow_source = 0;
  follow_heads (self);
  return G_SOURCE_REMOVE;
}

/* The timeline follows a run from the heads each step reports, not from the
 * database: reading it after every step competed with the run for its lock
 * and rebuilt a thousand rows per step. The states are worked out from the
 * graph in memory, a few times a second; the reload after the run reads
 * the database's own word. */
void
_strata_window_follow_step (StrataWindow *self,
                            StrataStep   *step)
{
  g_assert (STRATA_IS_WINDOW (self));
  g_assert (STRATA_IS_STEP (step));

  g_strfreev (self->run_heads);
  self->run_heads = g_strdupv ((GStrv)strata_step_get_to_heads (step));
  if (self->follow_source == 0)
    self->follow_source = g_timeout_add (FOLLOW_DELAY_MS, follow_timeout_cb, self);
}

static gboolean
reload_timeout_cb (gpointer data)
{
  StrataWindow *self = data;

  self->reload_source = 0;
  _strata_window_reload (self);
  return G_SOURCE_REMOVE;
}

static void
versions_changed_cb (StrataWindow      *self,
                     GFile             *file,
                     GFile             *other_file,
                     GFileMonitorEvent  event)
{
  g_assert (STRATA_IS_WINDOW (self));

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    return;
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
}

static void
watch_versions (StrataWindow *self)
{
  g_autoptr(GError) error = NULL;
  GFile *versions = strata_project_get_versions_directory (self->project);

  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  self->monitor = g_file_monitor_directory (versions, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      g_debug ("Not watching %s: %s", g_file_peek_path (versions), error->message);
      return;
    }
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (versions_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Opening */

static void
remember_project (StrataWindow *self,
                  GFile        *directory)
{
  g_autofree char *path = g_file_get_path (directory);
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  if (path == NULL)
    return;
  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && n < 10; i++)
    if (!g_str_equal (recent[i], path))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *)updated);
  g_settings_set_string (self->settings, "last-project", path);
  strata_start_page_set_recent (self->start_page, (const char * const *)updated);
}

static void
set_project (StrataWindow  *self,
             StrataProject *project)
{
  const char * const *warnings = strata_project_get_warnings (project);

  g_set_object (&self->project, project);
  g_clear_object (&self->disk_graph);
  g_clear_object (&self->graph);
  g_clear_object (&self->status);
  g_clear_error (&self->load_error);
  self->n_reloads = 0;
  remember_project (self, strata_project_get_directory (project));
  strata_timeline_set_graph (self->timeline, NULL, NULL);
  strata_revision_editor_set_revision (self->editor, NULL, NULL);
  strata_inspector_set_database (self->inspector, strata_project_get_database_file (project));
  strata_revision_editor_set_database_file (self->editor, strata_project_get_database_file (project));
  gtk_stack_set_visible_child_name (self->main_stack, "project");
  watch_versions (self);
  update_title (self);
  if (warnings != NULL && warnings[0] != NULL)
    strata_window_toast (self, warnings[0]);
  _strata_window_offer_conversion (self);
  _strata_window_reload (self);
}

static void
init_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  StrataWindow     *self)
{
  GFile *directory = g_object_get_data (G_OBJECT (dialog), "directory");
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "create"))
    return;
  project = strata_project_init (directory, NULL, &error);
  if (project == NULL)
    {
      _strata_window_show_error (self, _("Could Not Create the Project"), error);
      return;
    }
  strata_window_toast (self, _("Project created"));
  set_project (self, project);
}

static void
offer_init (StrataWindow *self,
            GFile        *directory)
{
  g_autofree char *name = g_file_get_basename (directory);
  AdwMessageDialog *dialog;

  dialog = _strata_window_new_dialog (self, _("Create a Project Here?"), NULL);
  adw_message_dialog_format_body (dialog,
                                  _("“%s” has no strata.ini. Strata can make it a project: "
                                    "it adds strata.ini, a versions folder for revisions and "
                                    "a revision template. Nothing else in the folder changes."),
                                  name);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate Project"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "directory", g_object_ref (directory), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (init_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* STRATA_DATABASE names the database to open instead of the configured one,
 * as it does for strata-cli (docs/project-format.md); the core reads no
 * environment, so the app passes it to the loader. */
static GFile *
environment_database (void)
{
  const char *path = g_getenv ("STRATA_DATABASE");

  return path != NULL && path[0] != '\0' ? g_file_new_for_commandline_arg (path) : NULL;
}

static void
open_project (StrataWindow *self,
              GFile        *directory)
{
  g_autoptr(GFile) config = g_file_get_child (directory, "strata.ini");
  g_autoptr(GFile) alembic = strata_alembic_project_find_config (directory);
  g_autoptr(GFile) database = environment_database ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  /* An Alembic project opens as it is; making it a Strata project is a
   * conversion into another folder (strata-window-alembic.c). */
  if (!g_file_query_exists (config, NULL) && alembic == NULL)
    {
      offer_init (self, directory);
      return;
    }
  if (!(project = strata_project_new_with_database (directory, database, &error)))
    {
      _strata_window_show_error (self, _("Could Not Open the Project"), error);
      return;
    }
  set_project (self, project);
}

/* Questions about unsaved changes */

typedef struct
{
  StrataWindow   *self;
  ContinueFunc    func;
  ContinueFunc    on_cancel;
  gpointer        data;
  GDestroyNotify  destroy;
} Pending;

static void
pending_free (Pending *pending)
{
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_clear_object (&pending->self);
  g_free (pending);
}

static void
save_then_continue_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;

  if (strata_revision_editor_save_finish (pending->self->editor, result, &error))
    pending->func (pending->self, pending->data);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _strata_window_show_error (pending->self, _("Could Not Save the Revision"), error);
  pending_free (pending);
}

/* The question's Pending is freed with the dialog's handler; a save in
 * flight takes the callbacks over. */
static Pending *
pending_steal (Pending *pending)
{
  Pending *copy = g_memdup2 (pending, sizeof *pending);

  g_object_ref (copy->self);
  pending->data = NULL;
  pending->destroy = NULL;
  return copy;
}

static void
unsaved_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Pending          *pending)
{
  if (g_str_equal (response, "save"))
    strata_revision_editor_save_async (pending->self->editor, pending->self->cancellable,
                                       save_then_continue_cb, pending_steal (pending));
  else if (g_str_equal (response, "discard"))
    pending->func (pending->self, pending->data);
  else if (pending->on_cancel != NULL)
    pending->on_cancel (pending->self, pending->data);
}

/* Runs @func at once when nothing is unsaved; otherwise asks first. */
static void
confirm_unsaved (StrataWindow   *self,
                 ContinueFunc    func,
                 ContinueFunc    on_cancel,
                 gpointer        data,
                 GDestroyNotify  destroy)
{
  StrataRevision *revision = strata_revision_editor_get_revision (self->editor);
  AdwMessageDialog *dialog;
  Pending *pending;

  if (!strata_revision_editor_get_modified (self->editor) || revision == NULL)
    {
      func (self, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->func = func;
  pending->on_cancel = on_cancel;
  pending->data = data;
  pending->destroy = destroy;

  dialog = _strata_window_new_dialog (self, _("Save Changes?"), NULL);
  adw_message_dialog_format_body (dialog,
                                  _("“%s” has unsaved changes. Changes that are not saved are lost."),
                                  strata_revision_get_message (revision));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (unsaved_response_cb), pending,
                         (GClosureNotify)(void (*) (void))pending_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_after_confirm (StrataWindow *self,
                    gpointer      data)
{
  GFile *file = data;
  g_autoptr(GFile) directory = NULL;

  /* A database file opens the project around it. */
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autoptr(GFile) database = environment_database ();
      g_autoptr(StrataProject) project = NULL;
      g_autoptr(GError) error = NULL;

      if (!(project = strata_project_discover_with_database (parent, database, &error)))
        {
          _strata_window_show_error (self, _("No Project Found"), error);
          return;
        }
      directory = g_object_ref (strata_project_get_directory (project));
    }
  else
    directory = g_object_ref (file);

  open_project (self, directory);
}

void
strata_window_open (StrataWindow *self,
                    GFile        *directory)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (directory));

  confirm_unsaved (self, open_after_confirm, NULL, g_object_ref (directory), g_object_unref);
}

StrataProject *
strata_window_get_project (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);
  return self->project;
}

/* Selection */

static void
select_after_confirm (StrataWindow *self,
                      gpointer      data)
{
  strata_revision_editor_set_revision (self->editor, self->graph,
                                       strata_timeline_get_selected_revision (self->timeline));
  _strata_window_update_actions (self);
}

static void
reselect_edited (StrataWindow *self,
                 gpointer      data)
{
  StrataRevision *revision = strata_revision_editor_get_revision (self->editor);

  /* Cancelled: the timeline goes back to the revision being edited. */
  if (revision != NULL)
    strata_timeline_select (self->timeline, strata_revision_get_id (revision));
}

static void
selection_changed_cb (StrataWindow *self)
{
  StrataRevision *selected = strata_timeline_get_selected_revision (self->timeline);
  StrataRevision *edited = strata_revision_editor_get_revision (self->editor);

  if (selected != NULL && edited != NULL &&
      g_strcmp0 (strata_revision_get_id (selected), strata_revision_get_id (edited)) == 0)
    {
      show_revision (self);
      _strata_window_update_actions (self);
      return;
    }
  if (selected != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, "revision");
  /* A revision picked in a narrow window opens in place of the timeline;
   * the one a project opens on leaves the timeline in sight. */
  if (selected != NULL && edited != NULL)
    _strata_window_show_content (self);
  confirm_unsaved (self, select_after_confirm, reselect_edited, NULL, NULL);
}

static void
editor_modified_cb (StrataWindow *self)
{
  update_title (self);
  _strata_window_update_actions (self);
}

/* Narrow windows: the timeline and the views one at a time */

static gboolean
update_back_button_cb (gpointer data)
{
  StrataWindow *self = data;
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  const char *child = adw_leaflet_get_visible_child_name (self->leaflet);

  self->back_source = 0;
  gtk_widget_set_visible (self->back_button,
                          g_strcmp0 (page, "project") == 0 &&
                          adw_leaflet_get_folded (self->leaflet) &&
                          g_strcmp0 (child, "content") == 0);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while the window is being laid out: the header bar
 * changes after that, not during it. */
static void
update_back_button (StrataWindow *self)
{
  if (self->back_source == 0)
    self->back_source = g_idle_add (update_back_button_cb, self);
}

static void
back_clicked_cb (StrataWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
_strata_window_show_content (StrataWindow *self)
{
  g_assert (STRATA_IS_WINDOW (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

/* Drag and drop, start page, inspector */

static gboolean
drop_cb (StrataWindow  *self,
         const GValue  *value,
         double         x,
         double         y)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  strata_window_open (self, g_value_get_object (value));
  return TRUE;
}

static void
start_page_open_cb (StrataWindow *self,
                    GFile        *directory)
{
  strata_window_open (self, directory);
}

static void
inspector_schema_cb (StrataWindow *self)
{
  StrataSchema *schema = strata_inspector_get_schema (self->inspector);
  g_auto(GStrv) names = schema != NULL ? strata_schema_dup_names (schema) : NULL;

  /* Completion offers the open database's tables and columns, besides those
   * the syntax check's scratch schema knows. */
  strata_revision_editor_set_known_names (self->editor, (const char * const *)names);
}

static void
inspector_toast_cb (StrataWindow *self,
                    const char   *message)
{
  strata_window_toast (self, message);
}

/* Closing */

static void
close_after_confirm (StrataWindow *self,
                     gpointer      data)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_window_state (StrataWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
strata_window_close_request (GtkWindow *window)
{
  StrataWindow *self = STRATA_WINDOW (window);

  if (!self->close_confirmed && strata_revision_editor_get_modified (self->editor))
    {
      confirm_unsaved (self, close_after_confirm, NULL, NULL, NULL);
      return TRUE;
    }
  save_window_state (self);
  g_cancellable_cancel (self->cancellable);
  if (self->migration_cancellable != NULL)
    g_cancellable_cancel (self->migration_cancellable);
  return GTK_WINDOW_CLASS (strata_window_parent_class)->close_request (window);
}

static void
strata_window_dispose (GObject *object)
{
  StrataWindow *self = (StrataWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->follow_source, g_source_remove);
  g_clear_handle_id (&self->back_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_WINDOW);
  g_clear_object (&self->migration);
  g_clear_object (&self->autogen);
  g_clear_object (&self->migration_cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->disk_graph);
  g_clear_object (&self->graph);
  g_clear_object (&self->status);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
}

static void
strata_window_finalize (GObject *object)
{
  StrataWindow *self = (StrataWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->select_after_reload, g_free);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->run_heads, g_strfreev);

  G_OBJECT_CLASS (strata_window_parent_class)->finalize (object);
}

static void
strata_window_class_init (StrataWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = strata_window_dispose;
  object_class->finalize = strata_window_finalize;
  window_class->close_request = strata_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, error_location);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, error_message);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, upgrade_icon_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, downgrade_icon_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, heads_label);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, revision_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, read_only_banner);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, upgrade_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, downgrade_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, preview_button);
  gtk_widget_class_bind_template_callback (widget_class, start_page_open_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, inspector_toast_cb);

  _strata_window_class_actions_init (klass);
  _strata_window_class_alembic_init (klass);

  g_type_ensure (STRATA_TYPE_INSPECTOR);
  g_type_ensure (STRATA_TYPE_REVISION_EDITOR);
  g_type_ensure (STRATA_TYPE_START_PAGE);
  g_type_ensure (STRATA_TYPE_TIMELINE);
}

static void
restore_window_state (StrataWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  strata_start_page_set_recent (self->start_page, (const char * const *)recent);
}

/* libadwaita 1.2 leaves the two halves of a split button nameless, so a
 * screen reader reads "GtkImage" for an icon-only one: name the arrow after
 * its menu and an icon-only button after its tooltip. (A labelled button
 * keeps the name its label gives it, which is the one to find it by.) */
static void
name_split_button (GtkWidget *split)
{
  const char *menu = adw_split_button_get_dropdown_tooltip (ADW_SPLIT_BUTTON (split));

  g_assert (ADW_IS_SPLIT_BUTTON (split));

  for (GtkWidget *child = gtk_widget_get_first_child (split); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_MENU_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        menu, -1);
      else if (GTK_IS_BUTTON (child) && GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (child))))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        gtk_widget_get_tooltip_text (split), -1);
    }
}

static void
strata_window_init (StrataWindow *self)
{
  GtkDropTarget *drop;

  self->cancellable = g_cancellable_new ();
  self->settings = strata_application_dup_settings ();

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect_object (self->timeline, "notify::selected-revision",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector, "notify::schema",
                           G_CALLBACK (inspector_schema_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::modified",
                           G_CALLBACK (editor_modified_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded",
                           G_CALLBACK (update_back_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (update_back_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_stack, "notify::visible-child-name",
                           G_CALLBACK (update_back_button), self, G_CONNECT_SWAPPED);

  name_split_button (GTK_WIDGET (self->upgrade_button));
  name_split_button (self->upgrade_icon_button);
  name_split_button (GTK_WIDGET (self->downgrade_button));
  name_split_button (self->downgrade_icon_button);

  restore_window_state (self);
  gtk_stack_set_visible_child_name (self->main_stack, "start");
  /* The timeline keeps its width beside the views, up to what still folds
   * into a window 360 pixels wide. */
  gtk_widget_set_size_request (self->sidebar,
                               CLAMP (g_settings_get_int (self->settings, "sidebar-width"),
                                      SIDEBAR_MIN, SIDEBAR_MAX), -1);
  update_title (self);
  _strata_window_update_actions (self);
}

StrataWindow *
strata_window_new (StrataApplication *application)
{
  return g_object_new (STRATA_TYPE_WINDOW, "application", application, NULL);
}

guint
_strata_window_get_n_reloads (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), 0);
  return self->n_reloads;
}

gboolean
_strata_window_get_busy (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);
  return self->migration != NULL;
}
