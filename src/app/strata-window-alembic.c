/* strata-window-alembic.c: an Alembic project shown as it is, and its conversion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A folder with alembic.ini opens read-only (docs/alembic.md): the timeline,
 * the database's state and the inspector work, and running or editing is
 * refused by the core with the reason. A toast says so and offers Convert…,
 * which asks for a new folder, converts with the python3 on PATH, and opens
 * the result.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-window-private.h"

static void
conversion_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  StrataAlembicConversion *conversion = STRATA_ALEMBIC_CONVERSION (object);
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint unfinished;

  if (!strata_alembic_conversion_run_finish (conversion, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Could Not Convert the Project"), error);
      return;
    }
  unfinished = g_strv_length ((char **)strata_alembic_conversion_get_unfinished (conversion));
  if (unfinished > 0)
    message = g_strdup_printf (g_dngettext (NULL,
                                            "Converted; %u revision is left to finish by hand",
                                            "Converted; %u revisions are left to finish by hand",
                                            unfinished), unfinished);
  strata_window_open (self,
                      strata_project_get_directory (strata_alembic_conversion_get_project (conversion)));
  strata_window_toast (self, message != NULL ? message : _("Converted to SQL revisions"));
}

static void
convert_into (StrataWindow *self,
              GFile        *directory)
{
  StrataAlembicProject *alembic = strata_project_get_alembic (self->project);
  g_autoptr(StrataAlembicConversion) conversion = NULL;

  conversion = strata_alembic_conversion_new (strata_alembic_project_get_config_file (alembic),
                                              directory);
  strata_window_toast (self, _("Converting with Alembic…"));
  strata_alembic_conversion_run_async (conversion, self->cancellable, conversion_done_cb,
                                       g_object_ref (self));
}

static void
folder_response_cb (GtkNativeDialog *native,
                    int              response,
                    StrataWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL &&
      strata_project_get_alembic (self->project) != NULL)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (folder != NULL)
        convert_into (self, folder);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
convert_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  GtkFileChooserNative *native;

  if (self->project == NULL || strata_project_get_alembic (self->project) == NULL)
    return;
  native = gtk_file_chooser_native_new (_("Choose an Empty Folder for the Converted Project"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Convert"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native),
                                       strata_project_get_directory (self->project), NULL);
  g_signal_connect_object (native, "response", G_CALLBACK (folder_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
_strata_window_offer_conversion (StrataWindow *self)
{
  AdwToast *toast;

  g_return_if_fail (STRATA_IS_WINDOW (self));

  if (self->project == NULL || strata_project_get_alembic (self->project) == NULL)
    return;
  toast = adw_toast_new (_("An Alembic project: its Python revisions are shown, not run"));
  adw_toast_set_button_label (toast, _("Con_vert…"));
  adw_toast_set_action_name (toast, "win.convert-alembic");
  /* It stays until dismissed: the way to run anything here. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_strata_window_class_alembic_init (StrataWindowClass *klass)
{
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "win.convert-alembic", NULL,
                                   convert_action);
}
