/* test-window-downgrade.c: the window's Downgrade asks the core's plan, and
 * does what the plan says before it asks anything: at a merge it picks no
 * branch for the user, and a revision without a downgrade is refused with
 * the run's words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-sql-preview.h"
#include "strata-test-util.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

#define HEAD    "8c6e3a0f1b25"
#define PRICING "6a4c1e8d9f03"
#define STORAGE "7b5d2f9e0a14"
#define ONE_WAY "0e1f2a3b4c5d"

typedef StrataWindowFixture Fixture;

typedef struct
{
  Fixture    *fixture;
  const char *heads;
} Heads;

/* The database is at @heads, and the window knows it. */
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

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL));
}

typedef struct
{
  const char       *heading;
  AdwMessageDialog *dialog;
} Wanted;

/* A message dialog with the heading wanted is up. */
static gboolean
has_dialog (gpointer data)
{
  Wanted *wanted = data;
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), wanted->heading) == 0)
      {
        wanted->dialog = l->data;
        return TRUE;
      }
  return FALSE;
}

static AdwMessageDialog *
wait_for_dialog (const char *heading)
{
  Wanted wanted = { heading, NULL };

  strata_test_wait (has_dialog, &wanted, heading);
  return wanted.dialog;
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

/* What the core's plan says of one step back from where the database is. */
static StrataMigrationPlan *
one_step_plan (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  StrataMigrationPlan *plan;

  plan = strata_migration_plan_new (fixture->window->project, NULL, STRATA_DIRECTION_DOWNGRADE,
                                    NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return plan;
}

/* At the merge, Downgrade picks no parent: it says why in the core's words
 * (those of `strata-cli downgrade -1`), names the command that does it, and
 * runs nothing until the user has chosen a branch and confirmed. */
static void
test_merge_asks_which_branch (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *heads = NULL;
  AdwMessageDialog *dialog;
  const char *problem;
  const char *body;
  GtkWidget *choice;

  activate (fixture, "win.upgrade");
  wait_for_heads (fixture, HEAD, "the upgrade");
  plan = one_step_plan (fixture);
  problem = strata_migration_plan_get_step_back_problem (plan);
  g_assert_nonnull (problem);

  /* Cancel runs nothing. */
  activate (fixture, "win.downgrade");
  dialog = wait_for_dialog ("Which Branch?");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, problem));
  g_assert_nonnull (strstr (body, PRICING));
  g_assert_nonnull (strstr (body, STORAGE));
  g_assert_nonnull (strstr (body, "strata-cli downgrade " PRICING));
  answer (dialog, "cancel");
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  g_clear_pointer (&heads, g_free);

  /* The storage branch is chosen; the usual question follows, and only
   * its answer runs the downgrade. */
  activate (fixture, "win.downgrade");
  dialog = wait_for_dialog ("Which Branch?");
  choice = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_DROP_DOWN (choice));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (choice))),
                    ==, 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (choice), 1);
  answer (dialog, "choose");
  dialog = wait_for_dialog ("Downgrade the Database?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Merge pricing and storage”"));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, HEAD);
  answer (dialog, "downgrade");
  wait_for_heads (fixture, PRICING "," STORAGE, "the merge to be undone");
}

/* A status page shown in @widget, or below it, says @wanted. */
static gboolean
status_says (GtkWidget  *widget,
             const char *wanted)
{
  if (ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget))
    {
      const char *description = adw_status_page_get_description (ADW_STATUS_PAGE (widget));

      if (description != NULL && strstr (description, wanted) != NULL)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (status_says (child, wanted))
      return TRUE;
  return FALSE;
}

static gboolean
preview_says (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_SQL_PREVIEW (l->data) && status_says (l->data, data))
      return TRUE;
  return FALSE;
}

static void
close_previews (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (STRATA_IS_SQL_PREVIEW (l->data))
      gtk_window_destroy (l->data);
}

/* One step back from a merge, previewed: the preview says why there is
 * none, rather than showing a parent's SQL. */
static void
test_merge_preview (Fixture       *fixture,
                    gconstpointer  data)
{
  activate (fixture, "win.upgrade");
  wait_for_heads (fixture, HEAD, "the upgrade");
  activate (fixture, "win.preview-downgrade");
  strata_test_wait (preview_says, (gpointer)"Ambiguous walk: " HEAD " is a merge",
                    "the preview to say why");
  close_previews ();
}

/* A revision on top of the example whose downgrade section holds only a
 * comment: nothing that undoes its upgrade, and no marker saying so. */
static void
write_one_way (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "versions",
                                            ONE_WAY "_one_way.sql", NULL);
  static const char text[] =
    "-- One way\n"
    "--\n"
    "-- Revision ID: " ONE_WAY "\n"
    "-- Revises: " HEAD "\n"
    "-- Create Date: 2022-01-01 00:00:00\n"
    "\n"
    "-- migrate:upgrade\n"
    "CREATE TABLE one_way (x);\n"
    "\n"
    "-- migrate:downgrade\n"
    "-- to do; one day\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  fixture->reloads = _strata_window_get_n_reloads (fixture->window);
  activate (fixture, "win.reload");
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the reload");
}

static char *
database_bytes (Fixture *fixture)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (fixture->database, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

/* Downgrade refuses, before it asks to confirm, what the run would refuse:
 * the dialog names the file, its downgrade section's line and the marker,
 * in the core's words, and the database is left byte for byte. */
static void
test_missing_downgrade_refused (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *heads = NULL;
  AdwMessageDialog *dialog;
  Wanted confirm = { "Downgrade the Database?", NULL };
  const char *body;

  write_one_way (fixture);
  activate (fixture, "win.upgrade");
  wait_for_heads (fixture, ONE_WAY, "the upgrade");
  before = database_bytes (fixture);
  plan = strata_migration_plan_new (fixture->window->project, NULL, STRATA_DIRECTION_DOWNGRADE,
                                    NULL, NULL, NULL, &error);
  g_assert_null (plan);
  g_assert_nonnull (error);

  activate (fixture, "win.downgrade");
  dialog = wait_for_dialog ("Cannot Downgrade");
  body = adw_message_dialog_get_body (dialog);
  g_assert_cmpstr (body, ==, error->message);
  g_assert_true (g_str_has_prefix (body, "versions/" ONE_WAY "_one_way.sql:11: revision "
                                         ONE_WAY " has no downgrade"));
  g_assert_nonnull (strstr (body, "“-- strata:no-downgrade”"));
  g_assert_false (has_dialog (&confirm));
  answer (dialog, "close");

  g_assert_false (_strata_window_get_busy (fixture->window));
  heads = strata_test_read_heads (fixture->database);
  g_assert_cmpstr (heads, ==, ONE_WAY);
  after = database_bytes (fixture);
  g_assert_cmpstr (after, ==, before);

  /* The preview of one step back says the same. */
  activate (fixture, "win.preview-downgrade");
  strata_test_wait (preview_says, (gpointer)"has no downgrade", "the preview to refuse");
  close_previews ();
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

  add_window_test ("/app/window-downgrade/merge-asks-which-branch", test_merge_asks_which_branch);
  add_window_test ("/app/window-downgrade/merge-preview", test_merge_preview);
  add_window_test ("/app/window-downgrade/missing-downgrade-refused",
                   test_missing_downgrade_refused);

  return g_test_run ();
}
