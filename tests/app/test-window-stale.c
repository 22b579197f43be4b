/* test-window-stale.c: the window never acts on a project that changed on
 * disk under it, and its keys never run a migration from the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "strata-application.h"
#include "strata-new-revision-dialog.h"
#include "strata-test-util.h"
#include "strata-window-fixture.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

#define HEAD "8c6e3a0f1b25"
#define SUPPLIER "4d0e8f6b2a17_add_supplier_table.sql"
#define MOVE "5e2f7a9c3b81_move_manufacturers_to_suppliers.sql"
#define SEED "ae1027a6acf4_seed_starter_parts.sql"
#define QUANTITY "27c6a30d7c24_add_quantity_column.sql"

typedef StrataWindowFixture Fixture;

static char *
version_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, "versions", name, NULL);
}

/* Moves a revision file out of versions/, as a git checkout of another
 * branch would, or back in. */
static void
move_file (const char *from,
           const char *to)
{
  g_assert_cmpint (g_rename (from, to), ==, 0);
}

/* The line of @path that starts with @prefix, counted from 1. */
static guint
line_of (const char *path,
         const char *prefix)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return i + 1;
  g_assert_not_reached ();
}

static gboolean
enabled (GtkWidget *widget)
{
  /* A split button follows its action through the button inside it. */
  if (ADW_IS_SPLIT_BUTTON (widget))
    widget = gtk_widget_get_first_child (widget);
  return gtk_widget_get_sensitive (widget);
}

static gboolean
shows_load_error (gpointer data)
{
  Fixture *fixture = data;

  return !fixture->window->loading && !_strata_window_get_busy (fixture->window) &&
         _strata_window_get_load_error (fixture->window) != NULL;
}

static gboolean
loads_again (gpointer data)
{
  Fixture *fixture = data;

  return !fixture->window->loading && fixture->window->graph != NULL &&
         _strata_window_get_load_error (fixture->window) == NULL;
}

static void
assert_error_page (Fixture    *fixture,
                   const char *file)
{
  g_autofree char *path = version_path (fixture, file);
  g_autofree char *location = NULL;

  location = g_strdup_printf ("versions/%s, line %u", file, line_of (path, "-- Revises:"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->window->main_stack), ==, "error");
  g_assert_cmpstr (gtk_label_get_text (fixture->window->error_location), ==, location);
  g_assert_nonnull (strstr (gtk_label_get_text (fixture->window->error_message), "Revises names"));
  /* Nothing that runs or plans SQL can be started from the stale project. */
  g_assert_false (enabled (GTK_WIDGET (fixture->window->upgrade_button)));
  g_assert_false (enabled (GTK_WIDGET (fixture->window->downgrade_button)));
  g_assert_false (enabled (fixture->window->preview_button));
}

static void
test_pending_moved (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *inside = version_path (fixture, SUPPLIER);
  g_autofree char *outside = g_build_filename (fixture->dir, SUPPLIER, NULL);

  /* The folder monitor sees the file go, and the window says what broke:
   * the next revision's Revises line names a revision that is gone. */
  move_file (inside, outside);
  strata_test_wait (shows_load_error, fixture, "the load error");
  assert_error_page (fixture, MOVE);
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  /* Put back, the project loads and can run again. */
  move_file (outside, inside);
  strata_test_wait (loads_again, fixture, "the project to load again");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->window->main_stack), ==, "project");
  g_assert_true (enabled (GTK_WIDGET (fixture->window->upgrade_button)));
  g_assert_true (enabled (fixture->window->preview_button));
  g_assert_cmpuint (g_list_model_get_n_items (strata_timeline_get_model (fixture->window->timeline)),
                    ==, 9);
}

static gboolean
run_over (gpointer data)
{
  Fixture *fixture = data;

  return shows_load_error (fixture) && !_strata_window_get_busy (fixture->window);
}

static void
test_run_revalidates (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *inside = version_path (fixture, SUPPLIER);
  g_autofree char *outside = g_build_filename (fixture->dir, SUPPLIER, NULL);
  g_autoptr(GList) toplevels = NULL;

  /* The window still shows the project as it was (no monitor told it), and
   * Upgrade is enabled: the run must read the folder itself and refuse. */
  g_file_monitor_cancel (fixture->window->monitor);
  move_file (inside, outside);
  g_assert_true (enabled (GTK_WIDGET (fixture->window->upgrade_button)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (run_over, fixture, "the run to refuse and the window to reload");

  /* Nothing was applied from memory: no database was even created. */
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
  assert_error_page (fixture, MOVE);

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      gtk_window_destroy (l->data);
}

static gboolean
all_applied (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *heads = NULL;

  if (_strata_window_get_busy (fixture->window) || fixture->window->loading ||
      !g_file_test (fixture->database, G_FILE_TEST_EXISTS))
    return FALSE;
  heads = strata_test_read_heads (fixture->database);
  return g_str_equal (heads, HEAD);
}

static void
test_applied_deleted (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *seed = version_path (fixture, SEED);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (all_applied, fixture, "the upgrade");
  g_assert_true (enabled (GTK_WIDGET (fixture->window->downgrade_button)));

  /* An applied revision's file is deleted: its child no longer loads, and
   * the window stops offering to downgrade through it. */
  g_assert_cmpint (g_unlink (seed), ==, 0);
  strata_test_wait (shows_load_error, fixture, "the load error");
  assert_error_page (fixture, QUANTITY);
}

/* Keys */

static GtkWidget *
find_source_view (GtkWidget *widget)
{
  if (GTK_SOURCE_IS_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_source_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
trigger_has (GtkShortcutTrigger *trigger,
             guint               keyval,
             GdkModifierType     modifiers)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_has (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        keyval, modifiers) ||
           trigger_has (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        keyval, modifiers);
  if (!GTK_IS_KEYVAL_TRIGGER (trigger))
    return FALSE;
  return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) ==
           gdk_keyval_to_lower (keyval) &&
         gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers;
}

/* Whether @widget itself handles @accelerator: its class's key bindings. */
static gboolean
widget_binds (GtkWidget  *widget,
              const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GdkModifierType modifiers;
  guint keyval;

  g_assert_true (gtk_accelerator_parse (accelerator, &keyval, &modifiers));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (trigger_has (gtk_shortcut_get_trigger (shortcut), keyval, modifiers))
            return TRUE;
        }
    }
  return FALSE;
}

/* GNOME Text Editor's and Builder's editing keys: delete, duplicate and join
 * lines, change case, indent, comment. */
static const char * const gnome_editing_keys[] = {
  "<Control>d", "<Control><Shift>d", "<Control>u", "<Control><Shift>u", "<Control>j",
  "<Control>k", "<Control>l", "<Control>i", "<Control>bracketleft", "<Control>bracketright",
  "<Control>slash", "<Control>question", "<Control>a", "<Control>z", "<Control>y", NULL
};

static void
test_keys_in_editor (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char *migrations[] = {
    "win.upgrade", "win.upgrade-selected", "win.downgrade", "win.downgrade-selected",
    "win.downgrade-base", "win.stamp", NULL
  };
  g_autoptr(StrataApplication) application = strata_application_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *view = find_source_view (GTK_WIDGET (fixture->window->editor));

  /* The application's own accelerators, as the running app sets them. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);

  /* The editor is where typing happens: its own keys (Ctrl+Z undoes there,
   * which shows the check below sees them) and those GNOME's editors give
   * editing commands stay free of migrations. */
  g_assert_nonnull (view);
  gtk_widget_grab_focus (view);
  g_assert_true (gtk_widget_has_focus (view));
  g_assert_true (widget_binds (view, "<Control>z"));

  for (guint i = 0; migrations[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                    migrations[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          g_test_message ("%s: %s", migrations[i], accels[j]);
          g_assert_false (widget_binds (view, accels[j]));
          g_assert_false (g_strv_contains (gnome_editing_keys, accels[j]));
        }
    }
  {
    g_auto(GStrv) upgrade = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                   "win.upgrade");
    g_auto(GStrv) downgrade = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                     "win.downgrade");
    g_assert_cmpstrv (upgrade, ((const char *[]) { "<Alt>u", NULL }));
    g_assert_cmpstrv (downgrade, ((const char *[]) { "<Alt>d", NULL }));
  }
}

/* The shortcuts window lists the keys the application really sets. */
static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  gboolean upgrade = FALSE, downgrade = FALSE;

  g_assert_nonnull (overlay);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "title", &title, "accelerator", &accelerator, NULL);
      upgrade |= g_str_equal (title, "Upgrade to head") && g_str_equal (accelerator, "<Alt>u");
      downgrade |= g_str_has_prefix (title, "Downgrade one step") &&
                   g_str_equal (accelerator, "<Alt>d");
    }
  g_assert_true (upgrade);
  g_assert_true (downgrade);
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* New Revision: typing goes into the message, and Enter creates */

static gboolean
dialog_mapped (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_NEW_REVISION_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      {
        *(GtkWindow **)data = l->data;
        return TRUE;
      }
  return FALSE;
}

static gboolean
created (gpointer data)
{
  Fixture *fixture = data;
  StrataRevision *revision = strata_revision_editor_get_revision (fixture->window->editor);

  return revision != NULL && g_str_equal (strata_revision_get_message (revision), "Add part notes");
}

static void
test_new_revision_focus (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWindow *dialog = NULL;
  GtkWidget *focus;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-revision", NULL));
  strata_test_wait (dialog_mapped, &dialog, "the New Revision dialog");

  /* The focus is in the Message row, not on Cancel. */
  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_EDITABLE (focus));
  row = gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Message");

  /* Typed text, then Enter (what GtkText does on Return): the revision is created. */
  gtk_editable_set_text (GTK_EDITABLE (focus), "Add part notes");
  g_signal_emit_by_name (focus, "activate");
  strata_test_wait (created, fixture, "the new revision to open");
  g_assert_false (strata_revision_editor_get_modified (fixture->window->editor));
}

static void
add_window_test (const char *path,
                 void      (*test) (Fixture *, gconstpointer))
{
  g_test_add_vtable (path, sizeof (Fixture), NULL,
                     (GTestFixtureFunc) strata_window_fixture_setup,
                     (GTestFixtureFunc) test,
                     (GTestFixtureFunc) strata_window_fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  add_window_test ("/app/window/stale/pending-moved", test_pending_moved);
  add_window_test ("/app/window/stale/run-revalidates", test_run_revalidates);
  add_window_test ("/app/window/stale/applied-deleted", test_applied_deleted);
  add_window_test ("/app/window/keys/not-in-editor", test_keys_in_editor);
  g_test_add_func ("/app/window/keys/shortcuts-window", test_shortcuts_window);
  add_window_test ("/app/window/new-revision-focus", test_new_revision_focus);

  return g_test_run ();
}
