/* test-bad-input.c: each bad input gets one clear error and changes nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core-test.h"

static StrataProject *
project_or_error (const char  *dir,
                  GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  return strata_project_new (file, error);
}

static gboolean
upgrade (const char  *dir,
         const char  *target,
         GError     **error)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;

  if (!(project = project_or_error (dir, error)))
    return FALSE;
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, target);
  return strata_migration_run (migration, NULL, error);
}

static void
assert_message (const GError *error,
                const char   *part)
{
  if (strstr (error->message, part) == NULL)
    g_error ("“%s” is not in “%s”", part, error->message);
}

/* A project with r1 applied and r2 pending. */
static char *
make_applied_project (void)
{
  char *dir = ct_make_tmp ();

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  {
    g_autoptr(StrataProject) project = ct_open_project (dir);
    ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
  }
  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE t2 (x);\n", "DROP TABLE t2;\n");
  return dir;
}

static void
test_missing_config (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *sub = g_build_filename (dir, "a", "b", NULL);
  g_autoptr(GFile) start = g_file_new_for_path (sub);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autofree char *before = ct_snapshot (dir);
  g_autofree char *after = NULL;

  project = project_or_error (dir, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG);
  assert_message (error, "strata.ini does not exist");
  assert_message (error, "strata-cli init");
  g_clear_error (&error);

  /* Walking upwards from a folder without a project ends in a clear error
   * (the temporary folder has no strata.ini above it). */
  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_clear_pointer (&before, g_free);
  before = ct_snapshot (dir);
  project = strata_project_discover (start, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG);
  assert_message (error, "no strata.ini in");

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
expect_config_error (const char *contents,
                     const char *part)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
  project = project_or_error (dir, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG);
  assert_message (error, config);
  assert_message (error, part);
  ct_remove_tree (dir);
}

static void
test_malformed_config (void)
{
  expect_config_error ("[strata\ndatabase = a.db\n", "strata.ini:1:");
  expect_config_error ("database = a.db\n", "strata.ini:1:");
  expect_config_error ("[strata]\nversions = v\n", "no “database” in [strata]");
  expect_config_error ("[other]\ndatabase = a.db\n", "no [strata] group");
}

static void
test_missing_database_folder (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = nowhere/test.db\n", -1, NULL));
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  before = ct_snapshot (dir);

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_message (error, "nowhere does not exist");

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
test_not_sqlite (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  g_assert_true (g_file_set_contents (db, "name,qty\nresistor,100\ncapacitor,50\n"
                                          "and enough text to fill a page header of SQLite "
                                          "and then some more, just in case.\n", -1, NULL));
  before = ct_snapshot (dir);

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_message (error, "test.db is not a SQLite database (");

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

/* Read-only: root writes anything, so the attempt runs as nobody. */
static void
read_only_child (void)
{
  const char *dir = g_getenv ("CT_READ_ONLY_DIR");
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs inside /core/bad-input/read-only");
      return;
    }
  if (getuid () == 0)
    {
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY);
  g_print ("%s\n", error->message);
}

static void
expect_read_only (gboolean    folder,
                  const char *part)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pattern = g_strdup_printf ("*%s*", part);

  g_assert_cmpint (g_chmod (db, folder ? 0666 : 0444), ==, 0);
  g_assert_cmpint (g_chmod (dir, folder ? 0555 : 0755), ==, 0);
  before = ct_snapshot (dir);

  g_setenv ("CT_READ_ONLY_DIR", dir, TRUE);
  g_test_trap_subprocess ("/core/bad-input/read-only/child", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (pattern);

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
test_read_only (void)
{
  expect_read_only (FALSE, "test.db is read-only; make it writable");
  expect_read_only (TRUE, "its folder");
}

static pid_t
dead_pid (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  waitpid (pid, NULL, 0);
  return pid;
}

static void
write_note (const char *db,
            gint64      pid)
{
  g_autofree char *path = g_strconcat (db, "-strata.lock", NULL);
  g_autofree char *text =
    g_strdup_printf ("[lock]\npid=%" G_GINT64_FORMAT "\nhost=%s\ncommand=strata-cli upgrade head\n"
                     "started=2024-01-01T10:00:00Z\n", pid, g_get_host_name ());

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
expect_busy (const char *dir,
             const char *db,
             const char *part)
{
  g_autofree char *before = ct_file_checksum (db);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, "database is busy: "));
  assert_message (error, part);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_TIME_SPAN_SECOND);
  after = ct_file_checksum (db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_locked (void)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *our_note = NULL;
  sqlite3 *holder = NULL;

  strata_database_set_default_busy_timeout (100);
  g_assert_cmpint (sqlite3_open (db, &holder), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder, "BEGIN IMMEDIATE;", NULL, NULL, NULL), ==, SQLITE_OK);

  expect_busy (dir, db, "another connection has held the write lock");
  /* A strata process that is alive says who it is; a dead one's note is stale. */
  write_note (db, getpid ());
  expect_busy (dir, db, "“strata-cli upgrade head” (pid ");
  write_note (db, dead_pid ());
  expect_busy (dir, db, "another connection has held the write lock");

  /* An exclusive lock keeps even the reading of the version table out. */
  g_unlink (our_note = g_strconcat (db, "-strata.lock", NULL));
  g_clear_pointer (&our_note, g_free);
  sqlite3_exec (holder, "ROLLBACK;", NULL, NULL, NULL);
  g_assert_cmpint (sqlite3_exec (holder, "BEGIN EXCLUSIVE;", NULL, NULL, NULL), ==, SQLITE_OK);
  expect_busy (dir, db, "another connection has held the write lock");

  sqlite3_exec (holder, "ROLLBACK;", NULL, NULL, NULL);
  sqlite3_close (holder);
  strata_database_set_default_busy_timeout (5000);

  /* Free again, the same run goes through and removes only its own note. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *heads = NULL;

    our_note = g_strconcat (db, "-strata.lock", NULL);
    g_unlink (our_note);
    g_assert_true (upgrade (dir, "head", &error));
    g_assert_no_error (error);
    heads = ct_heads (db);
    g_assert_cmpstr (heads, ==, "r2");
    g_assert_false (g_file_test (our_note, G_FILE_TEST_EXISTS));
  }
  ct_remove_tree (dir);
}

/* A program that only reads (a browser with the table open) keeps the run
 * from committing: the message says so, and does not name the run itself as
 * the process that is migrating. */
static void
test_reader_blocks_commit (void)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *own_pid = g_strdup_printf ("pid %d,", (int)getpid ());
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *reader = NULL;
  sqlite3_stmt *stmt = NULL;

  strata_database_set_default_busy_timeout (100);
  g_assert_cmpint (sqlite3_open (db, &reader), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "PRAGMA journal_mode", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT * FROM alembic_version", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  before = ct_file_checksum (db);

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  if (strstr (error->message, own_pid) != NULL)
    g_error ("the message names the run's own process: %s", error->message);
  assert_message (error, "reading");
  after = ct_file_checksum (db);
  g_assert_cmpstr (before, ==, after);

  sqlite3_finalize (stmt);
  sqlite3_exec (reader, "ROLLBACK;", NULL, NULL, NULL);
  sqlite3_close (reader);
  strata_database_set_default_busy_timeout (5000);
  g_clear_error (&error);
  g_assert_true (upgrade (dir, "head", &error));
  g_assert_no_error (error);
  ct_remove_tree (dir);
}

static void
test_unknown_head (void)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "UPDATE alembic_version SET version_num = 'feedface0000';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  before = ct_snapshot (dir);

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_MISSING_SQL);
  assert_message (error, "names feedface0000, which is neither in the versions folder nor in "
                         "strata_history");

  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

/* A failing statement changes nothing but strata_history, which records it. */
static void
test_sql_error (void)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows;

  ct_write_revision (dir, "r2", "r1", "two", "CREATE TABLE t2 (x);\nSELEC 1;\n",
                     "DROP TABLE t2;\n");
  before = ct_dump (db);
  rows = ct_query_int (db, "SELECT count(*) FROM strata_history");

  g_assert_false (upgrade (dir, "head", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  assert_message (error, "versions/r2.sql:9: near \"SELEC\": syntax error; revision r2 was "
                         "rolled back and the database stays at r1");

  after = ct_dump (db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM strata_history"), ==, rows + 1);
  ct_remove_tree (dir);
}

/* Errors found before the database is touched leave it byte for byte. */
static void
expect_untouched (const char *target,
                  const char *bad_file,
                  int         code,
                  const char *part)
{
  g_autofree char *dir = make_applied_project ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  if (bad_file != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "versions", "bad.sql", NULL);
      g_assert_true (g_file_set_contents (path, bad_file, -1, NULL));
    }
  before = ct_snapshot (dir);
  g_assert_false (upgrade (dir, target, &error));
  g_assert_error (error, STRATA_ERROR, code);
  assert_message (error, part);
  after = ct_snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  ct_remove_tree (dir);
}

static void
test_bad_revisions (void)
{
  expect_untouched ("head", "-- no id\n\n-- migrate:upgrade\nSELECT 1;\n", STRATA_ERROR_PARSE,
                    "versions/bad.sql:1: no “Revision ID:” line");
  expect_untouched ("nosuchrevision", NULL, STRATA_ERROR_UNKNOWN_REVISION, "nosuchrevision");
}

/* An id that is a path, or a word of the target syntax, is refused before
 * anything is written, with the rule. */
static void
test_unsafe_rev_id (void)
{
  g_autofree char *long_id = g_strnfill (129, 'a');
  const char *bad[] = { "../evil", "../../evil", "a/b", "base", "head", "heads", "current",
                        "HEAD", "", long_id, "a b", ".hidden", "..", "a:b" };
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r1", NULL, "one", "CREATE TABLE one (x);", "DROP TABLE one;");
  project = ct_open_project (dir);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  before = ct_snapshot (dir);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(StrataRevision) revision = NULL;
      g_autofree char *after = NULL;

      revision = strata_project_create_revision (project, graph, "evil", NULL, NULL, NULL,
                                                 bad[i], FALSE, &error);
      g_assert_null (revision);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      assert_message (error, "is not a revision id");
      assert_message (error, "letters, digits");
      g_clear_error (&error);
      after = ct_snapshot (dir);
      g_assert_cmpstr (before, ==, after);
    }
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/bad-input/missing-config", test_missing_config);
  g_test_add_func ("/core/bad-input/unsafe-rev-id", test_unsafe_rev_id);
  g_test_add_func ("/core/bad-input/malformed-config", test_malformed_config);
  g_test_add_func ("/core/bad-input/missing-database-folder", test_missing_database_folder);
  g_test_add_func ("/core/bad-input/not-sqlite", test_not_sqlite);
  g_test_add_func ("/core/bad-input/read-only", test_read_only);
  g_test_add_func ("/core/bad-input/read-only/child", read_only_child);
  g_test_add_func ("/core/bad-input/locked", test_locked);
  g_test_add_func ("/core/bad-input/reader-blocks-commit", test_reader_blocks_commit);
  g_test_add_func ("/core/bad-input/unknown-head", test_unknown_head);
  g_test_add_func ("/core/bad-input/sql-error", test_sql_error);
  g_test_add_func ("/core/bad-input/bad-revisions", test_bad_revisions);

  return g_test_run ();
}
