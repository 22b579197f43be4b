/* test-window.c: the main window on a copy of the example project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-new-revision-dialog.h"
#include "strata-test-util.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

#define HEAD "8c6e3a0f1b25"

typedef struct
{
  char         *dir;
  char         *database;
  StrataWindow *window;
} Fixture;

static gboolean
reloaded (gpointer data)
{
  Fixture *fixture = data;

  return _strata_window_get_n_reloads (fixture->window) >= 1;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GFile) folder = NULL;

  fixture->dir = strata_test_copy_example ();
  fixture->database = g_build_filename (fixture->dir, "maker_hub.db", NULL);
  folder = g_file_new_for_path (fixture->dir);
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (reloaded, fixture, "the project to load");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture->window)));
  strata_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->database);
}

static StrataTimelineItem *
item_at (Fixture *fixture,
         guint    position)
{
  GListModel *model = strata_timeline_get_model (fixture->window->timeline);
  StrataTimelineItem *item = g_list_model_get_item (model, position);

  g_object_unref (item);
  return item;
}

static guint
count_state (Fixture             *fixture,
             StrataRevisionState  state)
{
  GListModel *model = strata_timeline_get_model (fixture->window->timeline);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (strata_timeline_item_get_state (item_at (fixture, i)) & state)
      n++;
  return n;
}

/* A split button follows its action through the button inside it. */
static gboolean
button_enabled (AdwSplitButton *button)
{
  return gtk_widget_get_sensitive (gtk_widget_get_first_child (GTK_WIDGET (button)));
}

static gboolean
all_applied (gpointer data)
{
  Fixture *fixture = data;

  return !_strata_window_get_busy (fixture->window) &&
         count_state (fixture, STRATA_REVISION_STATE_APPLIED) == 9;
}

static void
upgrade (Fixture *fixture)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (all_applied, fixture, "every revision to be applied");
}

static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  GListModel *model = strata_timeline_get_model (fixture->window->timeline);
  const StrataLaneRow *merge;

  /* One row per revision, newest on top, none applied: there is no database. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 9);
  g_assert_cmpstr (strata_revision_get_id (strata_timeline_item_get_revision (item_at (fixture, 0))),
                   ==, HEAD);
  g_assert_cmpstr (strata_revision_get_id (strata_timeline_item_get_revision (item_at (fixture, 8))),
                   ==, "1975ea83b712");
  g_assert_cmpuint (count_state (fixture, STRATA_REVISION_STATE_PENDING), ==, 9);
  g_assert_cmpuint (count_state (fixture, STRATA_REVISION_STATE_APPLIED), ==, 0);

  /* The merge draws two lines down, one per parent. */
  merge = strata_timeline_item_get_lanes (item_at (fixture, 0));
  g_assert_true (strata_lane_row_has_edge (merge, 0, STRATA_LANE_MIDDLE, 1, STRATA_LANE_BOTTOM));

  /* The newest revision is open in the editor; nothing is unsaved. */
  g_assert_nonnull (strata_revision_editor_get_revision (fixture->window->editor));
  g_assert_false (strata_revision_editor_get_modified (fixture->window->editor));
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "strata-app-test"));
  g_assert_false (button_enabled (fixture->window->downgrade_button));
}

static void
test_upgrade (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *heads = NULL;

  upgrade (fixture);
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  g_assert_cmpuint (count_state (fixture, STRATA_REVISION_STATE_CURRENT), ==, 1);
  g_assert_true (strata_timeline_item_get_state (item_at (fixture, 0)) & STRATA_REVISION_STATE_CURRENT);
  g_assert_cmpstr (gtk_label_get_text (fixture->window->heads_label), ==, "Database at " HEAD);
  g_assert_true (button_enabled (fixture->window->downgrade_button));
}

static gboolean
merge_undone (gpointer data)
{
  Fixture *fixture = data;

  return !_strata_window_get_busy (fixture->window) &&
         count_state (fixture, STRATA_REVISION_STATE_APPLIED) == 8;
}

static void
test_downgrade (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *heads = NULL;

  upgrade (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.downgrade", NULL));
  strata_test_wait (merge_undone, fixture, "the merge to be undone");

  /* One step down from the merge leaves both branches' heads. */
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "6a4c1e8d9f03,7b5d2f9e0a14");
  g_assert_true (strata_timeline_item_get_state (item_at (fixture, 0)) & STRATA_REVISION_STATE_PENDING);
  g_assert_cmpuint (count_state (fixture, STRATA_REVISION_STATE_CURRENT), ==, 2);
}

static gboolean
not_modified (gpointer data)
{
  Fixture *fixture = data;

  return !strata_revision_editor_get_modified (fixture->window->editor);
}

static void
test_save (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            "ae1027a6acf4_seed_starter_parts.sql", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_true (strata_timeline_select (fixture->window->timeline, "ae1027a6acf4"));
  buffer = strata_revision_editor_get_buffer (fixture->window->editor, STRATA_DIRECTION_UPGRADE);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_insert (buffer, &start, "-- Checked by the test.\n", -1);

  /* The change is marked, and saving is possible. */
  g_assert_true (strata_revision_editor_get_modified (fixture->window->editor));
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "• "));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.save", NULL));
  strata_test_wait (not_modified, fixture, "the revision to be saved");

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_nonnull (strstr (after, "-- migrate:upgrade\n-- Checked by the test.\n"));
  /* Everything else the file held is still there. */
  g_assert_nonnull (strstr (after, "-- Revision ID: ae1027a6acf4\n-- Revises: 1975ea83b712\n"));
  g_assert_cmpuint (strlen (after), ==, strlen (before) + strlen ("-- Checked by the test.\n"));
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "• "));
}

static gboolean
one_problem (gpointer data)
{
  Fixture *fixture = data;

  return strata_revision_editor_get_n_problems (fixture->window->editor) == 1;
}

static void
test_syntax_check (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkTextBuffer *buffer;
  GtkTextTag *tag;
  GtkTextIter iter;

  g_assert_true (strata_timeline_select (fixture->window->timeline, "27c6a30d7c24"));
  buffer = strata_revision_editor_get_buffer (fixture->window->editor, STRATA_DIRECTION_UPGRADE);

  /* "part" comes from the ancestors' scratch schema, "extra" from the line
   * before: only the misspelt statement fails. */
  gtk_text_buffer_set_text (buffer,
                            "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
                            "INSERT INTO extra SELECT id FROM part;\n"
                            "SELEC * FROM part;\n", -1);
  gtk_text_buffer_set_text (strata_revision_editor_get_buffer (fixture->window->editor,
                                                               STRATA_DIRECTION_DOWNGRADE),
                            "DROP TABLE extra;\n", -1);
  strata_test_wait (one_problem, fixture, "the syntax check");

  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "error");
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));
}

static gboolean
schema_has_part (gpointer data)
{
  Fixture *fixture = data;
  StrataSchema *schema = strata_inspector_get_schema (fixture->window->inspector);

  return schema != NULL && strata_schema_lookup (schema, "part") != NULL;
}

static void
test_inspector (Fixture       *fixture,
                gconstpointer  data)
{
  GListModel *columns;
  g_autoptr(GString) names = g_string_new (NULL);

  upgrade (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-database", NULL));
  /* The inspector reads the schema again after the migration. */
  strata_test_wait (schema_has_part, fixture, "the inspector to list part");
  g_assert_true (strata_inspector_select (fixture->window->inspector, "part"));
  g_assert_cmpstr (strata_inspector_get_selected (fixture->window->inspector), ==, "part");

  columns = strata_inspector_get_columns (fixture->window->inspector);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(StrataSchemaColumn) column = g_list_model_get_item (columns, i);
      g_string_append_printf (names, "%s ", strata_schema_column_get_name (column));
    }
  g_assert_cmpstr (names->str, ==,
                   "id name description footprint manufacturer mpn created_at updated_at "
                   "quantity supplier_id location ");
}

static gboolean
failed (gpointer data)
{
  Fixture *fixture = data;
  StrataRevision *revision = strata_revision_editor_get_revision (fixture->window->editor);

  return !_strata_window_get_busy (fixture->window) && revision != NULL &&
         g_str_equal (strata_revision_get_id (revision), "4d0e8f6b2a17") &&
         strata_revision_editor_get_n_problems (fixture->window->editor) >= 0;
}

static StrataWindow *current_window;

static gboolean
reloaded_again (gpointer data)
{
  return _strata_window_get_n_reloads (current_window) > *(guint *)data;
}

static void
test_failure (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            "4d0e8f6b2a17_add_supplier_table.sql", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *heads = NULL;
  const char *marker;
  guint reloads;
  GtkTextBuffer *buffer;
  GtkTextTag *tag;
  GtkTextIter iter;
  gboolean marked = FALSE;

  /* A statement that prepares but fails when it runs (part 1 exists and
   * name is NOT NULL), so that only the run, not the syntax check, finds it. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  marker = strstr (contents, "-- migrate:upgrade\n");
  g_assert_nonnull (marker);
  marker += strlen ("-- migrate:upgrade\n");
  prefix = g_strndup (contents, marker - contents);
  broken = g_strconcat (prefix, "INSERT INTO part (id, name) VALUES (1, NULL);\n", marker, NULL);
  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  current_window = fixture->window;
  reloads = _strata_window_get_n_reloads (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  strata_test_wait (reloaded_again, &reloads, "the reload");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (failed, fixture, "the upgrade to fail and open the failing revision");

  /* Everything before the failing revision landed; it rolled back whole. */
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "3cb9a1d5f0e2");
  buffer = strata_revision_editor_get_buffer (fixture->window->editor, STRATA_DIRECTION_UPGRADE);
  /* The mark stays after the syntax check that follows opening the revision. */
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "failure");
  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    marked |= gtk_text_iter_has_tag (&iter, tag);
  while (!marked && gtk_text_iter_forward_line (&iter));
  g_assert_true (marked);
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, 0);
}

static gboolean
ten_revisions (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (strata_timeline_get_model (fixture->window->timeline)) == 10;
}

static void
test_folder_monitor (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions", "9d7f_add_bins.sql", NULL);
  StrataRevision *top;

  /* Another editor (or a git pull) adds a revision: the timeline follows. */
  g_assert_true (g_file_set_contents (path,
                                      "-- Add bins\n--\n-- Revision ID: 9d7f4b1c2e30\n"
                                      "-- Revises: " HEAD "\n-- Create Date: 2021-10-01 10:00:00\n\n"
                                      "-- migrate:upgrade\nCREATE TABLE bin (id INTEGER PRIMARY KEY);\n\n"
                                      "-- migrate:downgrade\nDROP TABLE bin;\n", -1, NULL));
  strata_test_wait (ten_revisions, fixture, "the new file on the timeline");
  top = strata_timeline_item_get_revision (item_at (fixture, 0));
  g_assert_cmpstr (strata_revision_get_id (top), ==, "9d7f4b1c2e30");
}

static gboolean
new_revision_selected (gpointer data)
{
  Fixture *fixture = data;
  StrataRevision *revision = strata_revision_editor_get_revision (fixture->window->editor);

  return ten_revisions (data) && revision != NULL &&
         g_str_equal (strata_revision_get_message (revision), "Add storage bins");
}

static void
test_new_revision (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GList) toplevels = NULL;
  GtkWindow *dialog = NULL;
  StrataRevision *revision;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-revision", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_NEW_REVISION_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);

  /* What the dialog's Create button emits; the parent defaults to the head. */
  g_signal_emit_by_name (dialog, "create", "Add storage bins", HEAD, "bins");
  gtk_window_destroy (dialog);
  strata_test_wait (new_revision_selected, fixture, "the new revision to open");

  revision = strata_revision_editor_get_revision (fixture->window->editor);
  g_assert_cmpstrv (strata_revision_get_down_revisions (revision), ((const char *[]) { HEAD, NULL }));
  g_assert_cmpstrv (strata_revision_get_branch_labels (revision), ((const char *[]) { "bins", NULL }));
  g_assert_nonnull (strata_revision_get_file (revision));
  g_assert_true (g_file_query_exists (strata_revision_get_file (revision), NULL));
}

static gboolean
project_open (gpointer data)
{
  return strata_window_get_project (data) != NULL;
}

static gboolean
has_dialog (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      {
        *(AdwMessageDialog **)data = l->data;
        return TRUE;
      }
  return FALSE;
}

static gboolean
at_base (gpointer data)
{
  Fixture *fixture = data;

  return !_strata_window_get_busy (fixture->window) &&
         count_state (fixture, STRATA_REVISION_STATE_APPLIED) == 0;
}

static void
test_confirm_drops (Fixture       *fixture,
                    gconstpointer  data)
{
  AdwMessageDialog *dialog = NULL;
  g_autofree char *heads = NULL;
  const char *body;

  upgrade (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.downgrade-base", NULL));

  /* Nothing runs before the person agrees, and the question names the tables. */
  strata_test_wait (has_dialog, &dialog, "the question about dropped tables");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "part"));
  g_assert_nonnull (strstr (body, "supplier"));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  g_clear_pointer (&heads, g_free);

  /* What the dialog's button does: respond, then close. */
  adw_message_dialog_response (dialog, "downgrade");
  gtk_window_close (GTK_WINDOW (dialog));
  strata_test_wait (at_base, fixture, "the downgrade to base");
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "");
}

static void
test_init_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("strata-app-init-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  StrataWindow *window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  AdwMessageDialog *dialog = NULL;

  /* A folder without strata.ini: the window offers to make it a project. */
  gtk_window_present (GTK_WINDOW (window));
  strata_window_open (window, folder);
  strata_test_wait (has_dialog, &dialog, "the offer to create a project");
  g_assert_null (strata_window_get_project (window));
  g_assert_false (g_file_test (config, G_FILE_TEST_EXISTS));

  adw_message_dialog_response (dialog, "create");
  gtk_window_close (GTK_WINDOW (dialog));
  strata_test_wait (project_open, window, "the new project");
  g_assert_true (g_file_test (config, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "project");

  strata_test_destroy_window (GTK_WINDOW (window));
  strata_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  g_test_add ("/app/window/open", Fixture, NULL, fixture_setup, test_open, fixture_teardown);
  g_test_add ("/app/window/upgrade", Fixture, NULL, fixture_setup, test_upgrade, fixture_teardown);
  g_test_add ("/app/window/downgrade", Fixture, NULL, fixture_setup, test_downgrade, fixture_teardown);
  g_test_add ("/app/window/save", Fixture, NULL, fixture_setup, test_save, fixture_teardown);
  g_test_add ("/app/window/syntax-check", Fixture, NULL, fixture_setup, test_syntax_check,
              fixture_teardown);
  g_test_add ("/app/window/inspector", Fixture, NULL, fixture_setup, test_inspector, fixture_teardown);
  g_test_add ("/app/window/failure", Fixture, NULL, fixture_setup, test_failure, fixture_teardown);
  g_test_add ("/app/window/folder-monitor", Fixture, NULL, fixture_setup, test_folder_monitor,
              fixture_teardown);
  g_test_add ("/app/window/new-revision", Fixture, NULL, fixture_setup, test_new_revision,
              fixture_teardown);

  g_test_add ("/app/window/confirm-drops", Fixture, NULL, fixture_setup, test_confirm_drops,
              fixture_teardown);
  g_test_add_func ("/app/window/init-project", test_init_project);

  return g_test_run ();
}
