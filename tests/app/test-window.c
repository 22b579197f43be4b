/* test-window.c: the main window on a copy of the example project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "strata-backups-window.h"
#include "strata-new-revision-dialog.h"
#include "strata-rehearsal-dialog.h"
#include "strata-sql-preview.h"
#include "strata-test-util.h"
#include "strata-test-widgets.h"
#include "strata-window-fixture.h"
#include "strata-timeline-item.h"
#include "strata-window-private.h"

#define HEAD "8c6e3a0f1b25"

typedef StrataWindowFixture Fixture;

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

static gboolean has_dialog (gpointer data);

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

  AdwMessageDialog *dialog = NULL;

  upgrade (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.downgrade", NULL));

  /* One step back from the merge is ambiguous: the window asks which
   * branch first (test-window-downgrade.c tells more); the first is taken. */
  strata_test_wait (has_dialog, &dialog, "the question which branch");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Which Branch?");
  adw_message_dialog_response (dialog, "choose");
  gtk_window_close (GTK_WINDOW (dialog));
  dialog = NULL;

  /* A downgrade that drops nothing asks too, naming what it undoes; nothing
   * runs before the answer. */
  strata_test_wait (has_dialog, &dialog, "the question before downgrading");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Downgrade the Database?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Merge pricing and storage”"));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  g_clear_pointer (&heads, g_free);
  adw_message_dialog_response (dialog, "downgrade");
  gtk_window_close (GTK_WINDOW (dialog));
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
                   "id name description created_at updated_at footprint manufacturer mpn "
                   "notes quantity supplier_id location ");
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
branch_selected (gpointer data)
{
  Fixture *fixture = data;
  StrataRevision *revision = strata_revision_editor_get_revision (fixture->window->editor);

  return ten_revisions (data) && revision != NULL &&
         g_str_equal (strata_revision_get_message (revision), "Try another price table");
}

/* Revising a revision that already has children starts a branch: the core
 * allows it, and the window does not decide "is this a head" itself. */
static void
test_new_branch (Fixture       *fixture,
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

  g_signal_emit_by_name (dialog, "create", "Try another price table", "5e2f7a9c3b81", "");
  gtk_window_destroy (dialog);
  strata_test_wait (branch_selected, fixture, "the new branch to open");

  revision = strata_revision_editor_get_revision (fixture->window->editor);
  g_assert_cmpstrv (strata_revision_get_down_revisions (revision),
                    ((const char *[]) { "5e2f7a9c3b81", NULL }));
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


/* New Revision from Schema */

static void
write_schema (const char *dir,
              const char *from,
              const char *to)
{
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *schema = g_build_filename (dir, "schema.sql", NULL);
  g_autofree char *ini = NULL;
  g_autofree char *with_key = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GString) head = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* schema.sql is head's schema with one change. */
  project = strata_project_new (folder, &error);
  g_assert_no_error (error);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  text = strata_autogen_replay_head (project, graph, NULL, &error);
  g_assert_no_error (error);
  head = g_string_new (text);
  g_assert_cmpuint (g_string_replace (head, from, to, 1), ==, 1);
  g_assert_true (g_file_set_contents (schema, head->str, -1, NULL));

  g_assert_true (g_file_get_contents (config, &ini, NULL, NULL));
  with_key = g_strconcat (ini, "schema = schema.sql\n", NULL);
  g_assert_true (g_file_set_contents (config, with_key, -1, NULL));
}

static void
fixture_setup_schema (Fixture       *fixture,
                      gconstpointer  data)
{
  const char * const *change = data;
  g_autoptr(GFile) folder = NULL;

  fixture->dir = strata_test_copy_example ();
  fixture->database = g_build_filename (fixture->dir, "maker_hub.db", NULL);
  write_schema (fixture->dir, change[0], change[1]);
  folder = g_file_new_for_path (fixture->dir);
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the project to load");
}

static const char *add_phone[] = { "  website TEXT\n", "  website TEXT,\n  phone TEXT\n" };
static const char *rename_website[] = { "  website TEXT\n", "  homepage TEXT\n" };

static gboolean
has_preview_sql (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_SQL_PREVIEW (l->data) && strata_sql_preview_get_sql (l->data) != NULL)
      {
        *(StrataSqlPreview **)data = l->data;
        return TRUE;
      }
  return FALSE;
}

static guint
count_revision_files (Fixture *fixture)
{
  g_autofree char *versions = g_build_filename (fixture->dir, "versions", NULL);
  g_autoptr(GDir) dir = g_dir_open (versions, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".sql");
  return n;
}

static gboolean
schema_revision_selected (gpointer data)
{
  Fixture *fixture = data;
  StrataRevision *revision = strata_revision_editor_get_revision (fixture->window->editor);

  return ten_revisions (data) && revision != NULL &&
         g_str_equal (strata_revision_get_message (revision), "Add supplier phone");
}

static void
test_new_from_schema (Fixture       *fixture,
                      gconstpointer  data)
{
  StrataSqlPreview *preview = NULL;
  g_autofree char *contents = NULL;
  StrataRevision *revision;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-from-schema",
                                             NULL));
  strata_test_wait (has_preview_sql, &preview, "the preview of the generated revision");

  /* The preview shows both sections; nothing is written before Create. */
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview), "ADD COLUMN phone TEXT"));
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview), "-- migrate:downgrade\n"));
  g_assert_cmpuint (count_revision_files (fixture), ==, 9);

  /* What the Create Revision button emits. */
  g_signal_emit_by_name (preview, "confirm", "Add supplier phone");
  strata_test_wait (schema_revision_selected, fixture, "the generated revision to open");
  g_assert_cmpuint (count_revision_files (fixture), ==, 10);
  revision = strata_revision_editor_get_revision (fixture->window->editor);
  g_assert_cmpstrv (strata_revision_get_down_revisions (revision), ((const char *[]) { HEAD, NULL }));
  g_assert_true (g_file_load_contents (strata_revision_get_file (revision), NULL, &contents, NULL,
                                       NULL, NULL));
  g_assert_nonnull (strstr (contents, "phone"));
}

static void
test_new_from_schema_rename (Fixture       *fixture,
                             gconstpointer  data)
{
  StrataSqlPreview *preview = NULL;
  AdwMessageDialog *dialog = NULL;
  const char *body;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-from-schema",
                                             NULL));
  /* A column goes while one of its type comes: the person decides. */
  strata_test_wait (has_dialog, &dialog, "the question about the rename");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Renamed or Dropped?");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "website"));
  g_assert_nonnull (strstr (body, "homepage"));
  g_assert_cmpuint (count_revision_files (fixture), ==, 9);

  adw_message_dialog_response (dialog, "rename");
  gtk_window_close (GTK_WINDOW (dialog));
  strata_test_wait (has_preview_sql, &preview, "the preview after the rename");
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview),
                            "RENAME COLUMN website TO homepage"));
  g_assert_cmpuint (count_revision_files (fixture), ==, 9);
  gtk_window_destroy (GTK_WINDOW (preview));
}

/* The rows of the database the upgrade would refuse, shown as the CLI
 * prints them, with a value to fill a new NOT NULL that the next run
 * writes into the copy. */

static const char *website_not_null[] = { "  website TEXT\n", "  website TEXT NOT NULL\n" };

static void
fixture_setup_schema_rows (Fixture       *fixture,
                           gconstpointer  data)
{
  const char * const *change = data;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = strata_test_copy_example ();
  fixture->database = g_build_filename (fixture->dir, "maker_hub.db", NULL);
  write_schema (fixture->dir, change[0], change[1]);
  folder = g_file_new_for_path (fixture->dir);
  project = strata_project_new (folder, &error);
  g_assert_no_error (error);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "heads");
  g_assert_true (strata_migration_run (migration, NULL, &error));
  g_assert_no_error (error);
  strata_test_exec (fixture->database, "UPDATE supplier SET website = 'w' WHERE website IS NULL; "
                                       "INSERT INTO supplier (id, name) VALUES (900, 'Nowhere "
                                       "One'), (901, 'Nowhere Two');");
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the project to load");
}

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (label == NULL || g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A preview with SQL other than the one in @data: the list of toplevels
 * holds the old one too until it is destroyed, in no promised order. */
static gboolean
has_other_preview (gpointer data)
{
  StrataSqlPreview **preview = data;
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_SQL_PREVIEW (l->data) && l->data != (gpointer)*preview &&
        strata_sql_preview_get_sql (l->data) != NULL)
      {
        *preview = l->data;
        return TRUE;
      }
  return FALSE;
}

/* Previews that earlier tests left open would be found first. */
static void
destroy_previews (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_SQL_PREVIEW (l->data))
      gtk_window_destroy (l->data);
}

static void
test_new_from_schema_rows (Fixture       *fixture,
                           gconstpointer  data)
{
  StrataSqlPreview *preview = NULL;
  StrataSqlPreview *old = NULL;
  g_autofree char *details = NULL;
  GtkWidget *entry;
  GtkWidget *button;

  destroy_previews ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-from-schema",
                                             NULL));
  strata_test_wait (has_preview_sql, &preview, "the preview of the generated revision");
  details = strata_sql_preview_get_details (preview);
  g_assert_nonnull (strstr (details, "Rows the Upgrade Would Refuse or Change"));
  g_assert_nonnull (strstr (details, "column “website” of table “supplier” becomes NOT NULL, "
                                     "but 2 rows hold NULL there"));
  g_assert_nonnull (strstr (details, "SELECT rowid, * FROM supplier WHERE website IS NULL;"));
  /* The CLI's option is no use here: the entry below is the app's way. */
  g_assert_null (strstr (details, "--fill"));

  /* The fill entry starts from a suggestion; the person gives another. */
  entry = find_widget (GTK_WIDGET (preview), GTK_TYPE_ENTRY, NULL);
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "''");
  gtk_editable_set_text (GTK_EDITABLE (entry), "'none'");
  button = find_widget (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "_Fill and Generate Again");
  g_assert_nonnull (button);
  /* Held so that the new preview cannot take the destroyed one's address. */
  old = g_object_ref (preview);
  g_signal_emit_by_name (button, "clicked");

  strata_test_wait (has_other_preview, &preview, "the preview generated again");
  g_clear_object (&old);
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview), "coalesce(website, 'none')"));
  g_free (details);
  details = strata_sql_preview_get_details (preview);
  g_assert_null (strstr (details, "Rows the Upgrade Would Refuse or Change"));
  g_assert_null (find_widget (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "_Fill and Generate Again"));
  g_assert_cmpuint (count_revision_files (fixture), ==, 9);
  gtk_window_destroy (GTK_WINDOW (preview));
}

/* A dropped NOT NULL column comes back in the downgrade holding a
 * placeholder: the preview offers an entry for the value instead (what
 * strata-cli's --fill does), unique per row where the column is unique. */

static const char *drop_supplier_name[] = { "  name VARCHAR(100) NOT NULL UNIQUE,\n  website TEXT\n",
                                            "  website TEXT\n" };

static void
test_new_from_schema_placeholder (Fixture       *fixture,
                                  gconstpointer  data)
{
  StrataSqlPreview *preview = NULL;
  StrataSqlPreview *old = NULL;
  AdwMessageDialog *dialog = NULL;
  g_autofree char *details = NULL;
  GtkWidget *entry;
  GtkWidget *label;

  destroy_previews ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-from-schema",
                                             NULL));
  strata_test_wait (has_dialog, &dialog, "the question about the drop");
  adw_message_dialog_response (dialog, "drop");
  gtk_window_close (GTK_WINDOW (dialog));
  strata_test_wait (has_preview_sql, &preview, "the preview of the generated revision");

  details = strata_sql_preview_get_details (preview);
  g_assert_nonnull (strstr (details, "back holding 'restored ' || rowid"));
  g_assert_null (strstr (details, "--fill"));
  entry = find_widget (GTK_WIDGET (preview), GTK_TYPE_ENTRY, NULL);
  g_assert_nonnull (entry);
  label = gtk_widget_get_prev_sibling (entry);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "Downgrade brings supplier.name back holding");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "'restored ' || rowid");
  /* Below the notes, not scrolled with them: in view however long they run. */
  g_assert_null (gtk_widget_get_ancestor (entry, GTK_TYPE_SCROLLED_WINDOW));

  gtk_editable_set_text (GTK_EDITABLE (entry), "'supplier ' || id");
  old = g_object_ref (preview);
  g_signal_emit_by_name (find_widget (GTK_WIDGET (preview), GTK_TYPE_BUTTON,
                                      "_Fill and Generate Again"), "clicked");
  strata_test_wait (has_other_preview, &preview, "the preview generated again");
  g_clear_object (&old);
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview),
                            "SELECT id, 'supplier ' || id, website FROM supplier"));
  g_assert_null (find_widget (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "_Fill and Generate Again"));
  g_assert_cmpuint (count_revision_files (fixture), ==, 9);
  gtk_window_destroy (GTK_WINDOW (preview));
}

/* Lint warnings in the editor */

static gboolean
has_warning (gpointer data)
{
  Fixture *fixture = data;

  return strata_revision_editor_get_n_warnings (fixture->window->editor) >= 1 &&
         strata_revision_editor_get_n_problems (fixture->window->editor) == 0;
}

static void
test_lint_warning (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkTextBuffer *buffer;
  GtkTextTag *tag;
  GtkTextIter iter;

  g_assert_true (strata_timeline_select (fixture->window->timeline, "27c6a30d7c24"));
  buffer = strata_revision_editor_get_buffer (fixture->window->editor, STRATA_DIRECTION_UPGRADE);
  /* part was made by an ancestor: dropping it loses its rows. */
  gtk_text_buffer_set_text (strata_revision_editor_get_buffer (fixture->window->editor,
                                                               STRATA_DIRECTION_DOWNGRADE),
                            "SELECT 1;\n", -1);
  gtk_text_buffer_set_text (buffer, "SELECT 1;\nDROP TABLE part;\n", -1);
  strata_test_wait (has_warning, fixture, "the lint warning");

  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "warning");
  g_assert_nonnull (tag);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 0);
  g_assert_false (gtk_text_iter_has_tag (&iter, tag));
  g_assert_true (g_str_has_prefix (strata_revision_editor_get_status (fixture->window->editor),
                                   "1 warning: "));
}

/* Rehearsal */

static gboolean
rehearsal_done (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_REHEARSAL_DIALOG (l->data) &&
        strata_rehearsal_dialog_get_summary (l->data) != NULL)
      {
        *(StrataRehearsalDialog **)data = l->data;
        return TRUE;
      }
  return FALSE;
}

static void
test_rehearse (Fixture       *fixture,
               gconstpointer  data)
{
  StrataRehearsalDialog *dialog = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.rehearse", NULL));
  strata_test_wait (rehearsal_done, &dialog, "the rehearsal");
  g_assert_cmpint (strata_rehearsal_dialog_get_n_findings (dialog), ==, 0);
  g_assert_cmpstr (strata_rehearsal_dialog_get_summary (dialog), ==,
                   "All 9 revisions downgrade and upgrade cleanly");
  /* The rehearsal ran in memory: no database was made. */
  g_assert_false (g_file_test (fixture->database, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Backups */

typedef struct
{
  const char       *heading;
  AdwMessageDialog *dialog;
} Question;

static gboolean
has_question (gpointer data)
{
  Question *question = data;
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), question->heading) == 0)
      {
        question->dialog = l->data;
        return TRUE;
      }
  return FALSE;
}

static gboolean
backups_listed (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint *loads = data;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_BACKUPS_WINDOW (l->data) &&
        strata_backups_window_get_n_loads (l->data) >= *loads)
      return TRUE;
  return FALSE;
}

static StrataBackupsWindow *
find_backups_window (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_BACKUPS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
restored (gpointer data)
{
  Fixture *fixture = data;

  return fixture->window->n_restores == 1 && !fixture->window->loading;
}

static guint
count_rows (const char *database,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_backups (Fixture       *fixture,
              gconstpointer  data)
{
  Question drops = { "Drop Data?", NULL };
  Question restore = { "Restore This Backup?", NULL };
  g_autoptr(StrataBackup) newest = NULL;
  StrataBackupsWindow *backups;
  g_autofree char *heads = NULL;
  guint loads = 1;
  guint parts;

  upgrade (fixture);
  parts = count_rows (fixture->database, "part");
  g_assert_cmpuint (parts, >, 0);

  /* A downgrade to base drops every table: the run backs the database up first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.downgrade-base", NULL));
  strata_test_wait (has_question, &drops, "the question about dropped tables");
  adw_message_dialog_response (drops.dialog, "downgrade");
  gtk_window_close (GTK_WINDOW (drops.dialog));
  strata_test_wait (at_base, fixture, "the downgrade to base");
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "");
  g_clear_pointer (&heads, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.backups", NULL));
  strata_test_wait (backups_listed, &loads, "the list of backups");
  backups = find_backups_window ();
  g_assert_cmpuint (g_list_model_get_n_items (strata_backups_window_get_model (backups)), ==, 1);
  newest = g_list_model_get_item (strata_backups_window_get_model (backups), 0);
  g_assert_cmpstr (strata_backup_get_revision (newest), ==, HEAD);

  /* Restore asks first, naming the database; then the database is back at head. */
  g_signal_emit_by_name (backups, "restore", newest);
  strata_test_wait (has_question, &restore, "the question before restoring");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (restore.dialog), "maker_hub.db"));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, "");
  g_clear_pointer (&heads, g_free);
  adw_message_dialog_response (restore.dialog, "restore");
  gtk_window_close (GTK_WINDOW (restore.dialog));
  strata_test_wait (restored, fixture, "the restore");
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  g_assert_cmpuint (count_rows (fixture->database, "part"), ==, parts);
  g_assert_true (strata_timeline_item_get_state (item_at (fixture, 0)) & STRATA_REVISION_STATE_CURRENT);

  /* What was replaced was backed up too, and the list shows it. */
  loads = 2;
  strata_test_wait (backups_listed, &loads, "the list after the restore");
  g_assert_cmpuint (g_list_model_get_n_items (strata_backups_window_get_model (backups)), ==, 2);
  gtk_window_destroy (GTK_WINDOW (backups));
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

/* Whether @button names its action: a label inside it, or an accessible
 * label on it or on the menu button it is the inside of. */
static gboolean
button_is_named (GtkWidget *button)
{
  GtkWidget *parent = gtk_widget_get_parent (button);
  const char *text = strata_test_label_text (button);

  return (text != NULL && text[0] != '\0') ||
         gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         (GTK_IS_MENU_BUTTON (parent) &&
          gtk_test_accessible_has_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL));
}

/* Every button of the header bar names its action to a screen reader, the
 * two halves of each split button and the icon-only variants shown in a
 * narrow window included; a nameless one is read as "GtkImage". */
static void
test_button_names (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = strata_test_find_widgets (GTK_WIDGET (fixture->window->header_bar),
                                                           GTK_TYPE_BUTTON, NULL);
  g_autoptr(GString) nameless = g_string_new (NULL);

  g_assert_cmpuint (buttons->len, >, 8);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (!button_is_named (button))
        g_string_append_printf (nameless, "%s in %s, tooltip “%s”\n", G_OBJECT_TYPE_NAME (button),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (button)),
                                gtk_widget_get_tooltip_text (button));
    }
  if (nameless->len > 0)
    g_error ("Buttons without a name:\n%s", nameless->str);
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
  /* GTK's test accessibility backend keeps the names that the meson
   * environment's GTK_A11Y=none would drop, without an AT-SPI bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  strata_test_init (&argc, &argv);

  add_window_test ("/app/window/open", test_open);
  add_window_test ("/app/window/button-names", test_button_names);
  add_window_test ("/app/window/upgrade", test_upgrade);
  add_window_test ("/app/window/downgrade", test_downgrade);
  add_window_test ("/app/window/save", test_save);
  add_window_test ("/app/window/syntax-check", test_syntax_check);
  add_window_test ("/app/window/inspector", test_inspector);
  add_window_test ("/app/window/failure", test_failure);
  add_window_test ("/app/window/folder-monitor", test_folder_monitor);
  add_window_test ("/app/window/new-revision", test_new_revision);
  add_window_test ("/app/window/new-branch", test_new_branch);

  add_window_test ("/app/window/confirm-drops", test_confirm_drops);
  g_test_add ("/app/window/new-from-schema", Fixture, add_phone, fixture_setup_schema,
              test_new_from_schema, strata_window_fixture_teardown);
  g_test_add ("/app/window/new-from-schema-rename", Fixture, rename_website, fixture_setup_schema,
              test_new_from_schema_rename, strata_window_fixture_teardown);
  g_test_add ("/app/window/new-from-schema-rows", Fixture, website_not_null,
              fixture_setup_schema_rows, test_new_from_schema_rows,
              strata_window_fixture_teardown);
  g_test_add ("/app/window/new-from-schema-placeholder", Fixture, drop_supplier_name,
              fixture_setup_schema, test_new_from_schema_placeholder,
              strata_window_fixture_teardown);
  add_window_test ("/app/window/lint-warning", test_lint_warning);
  add_window_test ("/app/window/rehearse", test_rehearse);
  add_window_test ("/app/window/backups", test_backups);
  g_test_add_func ("/app/window/init-project", test_init_project);

  return g_test_run ();
}
