/* test-foreign-keys.c: rows that pointed at nothing before a run are not the revision's fault
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "core-test.h"

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static char *
joined_warnings (StrataMigration *migration)
{
  return g_strjoinv ("\n", (char **)strata_migration_get_warnings (migration));
}

/* What a rehearsal of an upgrade to head finds about dangling rows. */
static guint
rehearsed_foreign_key_findings (StrataProject *project)
{
  g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, "head");
  g_autoptr(GError) error = NULL;
  GPtrArray *findings;
  guint n = 0;

  strata_rehearsal_run (rehearsal, NULL, &error);
  findings = strata_rehearsal_get_findings (rehearsal);
  for (guint i = 0; i < findings->len; i++)
    {
      StrataRehearsalFinding *finding = g_ptr_array_index (findings, i);
      n += finding->problem == STRATA_REHEARSAL_FOREIGN_KEY;
    }
  return n;
}

static StrataMigration *
run_to (StrataProject    *project,
        StrataDirection   direction,
        const char       *target,
        GError          **error)
{
  StrataMigration *migration = strata_migration_new (project, direction, target);

  strata_migration_run (migration, NULL, error);
  return migration;
}

/* tests/data/real/legacy.sql holds two purchases of a deleted customer and
 * a note of a deleted purchase. A revision that rebuilds purchase and adds a
 * table passes; the old rows are a warning that says how to list them. */
static void
test_existing_orphans (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "legacy.sql");
  ct_write_revision (dir, "r1", NULL, "rebuild purchase",
                     "CREATE TABLE new_purchase (id INTEGER PRIMARY KEY, customer_id INTEGER "
                     "REFERENCES customer (id), total REAL, paid INTEGER NOT NULL DEFAULT 0);\n"
                     "INSERT INTO new_purchase (id, customer_id, total) "
                     "SELECT id, customer_id, total FROM purchase;\n"
                     "DROP TABLE purchase;\n"
                     "ALTER TABLE new_purchase RENAME TO purchase;\n",
                     "");
  ct_write_revision (dir, "r2", "r1", "coupon",
                     "CREATE TABLE coupon (code TEXT PRIMARY KEY, customer_id INTEGER "
                     "REFERENCES customer (id));\n"
                     "INSERT INTO coupon VALUES ('HELLO', 1);\n",
                     "DROP TABLE coupon;\n");
  project = ct_open_project (dir);
  g_assert_cmpuint (rehearsed_foreign_key_findings (project), ==, 0);
  migration = run_to (project, STRATA_DIRECTION_UPGRADE, "head", &error);
  g_assert_no_error (error);
  ct_assert_heads (db, "r2");
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM purchase"), ==, 5);

  warnings = joined_warnings (migration);
  assert_contains (warnings, "2 rows of table “purchase” point at missing rows of “customer”");
  assert_contains (warnings, "PRAGMA foreign_key_check(\"purchase\");");
  assert_contains (warnings, "1 row of table “note” points at missing rows of “purchase”");
  g_assert_cmpuint (g_strv_length ((char **)strata_migration_get_warnings (migration)), ==, 2);
  ct_remove_tree (dir);
}

/* Renaming a table with old dangling rows, or the table they point at, adds
 * none: the rename of purchase (Rails' posts to articles) passed on its own
 * only when no row dangled, and the rename of customer was said to have
 * dropped it. The warnings name the tables as they are now, and the
 * rehearsal agrees. */
static void
test_renames_add_none (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(StrataMigration) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "legacy.sql");
  ct_write_revision (dir, "r1", NULL, "rename purchase",
                     "ALTER TABLE purchase RENAME TO sale;\n",
                     "ALTER TABLE sale RENAME TO purchase;\n");
  ct_write_revision (dir, "r2", "r1", "rename customer",
                     "ALTER TABLE customer RENAME TO client;\n",
                     "ALTER TABLE client RENAME TO customer;\n");
  project = ct_open_project (dir);
  g_assert_cmpuint (rehearsed_foreign_key_findings (project), ==, 0);
  migration = run_to (project, STRATA_DIRECTION_UPGRADE, "head", &error);
  g_assert_no_error (error);
  ct_assert_heads (db, "r2");

  warnings = joined_warnings (migration);
  assert_contains (warnings, "2 rows of table “sale” point at missing rows of “client”; they "
                             "were there before this run");
  assert_contains (warnings, "1 row of table “note” points at missing rows of “sale”");
  g_assert_null (strstr (warnings, "dropped"));
  g_assert_null (strstr (warnings, "“purchase”"));
  g_assert_cmpuint (g_strv_length ((char **)strata_migration_get_warnings (migration)), ==, 2);

  back = run_to (project, STRATA_DIRECTION_DOWNGRADE, "base", &error);
  g_assert_no_error (error);
  g_free (warnings);
  warnings = joined_warnings (back);
  assert_contains (warnings, "2 rows of table “purchase” point at missing rows of “customer”");
  ct_remove_tree (dir);
}

/* A revision that adds one dangling row is refused for that row alone, and
 * the message does not count the old ones. */
static void
test_added_orphan_refused (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "legacy.sql");
  ct_write_revision (dir, "r1", NULL, "forget Brian", "DELETE FROM customer WHERE id = 2;\n", "");
  project = ct_open_project (dir);
  g_assert_cmpuint (rehearsed_foreign_key_findings (project), ==, 1);
  migration = run_to (project, STRATA_DIRECTION_UPGRADE, "head", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY);
  assert_contains (error->message, "leaves 1 rows of table “purchase” pointing at missing rows "
                                   "of “customer” (1 foreign key violations in all)");
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM customer"), ==, 3);
  ct_remove_tree (dir);
}

/* A revision that deletes the old dangling rows leaves no warning about them. */
static void
test_mended (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "legacy.sql");
  ct_write_revision (dir, "r1", NULL, "noop", "CREATE TABLE t (x);\n", "DROP TABLE t;\n");
  ct_write_revision (dir, "r2", "r1", "mend",
                     "INSERT INTO customer VALUES (4, 'Dana', NULL);\n",
                     "");
  project = ct_open_project (dir);
  migration = run_to (project, STRATA_DIRECTION_UPGRADE, "head", &error);
  g_assert_no_error (error);
  warnings = joined_warnings (migration);
  g_assert_null (strstr (warnings, "“purchase” point"));
  assert_contains (warnings, "“note” points");
  ct_remove_tree (dir);
}

static void
add_orphan_cb (StrataMigration *migration,
               StrataStep      *step,
               gpointer         user_data)
{
  const char *db = user_data;
  sqlite3 *other = NULL;

  if (strcmp (strata_revision_get_id (strata_step_get_revision (step)), "r1") != 0)
    return;
  g_assert_cmpint (sqlite3_open (db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "INSERT INTO purchase VALUES (15, 9, 2.0);", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (other);
}

/* Another program adds a dangling row between two committed revisions: the
 * next revision is not blamed for it. */
static void
test_other_writer (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "legacy.sql");
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE t2 (x);\n", "DROP TABLE t2;\n");
  project = ct_open_project (dir);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  strata_migration_set_group_commit_ms (migration, 0);
  g_signal_connect (migration, "step-finished", G_CALLBACK (add_orphan_cb), db);
  strata_migration_run (migration, NULL, &error);
  g_assert_no_error (error);
  ct_assert_heads (db, "r2");
  warnings = joined_warnings (migration);
  assert_contains (warnings, "3 rows of table “purchase” point at missing rows of “customer”");
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/foreign-keys/existing-orphans", test_existing_orphans);
  g_test_add_func ("/core/foreign-keys/added-orphan-refused", test_added_orphan_refused);
  g_test_add_func ("/core/foreign-keys/renames-add-none", test_renames_add_none);
  g_test_add_func ("/core/foreign-keys/mended", test_mended);
  g_test_add_func ("/core/foreign-keys/other-writer", test_other_writer);

  return g_test_run ();
}
