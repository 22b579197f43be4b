/* strata-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "strata-application.h"
#include "strata-renderer.h"
#include "strata-window.h"

struct _StrataApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.open-folder", { "<Control>o", NULL } },
  { "win.new-revision", { "<Control>n", NULL } },
  { "win.new-from-schema", { "<Control><Shift>n", NULL } },
  { "win.rehearse", { "<Control><Shift>r", NULL } },
  { "win.backups", { "<Control><Shift>b", NULL } },
  { "win.save", { "<Control>s", NULL } },
  /* Not Ctrl+D or Ctrl+U: GNOME Text Editor and Builder delete a line and
   * change case with them, and a migration must never be a slip of the
   * fingers away while the editor has focus. Alt+U and Alt+D are also the
   * buttons' mnemonics, and the editor binds neither. */
  { "win.upgrade", { "<Alt>u", NULL } },
  { "win.downgrade", { "<Alt>d", NULL } },
  { "win.preview-sql", { "<Control>p", NULL } },
  { "win.reload", { "<Control>r", "F5", NULL } },
  { "win.show-revision", { "<Alt>1", NULL } },
  { "win.show-database", { "<Alt>2", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

GSettings *
strata_application_dup_settings (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) built = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (installed != NULL &&
      (schema = g_settings_schema_source_lookup (installed, APP_ID, TRUE)) != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  /* Run from the build folder (build-aux/dev.sh run): the schema compiled
   * there stands in for the installed one. */
  built = g_settings_schema_source_new_from_directory (STRATA_BUILD_SCHEMA_DIR, installed, FALSE, NULL);
  if (built != NULL && (schema = g_settings_schema_source_lookup (built, APP_ID, FALSE)) != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  g_error ("The GSettings schema %s is not installed", APP_ID);
}

static StrataWindow *
get_window (StrataApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (STRATA_IS_WINDOW (window))
    return STRATA_WINDOW (window);
  return strata_window_new (self);
}

static void
strata_application_activate (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  gboolean existing = gtk_application_get_active_window (GTK_APPLICATION (self)) != NULL;
  StrataWindow *window = get_window (self);

  /* A fresh start reopens the last project, if it is still there. */
  if (!existing && g_getenv ("STRATA_NO_RESTORE") == NULL)
    {
      g_autoptr(GSettings) settings = strata_application_dup_settings ();
      g_autofree char *last = g_settings_get_string (settings, "last-project");
      g_autofree char *config = last[0] ? g_build_filename (last, "strata.ini", NULL) : NULL;

      if (config != NULL && g_file_test (config, G_FILE_TEST_EXISTS))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (last);
          strata_window_open (window, folder);
        }
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
strata_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  StrataApplication *self = STRATA_APPLICATION (application);

  /* One window per project folder given. */
  for (int i = 0; i < n_files; i++)
    {
      StrataWindow *window = i == 0 ? get_window (self) : strata_window_new (self);

      strata_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  StrataApplication *self = user_data;
  const char *developers[] = { "The Strata developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Strata"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Strata developers"),
                         "developers", developers,
                         "comments", _("Write, apply and roll back SQLite schema migrations, "
                                       "with Alembic’s rules and revisions in plain SQL."),
                         "website", "https://github.com/strata-app/strata",
                         "issue-url", "https://github.com/strata-app/strata/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2024 The Strata developers",
                         /* Translators: put your names here, one a line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *self = user_data;
  GList *windows = gtk_application_get_windows (self);

  /* Closing each window lets it ask about unsaved changes. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
strata_application_startup (GApplication *application)
{
  static const GActionEntry actions[] = {
    { "about", about_action },
    { "quit", quit_action },
  };

  G_APPLICATION_CLASS (strata_application_parent_class)->startup (application);

  gtk_source_init ();
  /* Before the first window is drawn: it keeps the renderer it starts with. */
  strata_renderer_choose (gdk_display_get_default ());
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions),
                                   application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = strata_application_activate;
  app_class->open = strata_application_open;
  app_class->startup = strata_application_startup;
}

static void
strata_application_init (StrataApplication *self)
{
}

StrataApplication *
strata_application_new (void)
{
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
