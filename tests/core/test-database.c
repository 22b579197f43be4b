/* test-database.c: a connection opened the careful way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "core-test.h"

static int
query (StrataDatabase *database,
       const char     *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (strata_database_get_handle (database), sql, -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_settings (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *path = g_build_filename (dir, "file:x.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = NULL;
  int defensive = -1;

  database = strata_database_open (file, STRATA_DATABASE_FLAGS_CREATE, &error);
  g_assert_no_error (error);
  /* A name that looks like a URI is still just a file name. */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (query (database, "PRAGMA trusted_schema"), ==, 0);
  sqlite3_db_config (strata_database_get_handle (database), SQLITE_DBCONFIG_DEFENSIVE, -1,
                     &defensive);
  g_assert_cmpint (defensive, ==, 1);
  g_assert_false (strata_database_exec (database, "SELECT load_extension('libm.so.6');", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  g_clear_error (&error);

  heads = strata_database_read_heads (database, "alembic_version", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (heads), ==, 0);
  g_clear_pointer (&heads, g_strfreev);

  g_assert_true (strata_database_exec (database,
                                       "CREATE TABLE alembic_version (version_num VARCHAR(32));"
                                       "INSERT INTO alembic_version VALUES ('b'), ('a');", &error));
  heads = strata_database_read_heads (database, "alembic_version", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (heads, ((const char *[]) { "a", "b", NULL }));
  ct_remove_tree (dir);
}

static void
test_missing_without_create (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *path = g_build_filename (dir, "absent.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  database = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  g_assert_null (database);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/database/settings", test_settings);
  g_test_add_func ("/core/database/missing-without-create", test_missing_without_create);

  return g_test_run ();
}
