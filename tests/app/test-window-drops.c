/* test-window-drops.c: the "Drop Data?" question shows the core's plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "strata-test-util.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

#define HEAD    "8c6e3a0f1b25"
#define DROPPER "9d1e2f3a4b5c"

typedef StrataWindowFixture Fixture;

typedef struct
{
  Fixture    *fixture;
  const char *heads;
} Heads;

/* The database is at @heads, and the window knows it: its actions follow
 * the status it read. */
static gboolean
at_heads (gpointer data)
{
  Heads *wanted = data;
  StrataWindow *window = wanted->fixture->window;
  g_autofree char *heads = NULL;
  g_autofree char *shown = NULL;

  if (_strata_window_get_busy (window) || window->status == NULL ||
      !g_file_test (wanted->fixture->database, G_FILE_TEST_EXISTS))
    return FALSE;
  heads = strata_test_read_heads (wanted->fixture->database);
  shown = g_strjoinv (",", (GStrv)strata_status_get_heads (window->status));
  return g_strcmp0 (heads, wanted->heads) == 0 && g_strcmp0 (shown, wanted->heads) == 0;
}

static void
wait_for_heads (Fixture    *fixture,
                const char *heads,
                const char *what)
{
  Heads wanted = { fixture, heads };

  strata_test_wait (at_heads, &wanted, what);
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
  *(AdwMessageDialog **)data = find_dialog ();
  return *(AdwMessageDialog **)data != NULL;
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL));
}

static StrataMigrationPlan *
plan_for (Fixture    *fixture,
          const char *target)
{
  g_autoptr(GError) error = NULL;
  StrataMigrationPlan *plan;

  plan = strata_migration_plan_new (fixture->window->project, NULL, STRATA_DIRECTION_DOWNGRADE,
                                    NULL, target, NULL, &error);
  g_assert_no_error (error);
  return plan;
}

/* Every table and column the plan lists is named, and the backup is. */
static void
test_question_shows_plan (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(StrataMigrationPlan) plan = NULL;
  AdwMessageDialog *dialog = NULL;
  const char * const *tables;
  const char * const *columns;
  g_autofree char *heads = NULL;
  const char *body;

  activate (fixture, "win.upgrade");
  wait_for_heads (fixture, HEAD, "the upgrade");
  plan = plan_for (fixture, "base");
  tables = strata_migration_plan_get_dropped_tables (plan);
  columns = strata_migration_plan_get_dropped_columns (plan);
  g_assert_nonnull (tables[0]);
  g_assert_nonnull (columns[0]);
  g_assert_true (strata_migration_plan_get_backs_up (plan));

  activate (fixture, "win.downgrade-base");
  strata_test_wait (has_dialog, &dialog, "the question about dropped tables");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Drop Data?");
  body = adw_message_dialog_get_body (dialog);
  for (guint i = 0; tables[i] != NULL; i++)
    g_assert_nonnull (strstr (body, tables[i]));
  for (guint i = 0; columns[i] != NULL; i++)
    g_assert_nonnull (strstr (body, columns[i]));
  g_assert_nonnull (strstr (body, "backed up first"));
  g_assert_null (strstr (body, "lost"));

  /* Cancel runs nothing. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
}

/* A revision on top of the example whose upgrade drops a table that its
 * downgrade recreates. */
static void
write_dropper (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            DROPPER "_drop_part_prices.sql", NULL);
  static const char text[] =
    "-- Drop part prices\n"
    "--\n"
    "-- Revision ID: " DROPPER "\n"
    "-- Revises: " HEAD "\n"
    "-- Create Date: 2022-01-01 00:00:00\n"
    "\n"
    "-- migrate:upgrade\n"
    "DROP VIEW part_stock;\n"
    "DROP INDEX ix_part_price_part_id;\n"
    "DROP TABLE part_price;\n"
    "\n"
    "-- migrate:downgrade\n"
    "CREATE TABLE part_price (id INTEGER PRIMARY KEY, part_id INTEGER NOT NULL,\n"
    "    unit_price_cents INTEGER NOT NULL);\n"
    "CREATE INDEX ix_part_price_part_id ON part_price (part_id);\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  fixture->reloads = _strata_window_get_n_reloads (fixture->window);
  activate (fixture, "win.reload");
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the reload");
}

static gboolean
asked_or_at_head (gpointer data)
{
  Fixture *fixture = data;
  Heads wanted = { fixture, HEAD };

  return find_dialog () != NULL || at_heads (&wanted);
}

/* One step back undoes a revision whose upgrade dropped part_price: its
 * downgrade recreates the table, so nothing is asked. */
static void
test_recreated_table_not_asked (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(StrataMigrationPlan) plan = NULL;
  AdwMessageDialog *dialog;

  write_dropper (fixture);
  activate (fixture, "win.upgrade");
  wait_for_heads (fixture, DROPPER, "the upgrade");

  plan = plan_for (fixture, NULL);
  g_assert_cmpstr (strata_migration_plan_get_target (plan), ==, DROPPER "@-1");
  g_assert_false (strata_migration_plan_get_drops_data (plan));

  /* Whatever else the window may ask before a downgrade, it is not whether
   * to drop data. */
  activate (fixture, "win.downgrade");
  strata_test_wait (asked_or_at_head, fixture, "one step back, or a question");
  if ((dialog = find_dialog ()) != NULL)
    {
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), !=, "Drop Data?");
      adw_message_dialog_response (dialog, "downgrade");
      gtk_window_close (GTK_WINDOW (dialog));
    }
  wait_for_heads (fixture, HEAD, "one step back");
  g_assert_null (find_dialog ());
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

  add_window_test ("/app/window-drops/question-shows-plan", test_question_shows_plan);
  add_window_test ("/app/window-drops/recreated-table-not-asked", test_recreated_table_not_asked);

  return g_test_run ();
}
