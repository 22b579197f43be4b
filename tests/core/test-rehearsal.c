/* test-rehearsal.c: a rehearsal finds what a downgrade forgets, on a copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"

static GPtrArray *
rehearse (StrataProject *project,
          const char    *target,
          guint         *n_checked)
{
  g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, target);
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_rehearsal_run (rehearsal, NULL, &error));
  g_assert_no_error (error);
  if (n_checked != NULL)
    *n_checked = strata_rehearsal_get_n_checked (rehearsal);
  return g_ptr_array_ref (strata_rehearsal_get_findings (rehearsal));
}

static StrataRehearsalFinding *
finding_at (GPtrArray *findings,
            guint      index)
{
  g_assert_cmpuint (index, <, findings->len);
  return g_ptr_array_index (findings, index);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static void
test_example_is_clean (void)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autofree char *dir = ct_copy_example (tmp);
  g_autofree char *db = g_build_filename (dir, "maker_hub.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint checked = 0;

  /* From nothing: the database is not created. */
  findings = rehearse (project, "heads", &checked);
  g_assert_cmpuint (findings->len, ==, 0);
  g_assert_cmpuint (checked, ==, 9);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_clear_pointer (&findings, g_ptr_array_unref);

  /* Half-way: only the pending revisions are rehearsed, and the file is
   * not changed by a single byte. */
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "27c6a30d7c24");
  before = ct_snapshot (dir);
  findings = rehearse (project, "heads", &checked);
  g_assert_cmpuint (findings->len, ==, 0);
  g_assert_cmpuint (checked, ==, 6);
  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (tmp);
}

static char *
make_project (void)
{
  char *dir = ct_make_tmp ();

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "part",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                     "INSERT INTO part (name) VALUES ('resistor');\n",
                     "DROP TABLE part;\n");
  return dir;
}

static void
test_forgetful_downgrade (void)
{
  g_autofree char *dir = make_project ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *text = NULL;
  StrataRehearsalFinding *finding;
  guint checked = 0;

  /* The downgrade forgets the column, so upgrading again fails. */
  ct_write_revision (dir, "r2", "r1", "price",
                     "ALTER TABLE part ADD COLUMN price REAL;\n"
                     "CREATE INDEX part_price ON part (price);\n",
                     "DROP INDEX part_price;\n");
  ct_write_revision (dir, "r3", "r2", "bin", "CREATE TABLE bin (x);\n", "DROP TABLE bin;\n");
  project = ct_open_project (dir);
  findings = rehearse (project, "head", &checked);
  g_assert_cmpuint (checked, ==, 3);
  g_assert_cmpuint (findings->len, ==, 2);

  finding = finding_at (findings, 0);
  g_assert_cmpint (finding->problem, ==, STRATA_REHEARSAL_DOWNGRADE_MISMATCH);
  g_assert_cmpstr (finding->revision, ==, "r2");
  g_assert_cmpint (finding->direction, ==, STRATA_DIRECTION_DOWNGRADE);
  g_assert_cmpuint (finding->line, ==, 12);
  g_assert_nonnull (finding->differences);
  assert_contains (finding->differences[0], "price");
  text = strata_rehearsal_finding_to_string (finding);
  assert_contains (text, "versions/r2.sql:12: downgrade: the downgrade does not restore");

  finding = finding_at (findings, 1);
  g_assert_cmpint (finding->problem, ==, STRATA_REHEARSAL_STATEMENT_FAILED);
  g_assert_cmpint (finding->direction, ==, STRATA_DIRECTION_UPGRADE);
  g_assert_cmpuint (finding->line, ==, 8);
  assert_contains (finding->message, "duplicate column name: price");
  assert_contains (finding->message, "upgrading again after the downgrade");
  ct_remove_tree (dir);
}

static void
test_failing_statements (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  StrataRehearsalFinding *finding;
  guint checked = 0;

  ct_write_revision (dir, "r2", "r1", "bad downgrade",
                     "CREATE TABLE bin (x);\n", "DROP TABLE nosuch;\n");
  ct_write_revision (dir, "r3", "r2", "typo", "CREATE TABLE shelf (x);\nSELEC 1;\n",
                     "DROP TABLE shelf;\n");
  ct_write_revision (dir, "r4", "r3", "never reached", "CREATE TABLE y (x);\n", "");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  before = ct_snapshot (dir);

  findings = rehearse (project, "head", &checked);
  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  /* r2 went up, its downgrade failed (and rolled back), r3 stopped the rehearsal. */
  g_assert_cmpuint (checked, ==, 1);
  g_assert_cmpuint (findings->len, ==, 2);
  finding = finding_at (findings, 0);
  g_assert_cmpstr (finding->revision, ==, "r2");
  g_assert_cmpint (finding->direction, ==, STRATA_DIRECTION_DOWNGRADE);
  g_assert_cmpuint (finding->line, ==, 11);
  assert_contains (finding->message, "no such table: nosuch");
  finding = finding_at (findings, 1);
  g_assert_cmpstr (finding->revision, ==, "r3");
  g_assert_cmpuint (finding->line, ==, 9);
  assert_contains (finding->message, "near \"SELEC\": syntax error");
  {
    g_autofree char *heads = ct_heads (db);
    g_assert_cmpstr (heads, ==, "r1");
  }
  ct_remove_tree (dir);
}

static void
test_foreign_keys_and_no_transaction (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *path = g_build_filename (dir, "versions", "r2.sql", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  StrataRehearsalFinding *finding;

  g_assert_true (g_file_set_contents (path,
                                      "-- vacuum\n--\n-- Revision ID: r2\n-- Revises: r1\n\n"
                                      "-- migrate:upgrade transaction:false\n"
                                      "PRAGMA foreign_keys = ON;\nVACUUM;\n\n"
                                      "-- migrate:downgrade transaction:false\nVACUUM;\n",
                                      -1, NULL));
  ct_write_revision (dir, "r3", "r2", "orphans",
                     "CREATE TABLE stock (part_id INTEGER REFERENCES part (id));\n"
                     "INSERT INTO stock VALUES (42);\n",
                     "DROP TABLE stock;\n");
  project = ct_open_project (dir);
  findings = rehearse (project, "head", NULL);
  g_assert_cmpuint (findings->len, ==, 1);
  finding = finding_at (findings, 0);
  g_assert_cmpint (finding->problem, ==, STRATA_REHEARSAL_FOREIGN_KEY);
  g_assert_cmpstr (finding->revision, ==, "r3");
  assert_contains (finding->message, "1 rows pointing at missing rows");
  ct_remove_tree (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autoptr(GError) error = NULL;

  rehearsal = strata_rehearsal_new (project, "nosuch");
  g_assert_false (strata_rehearsal_run (rehearsal, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_clear_error (&error);
  g_clear_object (&rehearsal);

  g_assert_true (g_file_set_contents (db, "this is a text file, not a database; it is long "
                                          "enough to have a header, and then some more", -1,
                                      NULL));
  rehearsal = strata_rehearsal_new (project, "head");
  g_assert_false (strata_rehearsal_run (rehearsal, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_contains (error->message, "is not a SQLite database");
  ct_remove_tree (dir);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static void
test_async (void)
{
  g_autofree char *dir = make_project ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRehearsal) rehearsal = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_revision (dir, "r2", "r1", "forgets", "CREATE TABLE bin (x);\n", "");
  project = ct_open_project (dir);
  rehearsal = strata_rehearsal_new (project, "head");
  strata_rehearsal_run_async (rehearsal, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (strata_rehearsal_run_finish (rehearsal, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strata_rehearsal_get_steps (rehearsal)->len, ==, 2);
  g_assert_cmpuint (strata_rehearsal_get_findings (rehearsal)->len, ==, 2);
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/rehearsal/example-is-clean", test_example_is_clean);
  g_test_add_func ("/core/rehearsal/forgetful-downgrade", test_forgetful_downgrade);
  g_test_add_func ("/core/rehearsal/failing-statements", test_failing_statements);
  g_test_add_func ("/core/rehearsal/foreign-keys-and-no-transaction",
                   test_foreign_keys_and_no_transaction);
  g_test_add_func ("/core/rehearsal/errors", test_errors);
  g_test_add_func ("/core/rehearsal/async", test_async);

  return g_test_run ();
}
