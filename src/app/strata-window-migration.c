/* strata-window-migration.c: running and previewing upgrades and downgrades
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-failure-dialog.h"
#include "strata-sql-preview.h"
#include "strata-window-private.h"

static StrataMigration *
make_migration (StrataWindow    *self,
                StrataDirection  direction,
                const char      *target)
{
  StrataMigration *migration = strata_migration_new (self->project, direction, target);

  if (self->graph != NULL)
    strata_migration_set_graph (migration, self->graph);
  return migration;
}

/* Failures */

/* Retry runs the same migration again: the dialog keeps what it was. */
static void
failure_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     StrataWindow     *self)
{
  if (g_str_equal (response, "retry"))
    _strata_window_migrate (self,
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "direction")),
                            g_object_get_data (G_OBJECT (dialog), "target"));
}

/* The dialog alone tells of the failure: no toast repeats it. */
static void
show_failure (StrataWindow    *self,
              StrataMigration *migration,
              const GError    *error)
{
  StrataRevision *failed = strata_migration_get_failed_revision (migration);
  AdwMessageDialog *dialog = strata_failure_dialog_new (GTK_WINDOW (self), migration, error);

  g_object_set_data (G_OBJECT (dialog), "direction",
                     GINT_TO_POINTER (strata_migration_get_direction (migration)));
  g_object_set_data_full (G_OBJECT (dialog), "target",
                          g_strdup (strata_migration_get_target (migration)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (failure_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  /* The editor opens the failing revision, its line marked. */
  if (failed != NULL && strata_timeline_select (self->timeline, strata_revision_get_id (failed)))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "revision");
      strata_revision_editor_mark_failure (self->editor,
                                           strata_migration_get_failed_line (migration),
                                           error->message);
    }
}

static void
announce_success (StrataWindow    *self,
                  StrataMigration *migration)
{
  guint n = strata_migration_get_n_steps (migration);
  StrataBackup *backup = strata_migration_get_backup (migration);
  g_autofree char *text = NULL;

  switch (strata_migration_get_direction (migration))
    {
    case STRATA_DIRECTION_UPGRADE:
      text = n == 0 ? g_strdup (_("The database is already up to date"))
                    : g_strdup_printf (ngettext ("Upgraded: %u revision applied",
                                                 "Upgraded: %u revisions applied", n), n);
      break;
    case STRATA_DIRECTION_DOWNGRADE:
      text = n == 0 ? g_strdup (_("Nothing to downgrade"))
                    : g_strdup_printf (ngettext ("Downgraded: %u revision undone",
                                                 "Downgraded: %u revisions undone", n), n);
      break;
    default:
      text = g_strdup (_("Database stamped"));
    }
  if (backup != NULL)
    {
      g_autofree char *plain = g_steal_pointer (&text);
      AdwToast *toast;

      g_autoptr(GDateTime) local = g_date_time_to_local (strata_backup_get_created (backup));
      /* Translators: the time of day a backup was taken; see g_date_time_format() */
      g_autofree char *time = g_date_time_format (local, _("%H:%M:%S"));

      /* Translators: a toast after a run: what it did, and when the backup it
       * took first was made; the Backups button lists it */
      text = g_strdup_printf (_("%s. The database was backed up first, at %s"), plain, time);
      toast = adw_toast_new (text);
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_button_label (toast, _("_Backups"));
      adw_toast_set_action_name (toast, "win.backups");
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }
  strata_window_toast (self, text);
}

/* Running */

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  StrataMigration *migration = STRATA_MIGRATION (object);
  g_autoptr(GError) error = NULL;

  if (strata_migration_run_finish (migration, result, &error))
    announce_success (self, migration);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        strata_window_toast (self, _("Cancelled: the revision in progress was rolled back"));
    }
  else
    show_failure (self, migration, error);

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_clear_object (&self->migration_cancellable);
  g_clear_object (&self->migration);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  _strata_window_update_actions (self);
  _strata_window_refresh_status (self);
  strata_inspector_reload (self->inspector);
}

static void
step_finished_cb (StrataWindow *self)
{
  /* Each committed step shows on the timeline at once. */
  _strata_window_refresh_status (self);
}

static void
run (StrataWindow    *self,
     StrataDirection  direction,
     const char      *target)
{
  if (self->migration != NULL || self->project == NULL)
    return;

  self->migration = make_migration (self, direction, target);
  self->migration_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Planning…"));
  g_object_bind_property (self->migration, "fraction", self->progress_bar, "fraction", 0);
  g_object_bind_property (self->migration, "message", self->progress_bar, "text", 0);
  g_signal_connect_object (self->migration, "step-finished", G_CALLBACK (step_finished_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  _strata_window_update_actions (self);

  strata_migration_run_async (self->migration, self->migration_cancellable, run_cb,
                              g_object_ref (self));
}

/* Downgrades that drop data ask first */

static void
add_match (GPtrArray  *names,
           const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return;
  g_ptr_array_add (names, g_strdup (name));
}

static void
find_drops (const char *sql,
            GPtrArray  *tables,
            GPtrArray  *columns)
{
  static const char *ident = "(\"(?:[^\"]|\"\")*\"|`[^`]*`|\\[[^\\]]*\\]|[\\w.$]+)";
  g_autofree char *table_pattern = g_strdup_printf ("\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?%s", ident);
  g_autofree char *column_pattern =
    g_strdup_printf ("\\bALTER\\s+TABLE\\s+%s\\s+DROP\\s+(?:COLUMN\\s+)?%s", ident, ident);
  g_autoptr(GRegex) table_regex = g_regex_new (table_pattern, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GRegex) column_regex = g_regex_new (column_pattern, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  for (g_regex_match (table_regex, sql, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      add_match (tables, name);
    }
  g_clear_pointer (&match, g_match_info_free);
  for (g_regex_match (column_regex, sql, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *table = g_match_info_fetch (match, 1);
      g_autofree char *column = g_match_info_fetch (match, 2);
      g_autofree char *name = g_strdup_printf ("%s.%s", table, column);
      add_match (columns, name);
    }
}

typedef struct
{
  StrataWindow *self;
  char         *target;
} Confirm;

static void
confirm_free (Confirm *confirm)
{
  g_clear_object (&confirm->self);
  g_free (confirm->target);
  g_free (confirm);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirm          *confirm)
{
  if (g_str_equal (response, "downgrade"))
    run (confirm->self, STRATA_DIRECTION_DOWNGRADE, confirm->target);
}

static char *
join_names (GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (GStrv)names->pdata);
}

static void
ask_about_drops (StrataWindow *self,
                 const char   *target,
                 GPtrArray    *tables,
                 GPtrArray    *columns)
{
  guint n_tables = tables->len, n_columns = columns->len;
  g_autofree char *table_names = join_names (tables);
  g_autofree char *column_names = join_names (columns);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Confirm *confirm;

  if (n_columns == 0)
    body = g_strdup_printf (ngettext ("It drops the table %s. The data it holds is lost.",
                                      "It drops the tables %s. The data they hold is lost.",
                                      n_tables), table_names);
  else if (n_tables == 0)
    body = g_strdup_printf (ngettext ("It drops the column %s. The data it holds is lost.",
                                      "It drops the columns %s. The data they hold is lost.",
                                      n_columns), column_names);
  else
    body = g_strdup_printf (_("It drops the tables %s and the columns %s. The data they hold is lost."),
                            table_names, column_names);

  dialog = _strata_window_new_dialog (self, _("Drop Data?"), body);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "downgrade", _("_Downgrade"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "downgrade", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->target = g_strdup (target);
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), confirm,
                         (GClosureNotify)(void (*) (void))confirm_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
check_drops_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  StrataMigration *migration = STRATA_MIGRATION (object);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  sql = strata_migration_render_sql_finish (migration, result, &error);
  if (sql == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Downgrade Failed"), error);
      return;
    }
  find_drops (sql, tables, columns);
  if (tables->len == 0 && columns->len == 0)
    run (self, STRATA_DIRECTION_DOWNGRADE, strata_migration_get_target (migration));
  else
    ask_about_drops (self, strata_migration_get_target (migration), tables, columns);
}

void
_strata_window_migrate (StrataWindow    *self,
                        StrataDirection  direction,
                        const char      *target)
{
  g_autoptr(StrataMigration) rehearsal = NULL;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL || self->migration != NULL)
    return;
  if (direction != STRATA_DIRECTION_DOWNGRADE)
    {
      run (self, direction, target);
      return;
    }

  /* The offline SQL tells what the downgrade would drop before it runs. */
  rehearsal = make_migration (self, direction, target);
  strata_migration_render_sql_async (rehearsal, NULL, self->cancellable, check_drops_cb,
                                     g_object_ref (self));
}

/* Preview */

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataSqlPreview) preview = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  sql = strata_migration_render_sql_finish (STRATA_MIGRATION (object), result, &error);
  if (sql != NULL && strata_migration_get_n_steps (STRATA_MIGRATION (object)) == 0)
    strata_sql_preview_set_sql (preview, NULL);
  else if (sql != NULL)
    {
      strata_sql_preview_set_steps (preview, strata_migration_get_steps (STRATA_MIGRATION (object)));
      strata_sql_preview_set_sql (preview, sql);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    strata_sql_preview_set_error (preview, error->message);
}

void
_strata_window_preview (StrataWindow    *self,
                        StrataDirection  direction,
                        const char      *target)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autofree char *title = NULL;
  StrataSqlPreview *preview;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL)
    return;
  title = direction == STRATA_DIRECTION_UPGRADE ? g_strdup (_("Upgrade to Head"))
                                                : g_strdup (_("Downgrade One Step"));
  preview = strata_sql_preview_new (GTK_WINDOW (self), title);
  gtk_window_present (GTK_WINDOW (preview));
  migration = make_migration (self, direction, target);
  strata_migration_render_sql_async (migration, NULL, self->cancellable, preview_cb,
                                     g_object_ref (preview));
}
