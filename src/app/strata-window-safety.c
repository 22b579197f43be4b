/* strata-window-safety.c: rehearsing pending revisions, and backups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-backups-window.h"
#include "strata-rehearsal-dialog.h"
#include "strata-window-private.h"

/* Rehearsal */

static void
rehearse_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StrataRehearsalDialog) dialog = user_data;
  StrataRehearsal *rehearsal = STRATA_REHEARSAL (object);
  g_autoptr(GError) error = NULL;

  if (strata_rehearsal_run_finish (rehearsal, result, &error))
    strata_rehearsal_dialog_set_result (dialog, rehearsal);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    strata_rehearsal_dialog_set_error (dialog, error->message);
}

void
_strata_window_rehearse (StrataWindow *self)
{
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autofree char *database = NULL;
  g_autofree char *text = NULL;
  StrataRehearsalDialog *dialog;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL || self->graph == NULL)
    return;
  database = strata_project_get_display_path (self->project,
                                              strata_project_get_database_file (self->project));
  text = g_strdup_printf (_("Upgrading, downgrading and upgrading again each pending revision on "
                            "a copy of %s in memory…"), database);
  dialog = strata_rehearsal_dialog_new (GTK_WINDOW (self), text);
  gtk_window_present (GTK_WINDOW (dialog));
  rehearsal = strata_rehearsal_new (self->project, "heads");
  strata_rehearsal_set_graph (rehearsal, self->graph);
  strata_rehearsal_run_async (rehearsal, self->cancellable, rehearse_cb, g_object_ref (dialog));
}

/* Restore */

typedef struct
{
  StrataWindow        *self;
  StrataBackupsWindow *backups;   /* weak: the list to refresh */
  char                *name;
  GDateTime           *created;
} Restore;

static char *
backup_time (GDateTime *created)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (created);

  /* Translators: the time of day a backup was taken; see g_date_time_format() */
  return g_date_time_format (local, _("%H:%M:%S"));
}

static void
restore_free (Restore *restore)
{
  g_clear_object (&restore->self);
  g_clear_weak_pointer (&restore->backups);
  g_free (restore->name);
  g_clear_pointer (&restore->created, g_date_time_unref);
  g_free (restore);
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Restore *restore = user_data;
  StrataWindow *self = restore->self;
  g_autoptr(StrataBackup) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *restored_time = NULL;
  AdwToast *toast;

  replaced = strata_backup_restore_finish (result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Could Not Restore the Backup"), error);
      restore_free (restore);
      return;
    }
  restored_time = backup_time (restore->created);
  if (replaced != NULL)
    {
      g_autofree char *replaced_time = backup_time (strata_backup_get_created (replaced));

      /* Translators: a toast: when the restored backup and the backup of what it replaced were taken */
      text = g_strdup_printf (_("Restored the backup of %s; the previous database was backed up at %s"),
                              restored_time, replaced_time);
    }
  else
    text = g_strdup_printf (_("Restored the backup of %s"), restored_time);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 8);
  /* It answers the person's click: it goes before older news. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  self->n_restores++;
  _strata_window_reload (self);
  strata_inspector_reload (self->inspector);
  if (restore->backups != NULL)
    strata_backups_window_reload (restore->backups);
  restore_free (restore);
}

static void
restore_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Restore          *restore)
{
  Restore *copy;

  if (!g_str_equal (response, "restore") || restore->self->project == NULL)
    return;
  copy = g_new0 (Restore, 1);
  copy->self = g_object_ref (restore->self);
  g_set_weak_pointer (&copy->backups, restore->backups);
  copy->name = g_strdup (restore->name);
  copy->created = g_date_time_ref (restore->created);
  strata_backup_restore_async (copy->self->project, copy->name, copy->self->cancellable,
                               restore_cb, copy);
}

static void
restore_requested_cb (StrataBackupsWindow *backups,
                      StrataBackup        *backup,
                      StrataWindow        *self)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (strata_backup_get_created (backup));
  g_autofree char *created = NULL;
  g_autofree char *database = NULL;
  AdwMessageDialog *dialog;
  Restore *restore;

  if (self->project == NULL || self->migration != NULL)
    return;
  /* Translators: when a backup was taken; see g_date_time_format() */
  created = g_date_time_format (local, _("%e %B %Y, %H:%M:%S"));
  database = strata_project_get_display_path (self->project,
                                              strata_project_get_database_file (self->project));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (backups), _("Restore This Backup?"),
                                                      NULL));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s will be replaced by its copy from %s, at revision %s. "
                                    "The database as it is now is backed up first, so you can "
                                    "go back to it."),
                                  database, g_strstrip (created), strata_backup_get_revision (backup));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  restore = g_new0 (Restore, 1);
  restore->self = g_object_ref (self);
  g_set_weak_pointer (&restore->backups, backups);
  restore->name = g_strdup (strata_backup_get_name (backup));
  restore->created = g_date_time_ref (strata_backup_get_created (backup));
  g_signal_connect_data (dialog, "response", G_CALLBACK (restore_response_cb), restore,
                         (GClosureNotify)(void (*) (void))restore_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_strata_window_show_backups (StrataWindow *self)
{
  StrataBackupsWindow *backups;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL)
    return;
  backups = strata_backups_window_new (GTK_WINDOW (self), self->project);
  g_signal_connect_object (backups, "restore", G_CALLBACK (restore_requested_cb), self, 0);
  gtk_window_present (GTK_WINDOW (backups));
}
