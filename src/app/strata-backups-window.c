/* strata-backups-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-backups-window.h"

struct _StrataBackupsWindow
{
  AdwWindow       parent_instance;

  StrataProject  *project;
  GCancellable   *cancellable;
  GListStore     *backups;
  guint           n_loads;

  AdwWindowTitle *window_title;
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
  GtkLabel       *intro_label;
  GtkListBox     *list;
};

G_DEFINE_FINAL_TYPE (StrataBackupsWindow, strata_backups_window, ADW_TYPE_WINDOW)

enum {
  RESTORE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
restore_clicked_cb (GtkButton           *button,
                    StrataBackupsWindow *self)
{
  StrataBackup *backup = g_object_get_data (G_OBJECT (button), "backup");

  g_signal_emit (self, signals[RESTORE], 0, backup);
}

static char *
format_created (StrataBackup *backup)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (strata_backup_get_created (backup));

  /* Translators: when a backup was taken; see g_date_time_format() */
  return g_date_time_format (local, _("%e %B %Y, %H:%M:%S"));
}

/* Several heads make a long name. g_utf8_substring() must not be asked to
 * read past the end of the string. */
static char *
shorten (const char *text,
         glong       max)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, max);
  return g_strconcat (start, "…", NULL);
}

static GtkWidget *
make_row (gpointer item,
          gpointer user_data)
{
  StrataBackupsWindow *self = user_data;
  StrataBackup *backup = item;
  const char *revision = strata_backup_get_revision (backup);
  goffset size = strata_backup_get_size (backup);
  g_autofree char *created = format_created (backup);
  g_autofree char *size_text = size >= 0 ? g_format_size (size) : g_strdup (_("unreadable"));
  g_autofree char *short_revision = shorten (revision, 40);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  subtitle = g_str_equal (revision, "base")
    /* Translators: a backup's database state and its file size */
    ? g_strdup_printf (_("At base, no revision · %s"), size_text)
    /* Translators: the revision a backup's database was at, and its file size */
    : g_strdup_printf (_("At revision %s · %s"), short_revision, size_text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), created);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, strata_backup_get_name (backup));

  button = gtk_button_new_with_mnemonic (_("_Restore…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Put this backup back as the database"));
  g_object_set_data_full (G_OBJECT (button), "backup", g_object_ref (backup), g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (restore_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StrataBackupsWindow) self = user_data;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;

  backups = strata_backup_list_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_loads++;
  if (backups == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("Could Not List the Backups"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  g_list_store_splice (self->backups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->backups)),
                       backups->pdata, backups->len);
  gtk_stack_set_visible_child_name (self->stack, backups->len ? "list" : "empty");
}

void
strata_backups_window_reload (StrataBackupsWindow *self)
{
  g_return_if_fail (STRATA_IS_BACKUPS_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  strata_backup_list_async (self->project, self->cancellable, list_cb, g_object_ref (self));
}

static void
strata_backups_window_dispose (GObject *object)
{
  StrataBackupsWindow *self = STRATA_BACKUPS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_BACKUPS_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->backups);

  G_OBJECT_CLASS (strata_backups_window_parent_class)->dispose (object);
}

static void
strata_backups_window_class_init (StrataBackupsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_backups_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/strata-backups-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataBackupsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, StrataBackupsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataBackupsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataBackupsWindow, intro_label);
  gtk_widget_class_bind_template_child (widget_class, StrataBackupsWindow, list);

  signals[RESTORE] = g_signal_new ("restore", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, STRATA_TYPE_BACKUP);
}

static void
strata_backups_window_init (StrataBackupsWindow *self)
{
  self->backups = g_list_store_new (STRATA_TYPE_BACKUP);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->backups), make_row, self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

StrataBackupsWindow *
strata_backups_window_new (GtkWindow     *parent,
                           StrataProject *project)
{
  StrataBackupsWindow *self;
  g_autofree char *folder = NULL;
  g_autofree char *database = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *empty = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  self = g_object_new (STRATA_TYPE_BACKUPS_WINDOW, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  folder = strata_project_get_display_path (project, strata_project_get_backup_directory (project));
  database = strata_project_get_display_path (project, strata_project_get_database_file (project));
  /* Translators: the subtitle of the Backups window; %s is a folder of the project */
  subtitle = g_strdup_printf (_("Kept in %s"), folder);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  intro = g_strdup_printf (_("Copies of %s, newest first, taken before runs that could lose "
                             "data and before each restore."), database);
  gtk_label_set_text (self->intro_label, intro);
  /* An empty list has no order to explain. */
  empty = g_strdup_printf (_("A copy of %s is taken here before a run that could lose data, "
                             "and before each restore."), database);
  adw_status_page_set_description (self->empty_page, empty);
  strata_backups_window_reload (self);
  return self;
}

GListModel *
strata_backups_window_get_model (StrataBackupsWindow *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUPS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->backups);
}

guint
strata_backups_window_get_n_loads (StrataBackupsWindow *self)
{
  g_return_val_if_fail (STRATA_IS_BACKUPS_WINDOW (self), 0);
  return self->n_loads;
}
