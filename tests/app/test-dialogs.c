/* test-dialogs.c: what a failed run says, Retry on a locked database, Preview
 * SQL and the rehearsal leading to Upgrade Now, merge points and "Edited"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>

#include "strata-lane-view.h"
#include "strata-rehearsal-dialog.h"
#include "strata-sql-preview.h"
#include "strata-test-util.h"
#include "strata-test-widgets.h"
#include "strata-timeline-item.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

#define HEAD "8c6e3a0f1b25"

typedef StrataWindowFixture Fixture;

static gpointer
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

typedef struct
{
  const char       *heading;
  AdwMessageDialog *dialog;
} Question;

static gboolean
has_dialog (gpointer data)
{
  Question *question = data;
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  question->dialog = NULL;
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), question->heading) == 0)
      question->dialog = l->data;
  return question->dialog != NULL;
}

static gboolean
at_head (gpointer data)
{
  Fixture *fixture = data;
  g_autofree char *heads = NULL;

  if (_strata_window_get_busy (fixture->window))
    return FALSE;
  heads = strata_test_read_heads (fixture->database);
  return g_str_equal (heads, HEAD);
}

static gboolean
idle (gpointer data)
{
  Fixture *fixture = data;

  return !_strata_window_get_busy (fixture->window);
}

static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  g_autoptr(GPtrArray) labels = strata_test_find_widgets (root, GTK_TYPE_LABEL, NULL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (labels->pdata[i]) &&
        g_strcmp0 (gtk_label_get_text (labels->pdata[i]), text) == 0)
      return TRUE;
  return FALSE;
}

static void
reload (Fixture *fixture)
{
  fixture->reloads = _strata_window_get_n_reloads (fixture->window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the reload");
}

/* A statement that prepares but fails when it runs: part 1 exists and its
 * name is NOT NULL. */
static void
break_supplier_revision (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            "4d0e8f6b2a17_add_supplier_table.sql", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *broken = NULL;
  const char *marker;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  marker = strstr (contents, "-- migrate:upgrade\n");
  g_assert_nonnull (marker);
  marker += strlen ("-- migrate:upgrade\n");
  prefix = g_strndup (contents, marker - contents);
  broken = g_strconcat (prefix, "INSERT INTO part (id, name) VALUES (1, NULL);\n", marker, NULL);
  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  reload (fixture);
}

/* The failure dialog says what happened, what became of the database and
 * what to do, in that order, with no timestamps or internal names; the
 * full message waits under Details, and no toast repeats it. */
static void
test_failure_dialog (Fixture       *fixture,
                     gconstpointer  data)
{
  Question question = { "Upgrade Failed", NULL };
  g_auto(GStrv) paragraphs = NULL;
  g_autoptr(GRegex) time = g_regex_new ("\\d\\d:\\d\\d", 0, 0, NULL);
  GtkWidget *details;
  const char *body;

  break_supplier_revision (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (has_dialog, &question, "the failure dialog");
  strata_test_wait (idle, fixture, "the run to end");

  body = adw_message_dialog_get_body (question.dialog);
  paragraphs = g_strsplit (body, "\n\n", -1);
  g_assert_cmpuint (g_strv_length (paragraphs), ==, 3);
  g_assert_true (g_str_has_prefix (paragraphs[0], "“Add supplier table” stopped at line "));
  g_assert_nonnull (strstr (paragraphs[0], "NOT NULL constraint failed: part.name"));
  g_assert_cmpstr (paragraphs[1], ==, "The 4 revisions before it were applied; this one changed nothing.");
  g_assert_cmpstr (paragraphs[2], ==, "Fix the statement marked in the editor, save, and run again.");
  g_assert_null (strstr (body, "strata_history"));
  g_assert_false (g_regex_match (time, body, 0, NULL));
  g_assert_false (adw_message_dialog_has_response (question.dialog, "retry"));

  details = adw_message_dialog_get_extra_child (question.dialog);
  g_assert_true (GTK_IS_EXPANDER (details));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (details)));
  g_assert_nonnull (strstr (strata_test_label_text (gtk_expander_get_child (GTK_EXPANDER (details))),
                            "rolled back"));

  g_assert_false (shows_label (GTK_WIDGET (fixture->window), "Upgrade failed"));
  g_assert_true (g_str_has_prefix (strata_revision_editor_get_status (fixture->window->editor), "Line "));
  g_assert_null (strstr (strata_revision_editor_get_status (fixture->window->editor), "NOT NULL"));
  adw_message_dialog_response (question.dialog, "close");
}

/* In French, whose messages put a space before a colon or a semicolon
 * ("fichier.sql:9 : …"), the dialog still gives SQLite's words alone, not
 * the file and line the editor already marks, nor a stray space. */
static void
test_failure_dialog_french (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *catalog = g_test_build_filename (G_TEST_BUILT, "..", "..", "po", "fr",
                                                    "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "..", "po", NULL);
  Question question = { NULL, NULL };
  g_auto(GStrv) paragraphs = NULL;

  if (!g_file_test (catalog, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the French catalog is not built");
      return;
    }
  /* gettext reads LANGUAGE at each call, but not under the C locale. */
  g_assert_nonnull (setlocale (LC_MESSAGES, "C.UTF-8"));
  g_setenv ("LANGUAGE", "fr", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  question.heading = _("Upgrade Failed");
  g_assert_cmpstr (question.heading, ==, "Échec de la mise à niveau");

  break_supplier_revision (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (has_dialog, &question, "the failure dialog");
  strata_test_wait (idle, fixture, "the run to end");
  paragraphs = g_strsplit (adw_message_dialog_get_body (question.dialog), "\n\n", -1);
  /* Back to English for the tests after this one: gettext caches by
   * locale name, so the locale changes back too, not only LANGUAGE. */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_MESSAGES, "C");
  g_assert_true (g_str_has_prefix (paragraphs[0], "« Add supplier table » s’est arrêtée à la ligne "));
  g_assert_true (g_str_has_suffix (paragraphs[0], ": NOT NULL constraint failed: part.name."));
  g_assert_null (strstr (paragraphs[0], ".sql"));
  adw_message_dialog_response (question.dialog, "close");
}

/* A database another program holds locked fails the run with Retry, and
 * Retry runs it again once the lock is gone. */
static void
test_retry_when_locked (Fixture       *fixture,
                        gconstpointer  data)
{
  Question question = { "Upgrade Failed", NULL };
  g_auto(GStrv) paragraphs = NULL;
  sqlite3 *db = NULL;

  strata_test_exec (fixture->database, "CREATE TABLE note (id INTEGER PRIMARY KEY);");
  reload (fixture);
  g_assert_cmpint (sqlite3_open (fixture->database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (has_dialog, &question, "the failure dialog");
  strata_test_wait (idle, fixture, "the run to end");
  paragraphs = g_strsplit (adw_message_dialog_get_body (question.dialog), "\n\n", -1);
  g_assert_cmpstr (paragraphs[0], ==, "Another program is writing to the database.");
  g_assert_cmpstr (paragraphs[1], ==, "The database was not changed.");
  g_assert_true (adw_message_dialog_has_response (question.dialog, "retry"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (question.dialog), ==, "retry");

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  adw_message_dialog_response (question.dialog, "retry");
  strata_test_wait (at_head, fixture, "the upgrade to run again");
}

static gboolean
preview_loaded (gpointer data)
{
  StrataSqlPreview *preview = find_toplevel (STRATA_TYPE_SQL_PREVIEW);

  *(StrataSqlPreview **)data = preview;
  return preview != NULL && strata_sql_preview_get_sql (preview) != NULL;
}

static gboolean
preview_closed (gpointer data)
{
  return find_toplevel (STRATA_TYPE_SQL_PREVIEW) == NULL;
}

/* Preview SQL shows the revisions' SQL, the bookkeeping folded away below,
 * and runs what it shows with Upgrade Now. */
static void
test_preview (Fixture       *fixture,
              gconstpointer  data)
{
  StrataSqlPreview *preview = NULL;
  const char *revision_sql;
  GtkWidget *expander, *run = NULL;
  g_autoptr(GPtrArray) buttons = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.preview-sql", NULL));
  strata_test_wait (preview_loaded, &preview, "the preview");
  revision_sql = strata_sql_preview_get_revision_sql (preview);
  g_assert_nonnull (revision_sql);
  g_assert_nonnull (strstr (revision_sql, "CREATE TABLE part"));
  g_assert_null (strstr (revision_sql, "strata_history"));
  g_assert_null (strstr (revision_sql, "alembic_version"));
  g_assert_nonnull (strstr (strata_sql_preview_get_sql (preview), "INSERT INTO strata_history"));

  expander = strata_test_find_widget (GTK_WIDGET (preview), GTK_TYPE_EXPANDER, NULL);
  g_assert_true (gtk_widget_get_visible (expander));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));

  buttons = strata_test_find_widgets (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "suggested-action");
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_is_visible (buttons->pdata[i]) &&
        g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "_Upgrade Now") == 0)
      run = buttons->pdata[i];
  g_assert_nonnull (run);
  g_signal_emit_by_name (run, "clicked");
  strata_test_wait (preview_closed, NULL, "the preview to close");
  strata_test_wait (at_head, fixture, "the upgrade");
}

static gboolean
rehearsed (gpointer data)
{
  StrataRehearsalDialog *dialog = find_toplevel (STRATA_TYPE_REHEARSAL_DIALOG);

  *(StrataRehearsalDialog **)data = dialog;
  return dialog != NULL && strata_rehearsal_dialog_get_n_findings (dialog) >= 0;
}

/* A clean rehearsal offers Upgrade Now, which upgrades. */
static void
test_rehearsal_upgrade_now (Fixture       *fixture,
                            gconstpointer  data)
{
  StrataRehearsalDialog *dialog = NULL;
  GtkWidget *button;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.rehearse", NULL));
  strata_test_wait (rehearsed, &dialog, "the rehearsal");
  g_assert_cmpint (strata_rehearsal_dialog_get_n_findings (dialog), ==, 0);
  button = strata_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "suggested-action");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Upgrade Now");
  g_signal_emit_by_name (button, "clicked");
  strata_test_wait (at_head, fixture, "the upgrade");
}

/* The merge point is drawn apart from ordinary revisions, and says so. */
static void
test_merge_node (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) lanes = strata_test_find_widgets (GTK_WIDGET (fixture->window),
                                                         STRATA_TYPE_LANE_VIEW, NULL);
  guint merges = 0, others = 0;

  for (guint i = 0; i < lanes->len; i++)
    {
      if (!gtk_widget_get_mapped (lanes->pdata[i]))
        continue;
      if (strata_lane_view_get_merge (lanes->pdata[i]))
        {
          merges++;
          g_assert_cmpstr (gtk_widget_get_tooltip_text (lanes->pdata[i]), ==,
                           "Merge point: joins 2 branches");
        }
      else
        {
          others++;
          g_assert_null (gtk_widget_get_tooltip_text (lanes->pdata[i]));
        }
    }
  g_assert_cmpuint (merges, ==, 1);
  g_assert_cmpuint (others, >=, 2);
}

static gboolean
edited_pill (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) pills = strata_test_find_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BOX,
                                                         "edited");

  return pills->len > 0;
}

/* "Edited" explains itself. */
static void
test_edited_explained (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            "1975ea83b712_create_part_table.sql", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GPtrArray) pills = NULL;
  const char *marker;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (at_head, fixture, "the upgrade");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  marker = strstr (contents, "-- migrate:upgrade\n");
  g_assert_nonnull (marker);
  marker += strlen ("-- migrate:upgrade\n");
  prefix = g_strndup (contents, marker - contents);
  edited = g_strconcat (prefix, "CREATE INDEX part_name ON part (name);\n", marker, NULL);
  g_assert_true (g_file_set_contents (path, edited, -1, NULL));
  reload (fixture);
  strata_test_wait (edited_pill, fixture, "the Edited pill");
  pills = strata_test_find_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BOX, "edited");
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (pills->pdata[0]),
                                   "Edited since it was applied"));
}

/* A split button follows its action through the button inside it. */
static gboolean
button_enabled (GtkWidget *button)
{
  if (ADW_IS_SPLIT_BUTTON (button))
    button = gtk_widget_get_first_child (button);
  return gtk_widget_get_sensitive (button);
}

static gboolean
upgrade_off (gpointer data)
{
  Fixture *fixture = data;

  return !button_enabled (GTK_WIDGET (fixture->window->upgrade_button));
}

/* With every revision applied, Upgrade and Preview SQL have nothing to do
 * and are off; Downgrade stays on. */
static void
test_nothing_to_do (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_true (button_enabled (GTK_WIDGET (fixture->window->upgrade_button)));
  g_assert_true (button_enabled (fixture->window->preview_button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (at_head, fixture, "the upgrade");
  strata_test_wait (upgrade_off, fixture, "the states after the upgrade");
  g_assert_false (button_enabled (fixture->window->preview_button));
  g_assert_true (button_enabled (GTK_WIDGET (fixture->window->downgrade_button)));
}

/* A read-only database is flagged as soon as it is opened, and nothing
 * that would write to it can start. */
static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  strata_test_exec (fixture->database, "CREATE TABLE note (id INTEGER PRIMARY KEY);");
  g_assert_cmpint (g_chmod (fixture->database, 0444), ==, 0);
  reload (fixture);
  g_assert_true (gtk_revealer_get_reveal_child (fixture->window->read_only_banner));
  g_assert_false (button_enabled (GTK_WIDGET (fixture->window->upgrade_button)));

  g_assert_cmpint (g_chmod (fixture->database, 0644), ==, 0);
  reload (fixture);
  g_assert_false (gtk_revealer_get_reveal_child (fixture->window->read_only_banner));
  g_assert_true (button_enabled (GTK_WIDGET (fixture->window->upgrade_button)));
}

int
main (int   argc,
      char *argv[])
{
  /* A locked database fails in a moment rather than after five seconds. */
  strata_database_set_default_busy_timeout (200);
  strata_test_init (&argc, &argv);

  g_test_add ("/app/dialogs/failure", Fixture, NULL, strata_window_fixture_setup,
              test_failure_dialog, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/failure-french", Fixture, NULL, strata_window_fixture_setup,
              test_failure_dialog_french, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/retry-when-locked", Fixture, NULL, strata_window_fixture_setup,
              test_retry_when_locked, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/preview", Fixture, NULL, strata_window_fixture_setup,
              test_preview, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/rehearsal-upgrade-now", Fixture, NULL, strata_window_fixture_setup,
              test_rehearsal_upgrade_now, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/merge-node", Fixture, NULL, strata_window_fixture_setup,
              test_merge_node, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/edited-explained", Fixture, NULL, strata_window_fixture_setup,
              test_edited_explained, strata_window_fixture_teardown);

  g_test_add ("/app/dialogs/nothing-to-do", Fixture, NULL, strata_window_fixture_setup,
              test_nothing_to_do, strata_window_fixture_teardown);
  g_test_add ("/app/dialogs/read-only", Fixture, NULL, strata_window_fixture_setup,
              test_read_only, strata_window_fixture_teardown);

  return g_test_run ();
}
