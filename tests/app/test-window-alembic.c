/* test-window-alembic.c: an Alembic project opened in the window as it is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "strata-test-util.h"
#include "strata-window-private.h"

typedef struct
{
  char         *dir;
  StrataWindow *window;
} Fixture;

static gboolean
loaded (gpointer data)
{
  Fixture *fixture = data;

  return _strata_window_get_n_reloads (fixture->window) > 0;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *source = g_build_filename (g_getenv ("STRATA_SOURCE_ROOT"), "tests", "data",
                                              "alembic-parts", ".", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  int status = 0;

  fixture->dir = g_dir_make_tmp ("strata-app-alembic-XXXXXX", &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char *[]) { (char *)"cp", (char *)"-r", source, fixture->dir, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  folder = g_file_new_for_path (fixture->dir);
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (loaded, fixture, "the Alembic project to load");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  strata_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static AdwMessageDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* The folder opens without offering to make it a Strata project (which
 * would write strata.ini into the user's Alembic project): its revisions
 * are in the timeline, and a toast offers the conversion. */
static void
test_opens_in_place (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *strata_ini = g_build_filename (fixture->dir, "strata.ini", NULL);
  StrataProject *project = strata_window_get_project (fixture->window);

  g_assert_nonnull (project);
  g_assert_nonnull (strata_project_get_alembic (project));
  g_assert_null (find_dialog ());
  g_assert_false (g_file_test (strata_ini, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (strata_timeline_get_model (fixture->window->timeline)),
                    ==, 9);
  g_assert_true (shows_text (GTK_WIDGET (fixture->window),
                             "An Alembic project: its Python revisions are shown, not run"));
}

/* Upgrade says why it cannot run and how to convert; no database appears. */
static void
test_upgrade_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *database = g_build_filename (fixture->dir, "parts.db", NULL);
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (has_dialog, NULL, "the refusal");
  dialog = find_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is an Alembic project"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Convert it to SQL revisions"));
  g_assert_true (adw_message_dialog_has_response (dialog, "convert"));
  g_assert_false (g_file_test (database, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  g_test_add ("/app/alembic/opens-in-place", Fixture, NULL, fixture_setup,
              test_opens_in_place, fixture_teardown);
  g_test_add ("/app/alembic/upgrade-refused", Fixture, NULL, fixture_setup,
              test_upgrade_refused, fixture_teardown);

  return g_test_run ();
}
