/* test-window-runs.c: the main window's less travelled paths: cancelling a
 * run, stamping, choosing among several heads, dropping a folder, completion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "strata-test-util.h"
#include "strata-window-fixture.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

#define HEAD "8c6e3a0f1b25"

typedef StrataWindowFixture Fixture;

/* Reloads the project after files changed on disk, and waits for it. */
static void
reload (Fixture *fixture)
{
  fixture->reloads = _strata_window_get_n_reloads (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the reload");
}

static gboolean
idle (gpointer data)
{
  Fixture *fixture = data;

  return !_strata_window_get_busy (fixture->window) && !fixture->window->loading;
}

static AdwMessageDialog *
find_dialog (const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        (heading == NULL || g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0))
      return l->data;
  return NULL;
}

typedef struct
{
  const char       *heading;
  AdwMessageDialog *dialog;
} Question;

static gboolean
has_question (gpointer data)
{
  Question *question = data;

  question->dialog = find_dialog (question->heading);
  return question->dialog != NULL;
}

/* A label with @text anywhere under @widget: how a toast shows. */
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

static void
write_revision (Fixture    *fixture,
                const char *name,
                const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions", name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static gboolean
table_exists (const char *database,
              const char *table)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gboolean found = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* Cancel */

static gboolean
applying_supplier (gpointer data)
{
  Fixture *fixture = data;
  const char *text = gtk_progress_bar_get_text (fixture->window->progress_bar);

  return text != NULL && strstr (text, "Add supplier table") != NULL;
}

static gboolean
cancelled (gpointer data)
{
  Fixture *fixture = data;

  return idle (fixture) &&
         shows_text (GTK_WIDGET (fixture->window->toast_overlay),
                     "Cancelled: the revision in progress was rolled back");
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            "4d0e8f6b2a17_add_supplier_table.sql", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) slow = NULL;
  g_autofree char *heads = NULL;

  /* Counting two billion rows of a recursive CTE takes minutes: the run is
   * inside that statement when Cancel comes, and only SQLite's progress
   * handler can stop it in time for the wait below. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  slow = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (slow, "-- migrate:upgrade\n",
                                      "-- migrate:upgrade\n"
                                      "SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
                                      "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2000000000) "
                                      "SELECT x FROM c);\n", 1), ==, 1);
  g_assert_true (g_file_set_contents (path, slow->str, -1, NULL));
  reload (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (applying_supplier, fixture, "the slow revision to start");
  g_assert_true (_strata_window_get_busy (fixture->window));
  g_assert_true (gtk_revealer_get_reveal_child (fixture->window->progress_revealer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.cancel-migration",
                                             NULL));
  strata_test_wait (cancelled, fixture, "the run to stop and say so");

  /* The revision in progress rolled back whole; those before it stay. */
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "3cb9a1d5f0e2");
  g_assert_false (table_exists (fixture->database, "supplier"));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->window->progress_revealer));
  /* A cancel is news, not a failure: no dialog. */
  g_assert_null (find_dialog (NULL));
  g_assert_true (gtk_widget_is_sensitive (gtk_widget_get_first_child (GTK_WIDGET (fixture->window->upgrade_button))));
}

/* Stamp */

static gboolean
stamped (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *heads = NULL;

  if (!idle (fixture) || !g_file_test (fixture->database, G_FILE_TEST_EXISTS))
    return FALSE;
  heads = strata_test_read_heads (fixture->database);
  return g_str_equal (heads, "ae1027a6acf4") &&
         g_str_equal (gtk_label_get_text (fixture->window->heads_label), "Database at ae1027a6acf4");
}

static void
test_stamp (Fixture       *fixture,
            gconstpointer  data)
{
  Question question = { "Stamp the Database?", NULL };
  GtkDropDown *choice;
  GListModel *choices;
  guint position = GTK_INVALID_LIST_POSITION;
  GListModel *model;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.stamp", NULL));
  strata_test_wait (has_question, &question, "the stamp dialog");
  choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (question.dialog));
  choices = gtk_drop_down_get_model (choice);
  /* Base, then every revision. */
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, 10);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (choices, i);

      if (g_strcmp0 (g_object_get_data (item, "target"), "ae1027a6acf4") == 0)
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (choice, position);
  adw_message_dialog_response (question.dialog, "stamp");
  gtk_window_close (GTK_WINDOW (question.dialog));
  strata_test_wait (stamped, fixture, "the stamp");

  /* The version table moved; no revision's SQL ran. */
  g_assert_false (table_exists (fixture->database, "part"));
  model = strata_timeline_get_model (fixture->window->timeline);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataTimelineItem) item = g_list_model_get_item (model, i);
      const char *id = strata_revision_get_id (strata_timeline_item_get_revision (item));
      gboolean applied = (strata_timeline_item_get_state (item) & STRATA_REVISION_STATE_APPLIED) != 0;

      g_assert_cmpint (applied, ==, g_str_equal (id, "ae1027a6acf4") || g_str_equal (id, "1975ea83b712"));
    }
}

/* Several heads */

#define SIDE_HEAD "b0b0c1a2d3e4"

static gboolean
at_side_head (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *heads = NULL;

  if (!idle (fixture) || !g_file_test (fixture->database, G_FILE_TEST_EXISTS))
    return FALSE;
  heads = strata_test_read_heads (fixture->database);
  return g_str_equal (heads, SIDE_HEAD);
}

static void
test_several_heads (Fixture       *fixture,
                    gconstpointer  data)
{
  Question question = { "Upgrade Which Head?", NULL };

  /* A second child of the seed revision: the project now has two heads. */
  write_revision (fixture, SIDE_HEAD "_add_bins.sql",
                  "-- Add bins\n--\n-- Revision ID: " SIDE_HEAD "\n"
                  "-- Revises: ae1027a6acf4\n-- Create Date: 2021-10-01 10:00:00\n\n"
                  "-- migrate:upgrade\nCREATE TABLE bin (id INTEGER PRIMARY KEY);\n\n"
                  "-- migrate:downgrade\nDROP TABLE bin;\n");
  reload (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (has_question, &question, "the question which head");
  g_assert_true (adw_message_dialog_has_response (question.dialog, HEAD));
  g_assert_true (adw_message_dialog_has_response (question.dialog, SIDE_HEAD));
  g_assert_true (adw_message_dialog_has_response (question.dialog, "all"));
  g_assert_true (adw_message_dialog_has_response (question.dialog, "cancel"));
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));

  adw_message_dialog_response (question.dialog, SIDE_HEAD);
  gtk_window_close (GTK_WINDOW (question.dialog));
  strata_test_wait (at_side_head, fixture, "the upgrade to the chosen head");
  g_assert_true (table_exists (fixture->database, "bin"));
  /* The other branch stayed pending. */
  g_assert_false (table_exists (fixture->database, "supplier"));
}

/* Drop a folder */

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static gboolean
opened_other (gpointer data)
{
  Fixture *fixture = data;
  StrataProject *project = strata_window_get_project (fixture->window);
  g_autofree char *path = NULL;

  if (project == NULL || !strata_window_fixture_reloaded (fixture))
    return FALSE;
  path = g_file_get_path (strata_project_get_directory (project));
  return g_str_equal (path, g_object_get_data (G_OBJECT (fixture->window), "other"));
}

static void
test_drop_folder (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *other = strata_test_copy_example ();
  g_autofree char *extra = g_build_filename (other, "versions", SIDE_HEAD "_add_bins.sql", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (other);
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (fixture->window));
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean handled = FALSE;

  /* The other folder has one revision more, so the timeline tells them apart. */
  g_assert_true (g_file_set_contents (extra,
                                      "-- Add bins\n--\n-- Revision ID: " SIDE_HEAD "\n"
                                      "-- Revises: " HEAD "\n\n-- migrate:upgrade\nSELECT 1;\n\n"
                                      "-- migrate:downgrade\nSELECT 1;\n", -1, NULL));
  g_assert_nonnull (target);
  g_assert_cmpint (gtk_drop_target_get_actions (target) & GDK_ACTION_COPY, !=, 0);

  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, folder);
  g_object_set_data_full (G_OBJECT (fixture->window), "other", g_strdup (other), g_free);
  /* Opening a project counts its reloads from zero again. */
  fixture->reloads = 0;
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_assert_true (handled);
  strata_test_wait (opened_other, fixture, "the dropped folder to open");
  g_assert_cmpuint (g_list_model_get_n_items (strata_timeline_get_model (fixture->window->timeline)),
                    ==, 10);

  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  strata_test_remove_tree (other);
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
}

/* Completion */

static gboolean
completes (gpointer data)
{
  Fixture *fixture = data;
  g_auto(GStrv) names = strata_revision_editor_dup_completion_names (fixture->window->editor);

  return g_strv_contains ((const char * const *)names, "part") &&
         g_strv_contains ((const char * const *)names, "supplier_id");
}

static gboolean
schema_loaded (gpointer data)
{
  Fixture *fixture = data;
  StrataSchema *schema = strata_inspector_get_schema (fixture->window->inspector);

  return idle (fixture) && schema != NULL && strata_schema_lookup (schema, "supplier") != NULL;
}

static void
test_completion_scratch (Fixture       *fixture,
                         gconstpointer  data)
{
  /* Without a database, the names come from the revisions before the open
   * one (the syntax check's scratch schema). */
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
  g_assert_true (strata_timeline_select (fixture->window->timeline, HEAD));
  strata_test_wait (completes, fixture, "the scratch schema's names");
}

static void
test_completion_database (Fixture       *fixture,
                          gconstpointer  data)
{
  g_auto(GStrv) names = NULL;

  /* A revision before part's columns grew: its scratch schema lacks
   * supplier_id, which only the open database can offer. */
  g_assert_true (strata_timeline_select (fixture->window->timeline, "ae1027a6acf4"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (schema_loaded, fixture, "the upgraded database's schema");
  g_assert_true (strata_timeline_select (fixture->window->timeline, "ae1027a6acf4"));
  strata_test_wait (completes, fixture, "the database's names");
  names = strata_revision_editor_dup_completion_names (fixture->window->editor);
  g_assert_true (g_strv_contains ((const char * const *)names, "supplier"));
}

/* Rows left as they were */

static gboolean
warned (gpointer data)
{
  Fixture *fixture = data;

  return idle (fixture) &&
         shows_text (GTK_WIDGET (fixture->window->toast_overlay),
                     "1 warning: rows that already pointed at missing rows were left as they are");
}

/* The toast's button labelled @label. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The database already holds a row pointing at a deleted one: the upgrade
 * goes through and says so, with the details a button away. */
static void
test_existing_orphans (Fixture       *fixture,
                       gconstpointer  data)
{
  Question question = { "Rows Left As They Were", NULL };
  sqlite3 *db = NULL;
  GtkWidget *details;
  const char *body;

  g_assert_cmpint (sqlite3_open (fixture->database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE shelf (id INTEGER PRIMARY KEY);"
                                     "CREATE TABLE box (id INTEGER PRIMARY KEY, "
                                     "shelf_id INTEGER REFERENCES shelf (id));"
                                     "INSERT INTO box VALUES (1, 7);", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  reload (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (warned, fixture, "the upgrade and its warning");
  g_assert_true (table_exists (fixture->database, "supplier"));

  details = find_button (GTK_WIDGET (fixture->window->toast_overlay), "_Details");
  g_assert_nonnull (details);
  g_signal_emit_by_name (details, "clicked");
  strata_test_wait (has_question, &question, "the details");
  body = adw_message_dialog_get_body (question.dialog);
  g_assert_nonnull (strstr (body, "1 row of table “box” points at missing rows of “shelf”"));
  g_assert_nonnull (strstr (body, "PRAGMA foreign_key_check(\"box\");"));
  gtk_window_close (GTK_WINDOW (question.dialog));
}

/* Every test here runs on a window over a fresh copy of the example project. */
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

  add_window_test ("/app/window/cancel", test_cancel);
  add_window_test ("/app/window/stamp", test_stamp);
  add_window_test ("/app/window/several-heads", test_several_heads);
  add_window_test ("/app/window/drop-folder", test_drop_folder);
  add_window_test ("/app/window/completion-scratch", test_completion_scratch);
  add_window_test ("/app/window/completion-database", test_completion_database);
  add_window_test ("/app/window/existing-orphans", test_existing_orphans);

  return g_test_run ();
}
