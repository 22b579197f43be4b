/* test-autogen-real.c: autogenerate on schemas and databases as they are in the wild
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

static StrataDatabase *
database_with (const char *dir,
               const char *sql)
{
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  StrataDatabase *database;
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  database = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  return database;
}

static const char *account_head =
  "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT, status TEXT, code TEXT, "
  "age TEXT);";
static const char *account_target =
  "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
  "status TEXT CHECK (status IN ('active', 'retired')), code TEXT UNIQUE, age INTEGER) STRICT;";
static const char *account_rows =
  "INSERT INTO account VALUES (1, NULL, 'active', 'a', '31'), (2, NULL, 'gone', 'a', 'old'), "
  "(3, 'c@example.com', NULL, 'b', NULL);";

/* The real rows are read before anything is written: each new constraint
 * they break is named with its table, column and count, and what to do. */
static void
test_rows_named (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *sql = g_strconcat (account_head, account_rows, NULL);
  g_autoptr(StrataDatabase) database = database_with (dir, sql);
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql (account_head, account_target);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  g_autofree char *text = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  problems = strata_autogen_check_rows (autogen, database, NULL, &error);
  g_assert_no_error (error);
  text = g_strjoinv ("\n", problems);
  g_assert_cmpuint (g_strv_length (problems), ==, 4);
  assert_contains (text, "column “email” of table “account” becomes NOT NULL, but 2 rows hold "
                         "NULL there");
  /* The words are the core's, for the CLI and the app alike: the CLI adds
   * its --fill line, the app an entry (tests/cli/test-cli-real.c,
   * tests/app/test-window.c). */
  assert_contains (text, "give them a value in the copy ('', say)");
  g_assert_null (strstr (text, "--fill"));
  assert_contains (text, "SELECT rowid, * FROM account WHERE email IS NULL;");
  assert_contains (text, "column “status” of table “account” gets CHECK (status IN ('active', "
                         "'retired')), but 1 row breaks it");
  assert_contains (text, "table “account” becomes UNIQUE on (code), but 1 value occurs more "
                         "than once");
  assert_contains (text, "column “age” of table “account” becomes INTEGER in a STRICT table, "
                         "but 1 row holds a value SQLite cannot store as INTEGER");
  /* The row the probe refused, not '31', which STRICT takes as 31. */
  assert_contains (text, "SELECT rowid, age, typeof(age) FROM account WHERE rowid IN (2);");
  g_assert_null (strstr (text, "new_account"));
  ct_remove_tree (dir);
}

/* Outside STRICT, a new type converts what SQLite can in the copy: ZIP
 * codes lose their leading zero, '1e3' becomes 1000. Said before anything
 * is written, with the rows; values that read back the same are not. */
static void
test_affinity_change (void)
{
  const char *head = "CREATE TABLE person (id INTEGER PRIMARY KEY, zip TEXT, phone TEXT, "
                     "age TEXT);";
  const char *target = "CREATE TABLE person (id INTEGER PRIMARY KEY, zip INTEGER, "
                       "phone NUMERIC, age INTEGER);";
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *sql = g_strconcat (head, "INSERT INTO person VALUES "
                                      "(1, '01234', '0044 20', '31'), (2, '12345', '1e3', '40'), "
                                      "(3, '00501', NULL, NULL);", NULL);
  g_autoptr(StrataDatabase) database = database_with (dir, sql);
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql (head, target);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  g_autofree char *text = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  problems = strata_autogen_check_rows (autogen, database, NULL, &error);
  g_assert_no_error (error);
  text = g_strjoinv ("\n", problems);
  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  assert_contains (text, "column “zip” of table “person” changes type from TEXT to INTEGER, and "
                         "SQLite would change 2 of its values in the copy");
  assert_contains (text, "SELECT rowid, * FROM person WHERE rowid IN (1, 3);");
  assert_contains (text, "column “phone” of table “person” changes type from TEXT to NUMERIC, "
                         "and SQLite would change 1 of its values");
  assert_contains (text, "WHERE rowid IN (2);");
  /* '31' and '40' read back as they were: no word about age. */
  g_assert_null (strstr (text, "“age”"));
  ct_remove_tree (dir);
}

/* Duplicates under a unique index new to a table that stays (Django's
 * unique_together), with its WHERE, and under an existing UNIQUE column
 * that becomes COLLATE NOCASE: each said with its query. */
static void
test_unique_index_and_nocase (void)
{
  const char *head = "CREATE TABLE member (id INTEGER PRIMARY KEY, club_id INTEGER, "
                     "email TEXT, name TEXT UNIQUE, active INTEGER);";
  const char *target = "CREATE TABLE member (id INTEGER PRIMARY KEY, club_id INTEGER, "
                       "email TEXT, name TEXT UNIQUE COLLATE NOCASE, active INTEGER);\n"
                       "CREATE UNIQUE INDEX member_club_email ON member (club_id, lower(email) "
                       "DESC) WHERE active = 1;";
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *sql = g_strconcat (head, "INSERT INTO member VALUES "
                                      "(1, 1, 'a@x', 'Bob', 1), (2, 1, 'A@x', 'bob', 1), "
                                      "(3, 1, 'a@x', 'Cy', 0), (4, 2, NULL, 'Di', 1), "
                                      "(5, 2, NULL, 'Ed', 1);", NULL);
  g_autoptr(StrataDatabase) database = database_with (dir, sql);
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql (head, target);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  g_autofree char *text = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  problems = strata_autogen_check_rows (autogen, database, NULL, &error);
  g_assert_no_error (error);
  text = g_strjoinv ("\n", problems);
  /* Rows 1 and 2 collide; 3 is inactive and 4 and 5 have no email. */
  assert_contains (text, "table “member” becomes UNIQUE on (club_id, lower(email)), but 1 value "
                         "occurs more than once");
  assert_contains (text, "table “member” becomes UNIQUE on (name COLLATE NOCASE), but 1 value "
                         "occurs more than once");
  /* The query lists what the count counted, inactive rows and NULLs left out. */
  assert_contains (text, "list them with: SELECT club_id, lower(email), count(*) FROM member "
                         "WHERE club_id IS NOT NULL AND lower(email) IS NOT NULL AND (active = 1) "
                         "GROUP BY club_id, lower(email) HAVING count(*) > 1;");
  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  ct_remove_tree (dir);
}

/* --fill writes COALESCE into the copy: the NULLs get the value, the other
 * rows keep theirs, and the NOT NULL is no longer a problem. */
static void
test_fill (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *sql = g_strconcat (account_head, account_rows, NULL);
  g_autoptr(StrataDatabase) database = database_with (dir, sql);
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  const char *target = "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
                       "status TEXT, code TEXT, age TEXT, joined TEXT NOT NULL);";

  autogen = strata_autogen_new_for_sql (account_head, target);
  g_assert_false (strata_autogen_add_fill (autogen, "account.email", &error));
  assert_contains (error->message, "write table.column=VALUE");
  g_clear_error (&error);
  g_assert_true (strata_autogen_add_fill (autogen, "account.email='none'", &error));
  g_assert_true (strata_autogen_add_fill (autogen, "Account.Joined=date('2020-01-01')", &error));
  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_no_error (error);
  assert_contains (strata_autogen_get_upgrade_sql (autogen), "coalesce(email, 'none')");
  problems = strata_autogen_check_rows (autogen, database, NULL, &error);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
  g_clear_object (&database);

  {
    sqlite3 *handle = NULL;
    g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, strata_autogen_get_upgrade_sql (autogen), NULL, NULL,
                                   NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  ct_assert_query (path, "SELECT group_concat(email || ' ' || joined, ',') FROM account",
                   "none 2020-01-01,none 2020-01-01,c@example.com 2020-01-01");
  ct_remove_tree (dir);
}

/* A revision written anyway, run on rows it cannot take: the failure names
 * the user's table and column and counts the rows, never new_account. */
static void
test_copy_failure_named (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *schema = g_build_filename (dir, "schema.sql", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataRevision) revision = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\n"
                                              "schema = schema.sql\n", -1, NULL));
  g_assert_true (g_file_set_contents (schema, "CREATE TABLE account (id INTEGER PRIMARY KEY, "
                                              "email TEXT NOT NULL);\n", -1, NULL));
  ct_write_revision (dir, "r1", NULL, "account",
                     "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT);\n",
                     "DROP TABLE account;\n");
  project = ct_open_project (dir);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  {
    sqlite3 *handle = NULL;
    g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "INSERT INTO account VALUES (1, NULL), (2, NULL), "
                                           "(3, 'c@example.com');", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (handle);
  }
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  autogen = strata_autogen_new (project);
  strata_autogen_set_graph (autogen, graph);
  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  revision = strata_autogen_write_revision (autogen, graph, "email", "r2", &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  project = ct_open_project (dir);

  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  assert_contains (error->message, "NOT NULL constraint failed: account.email: 2 rows of table "
                                   "“account” hold NULL in column “email”");
  assert_contains (error->message, "--fill account.email=VALUE");
  g_assert_null (strstr (error->message, "new_account"));
  ct_remove_tree (dir);
}

static const char *fts_head =
  "CREATE TABLE note (body TEXT NOT NULL, purchase_id INTEGER);\n"
  "CREATE VIRTUAL TABLE note_fts USING fts5 (body, content = 'note', content_rowid = 'rowid');\n"
  "CREATE VIRTUAL TABLE help_fts USING fts5 (topic, text);\n"
  "CREATE VIRTUAL TABLE zone USING rtree (id, min_x, max_x, min_y, max_y);\n";

/* FTS5 and R*Tree tables anywhere in the schema: their shadow tables are
 * neither differences nor rebuilt, and a rebuild of note keeps its rowids,
 * so the external-content index still finds the right rows. */
static void
test_virtual_tables (void)
{
  g_autofree char *target = g_strconcat (fts_head, "", NULL);
  g_autoptr(GString) changed = g_string_new (fts_head);
  g_autoptr(StrataAutogen) same = strata_autogen_new_for_sql (fts_head, target);
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *differences = NULL;
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  sqlite3 *handle = NULL;

  g_assert_true (strata_autogen_run (same, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strata_autogen_get_upgrade_sql (same));

  g_string_replace (changed, "purchase_id INTEGER)", "purchase_id INTEGER NOT NULL DEFAULT 0, "
                    "pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)))", 1);
  autogen = strata_autogen_new_for_sql (fts_head, changed->str);
  strata_autogen_run (autogen, NULL, &error);
  g_assert_no_error (error);
  differences = g_strjoinv ("\n", (char **)strata_autogen_get_differences (autogen));
  g_assert_null (strstr (differences, "_data"));
  g_assert_null (strstr (differences, "_node"));
  g_assert_null (strstr (strata_autogen_get_upgrade_sql (autogen), "note_fts_"));
  assert_contains (strata_autogen_get_upgrade_sql (autogen), "INSERT INTO new_note (rowid, ");

  /* On the legacy database: rowids 1, 3, 4, 5 (2 was deleted) survive. */
  db = ct_load_real (dir, "legacy.sql");
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "UPDATE note SET purchase_id = 0 WHERE purchase_id "
                                         "IS NULL;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, strata_autogen_get_upgrade_sql (autogen), NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  ct_assert_query (db, "SELECT group_concat(rowid, ',') FROM note", "1,3,4,5");
  ct_assert_query (db, "SELECT body FROM note WHERE rowid = (SELECT rowid FROM note_fts "
                       "WHERE note_fts MATCH 'glass')", "fragile glass");

  /* The inspector shows the virtual tables, not their shadow tables. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (db);
    g_autoptr(StrataSchema) schema = strata_schema_load (file, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strata_schema_lookup (schema, "note_fts"));
    g_assert_nonnull (strata_schema_lookup (schema, "help_fts"));
    g_assert_null (strata_schema_lookup (schema, "note_fts_data"));
    g_assert_null (strata_schema_lookup (schema, "help_fts_content"));
  }
  ct_remove_tree (dir);
}

/* When head's own rows break the new NOT NULL, the self-check says so in
 * the user's names too. */
static void
test_self_check_named (void)
{
  g_autoptr(StrataAutogen) autogen =
    strata_autogen_new_for_sql ("CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT);"
                                "INSERT INTO account VALUES (1, NULL);",
                                "CREATE TABLE account (id INTEGER PRIMARY KEY, "
                                "email TEXT NOT NULL);");
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_autogen_run (autogen, NULL, &error));
  assert_contains (error->message, "NOT NULL constraint failed: account.email: 1 row of table "
                                   "“account” holds NULL in column “email”");
  g_assert_null (strstr (error->message, "new_account.email"));
}

/* Head has no rows, so the self-check makes some up: they must suit the new
 * constraints, or no revision could ever be generated for them. */
static void
test_made_up_rows_fit (gconstpointer data)
{
  const char * const *pair = data;
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql (pair[0], pair[1]);
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_autogen_run (autogen, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strata_autogen_get_upgrade_sql (autogen));
}

static const char *checks_pair[] = {
  "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, status TEXT, year INTEGER, "
  "rating REAL);",
  "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
  "status TEXT CHECK (status IN ('active', 'retired')), year INTEGER CHECK (year >= 1888), "
  "rating REAL CHECK (rating > 0 AND rating <= 10));",
};

static const char *strict_pair[] = {
  "CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value TEXT);",
  "CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value INTEGER) STRICT;",
};

static const char *table_check_pair[] = {
  "CREATE TABLE span (id INTEGER PRIMARY KEY, starts INTEGER, ends INTEGER, code TEXT);",
  "CREATE TABLE span (id INTEGER PRIMARY KEY, starts INTEGER, ends INTEGER, code TEXT UNIQUE "
  "CHECK (code GLOB '[A-Z][A-Z]*'), CHECK (ends > starts + 10));",
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/autogen-real/made-up-rows/checks", checks_pair,
                        test_made_up_rows_fit);
  g_test_add_data_func ("/core/autogen-real/made-up-rows/strict", strict_pair,
                        test_made_up_rows_fit);
  g_test_add_data_func ("/core/autogen-real/made-up-rows/table-check", table_check_pair,
                        test_made_up_rows_fit);

  g_test_add_func ("/core/autogen-real/rows-named", test_rows_named);
  g_test_add_func ("/core/autogen-real/affinity-change", test_affinity_change);
  g_test_add_func ("/core/autogen-real/unique-index-and-nocase", test_unique_index_and_nocase);
  g_test_add_func ("/core/autogen-real/fill", test_fill);
  g_test_add_func ("/core/autogen-real/copy-failure-named", test_copy_failure_named);
  g_test_add_func ("/core/autogen-real/virtual-tables", test_virtual_tables);
  g_test_add_func ("/core/autogen-real/self-check-named", test_self_check_named);

  return g_test_run ();
}
