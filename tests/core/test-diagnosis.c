/* test-diagnosis.c: after a failure the message says where the database is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "core-test.h"

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static char *
make_project (void)
{
  char *dir = ct_make_tmp ();

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  return dir;
}

static void
write_outside (const char *dir,
               const char *upgrade)
{
  g_autofree char *path = g_build_filename (dir, "versions", "r2.sql", NULL);
  g_autofree char *text = g_strdup_printf ("-- two\n--\n-- Revision ID: r2\n-- Revises: r1\n\n"
                                           "-- migrate:upgrade transaction:false\n%s\n"
                                           "-- migrate:downgrade\n", upgrade);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static GError *
fail_upgrade (const char *dir)
{
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigration) migration = NULL;
  GError *error = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

static void
test_rolled_back (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *recorded = NULL;

  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE t2 (x);\nINSERT INTO nosuch VALUES (1);\n",
                     "DROP TABLE t2;\n");
  error = fail_upgrade (dir);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  assert_contains (error->message, "versions/r2.sql:9: no such table: nosuch; revision r2 was "
                                   "rolled back and the database stays at r1 (checked after the "
                                   "rollback: the version table holds r1 and the last successful "
                                   "step in strata_history is the upgrade to r1 (");
  assert_contains (error->message, "), so r2 changed nothing)");
  /* strata_history keeps the message as shown. */
  recorded = ct_query (db, "SELECT error FROM strata_history WHERE outcome = 'failed'");
  g_assert_cmpstr (recorded, ==, error->message);
  ct_remove_tree (dir);
}

/* A unique index over rows that repeat a value: the failure counts them
 * and gives the query that lists them, in the user's table. */
static void
test_unique_explained (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "members",
                     "CREATE TABLE member (id INTEGER PRIMARY KEY, club INTEGER, email TEXT);\n"
                     "INSERT INTO member VALUES (1, 1, 'a@x'), (2, 1, 'a@x'), (3, 1, NULL), "
                     "(4, 1, NULL);\n",
                     "DROP TABLE member;\n");
  ct_write_revision (dir, "r2", "r1", "unique",
                     "CREATE UNIQUE INDEX member_club_email ON member (club, email);\n",
                     "DROP INDEX member_club_email;\n");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  assert_contains (error->message, "UNIQUE constraint failed: member.club, member.email: 1 value "
                                   "of (club, email) occurs more than once in table “member”; "
                                   "remove the duplicates first (list them with: SELECT club, "
                                   "email, count(*) FROM member WHERE (club) IS NOT NULL AND "
                                   "(email) IS NOT NULL GROUP BY club, email HAVING count(*) > 1;)");
  db = g_build_filename (dir, "test.db", NULL);
  ct_assert_heads (db, "r1");
  ct_remove_tree (dir);
}

static void
test_from_base (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\nSELEC 1;\n", "");
  project = ct_open_project (dir);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  assert_contains (error->message, "the version table holds base and strata_history records no "
                                   "successful step, so r1 changed nothing");
  ct_remove_tree (dir);
}

static void
test_half_applied (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;

  /* Lines 7 to 10: the third statement fails, the first two stay. */
  write_outside (dir, "CREATE TABLE a (x);\nINSERT INTO a VALUES (1);\nCREATE TABLE t1 (y);\n"
                      "CREATE TABLE c (x);\n");
  error = fail_upgrade (dir);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  assert_contains (error->message, "versions/r2.sql:9: table t1 already exists");
  assert_contains (error->message, "the statements on lines 7, 8 took effect and those from "
                                   "line 9 on did not, so the database is between r1 and r2; "
                                   "finish the section by hand from line 9 and run “strata-cli "
                                   "stamp r2”, or undo lines 7, 8");
  heads = ct_heads (db);
  g_assert_cmpstr (heads, ==, "r1");
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM a"), ==, 1);
  ct_remove_tree (dir);
}

/* Run again after stopping half-way, the section fails at its first line
 * (the table is there): what the first run left is still named, from the
 * schema its revisions give, not "nothing took effect". */
static void
test_half_applied_earlier (void)
{
  g_autofree char *dir = make_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) again = NULL;

  write_outside (dir, "CREATE TABLE a (x);\nCREATE TABLE b (y);\nINSERT INTO nosuch VALUES (1);\n");
  first = fail_upgrade (dir);
  assert_contains (first->message, "the statements on lines 7, 8 took effect");
  again = fail_upgrade (dir);
  assert_contains (again->message, "versions/r2.sql:7: table a already exists");
  assert_contains (again->message, "none of its statements took effect in this run, but the "
                                   "schema already held what lines 7, 8 make: an earlier run of "
                                   "the section stopped there");
  assert_contains (again->message, "so the database is between r1 and r2; finish the section by "
                                   "hand from line 9 and run “strata-cli stamp r2”");
  g_assert_null (strstr (again->message, "none of its statements changed the schema"));
  ct_remove_tree (dir);
}

static void
test_nothing_applied (void)
{
  g_autofree char *dir = make_project ();
  g_autoptr(GError) error = NULL;

  write_outside (dir, "CREATE TABLE t1 (y);\nCREATE TABLE c (x);\n");
  error = fail_upgrade (dir);
  assert_contains (error->message, "none of its statements changed the schema, so the database "
                                   "is still at r1");
  ct_remove_tree (dir);
}

static void
test_all_applied (void)
{
  g_autofree char *dir = make_project ();
  g_autoptr(GError) error = NULL;

  /* Every statement runs, then the foreign key check refuses the step. */
  write_outside (dir, "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
                      "CREATE TABLE k (p_id INTEGER REFERENCES p (id));\n"
                      "INSERT INTO k VALUES (7);\n");
  error = fail_upgrade (dir);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY);
  assert_contains (error->message, "all 3 of its statements took effect, but the version table "
                                   "still holds r1; run “strata-cli stamp r2”");
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/diagnosis/rolled-back", test_rolled_back);
  g_test_add_func ("/core/diagnosis/unique-explained", test_unique_explained);
  g_test_add_func ("/core/diagnosis/from-base", test_from_base);
  g_test_add_func ("/core/diagnosis/half-applied", test_half_applied);
  g_test_add_func ("/core/diagnosis/half-applied-earlier", test_half_applied_earlier);
  g_test_add_func ("/core/diagnosis/nothing-applied", test_nothing_applied);
  g_test_add_func ("/core/diagnosis/all-applied", test_all_applied);

  return g_test_run ();
}
