/* test-kill.c: kill -9 at any moment leaves the database at a revision boundary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sys/wait.h>

#include "core-test.h"

#define N_REVISIONS 60
#define N_SEED      100
#define N_ROWS      3000
#define N_KILLS     12
/* The killed runs group their steps for a few milliseconds instead of 200,
 * so that a run this short has many commits to kill around, with several
 * steps in each; a kill finds the same at any budget: a group committed whole
 * or not at all. */
#define KILL_GROUP_COMMIT_MS "5"

/* Revision kNNN creates table tNNN with N_ROWS rows and adds one to every
 * seed row, so the schema, the data and the version table all say how many
 * revisions landed. */
static void
write_project (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  sqlite3 *handle = NULL;

  ct_write_config (dir);
  for (guint i = 1; i <= N_REVISIONS; i++)
    {
      g_autofree char *id = g_strdup_printf ("k%03u", i);
      g_autofree char *down = i > 1 ? g_strdup_printf ("k%03u", i - 1) : NULL;
      g_autofree char *up =
        g_strdup_printf ("CREATE TABLE t%03u (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
                         "INSERT INTO t%03u (v) WITH RECURSIVE c(x) AS "
                         "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT %d) "
                         "SELECT hex(randomblob(64)) FROM c;\n"
                         "UPDATE seed SET n = n + 1;\n", i, i, N_ROWS);
      g_autofree char *downgrade = g_strdup_printf ("UPDATE seed SET n = n - 1;\n"
                                                    "DROP TABLE t%03u;\n", i);
      ct_write_revision (dir, id, down, id, up, downgrade);
    }

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "CREATE TABLE seed (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                                 "INSERT INTO seed (n) WITH RECURSIVE c(x) AS "
                                 "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) "
                                 "SELECT 0 FROM c;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

static char *
helper_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  g_assert_nonnull (self);
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, "strata-kill-helper", NULL);
}

static GPid
spawn_helper (const char *dir)
{
  g_autofree char *helper = helper_path ();
  const char *argv[] = { helper, dir, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static int
wait_helper (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

/* Returns how many revisions landed, after checking that everything agrees. */
static guint
check_boundary (const char *db)
{
  g_autofree char *integrity = ct_query (db, "PRAGMA integrity_check");
  g_autofree char *heads = NULL;
  guint landed = 0;

  g_assert_cmpstr (integrity, ==, "ok");
  if (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'alembic_version'") > 0)
    {
      heads = ct_heads (db);
      if (heads[0] != '\0')
        landed = (guint)g_ascii_strtoull (heads + 1, NULL, 10);
    }

  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                                     "AND name GLOB 't[0-9][0-9][0-9]'"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM seed"), ==, N_SEED);
  g_assert_cmpint (ct_query_int (db, "SELECT min(n) FROM seed"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT max(n) FROM seed"), ==, landed);
  if (landed > 0)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM t%03u", landed);
      g_assert_cmpint (ct_query_int (db, sql), ==, N_ROWS);
    }
  return landed;
}

static gint64
time_full_run (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  gint64 started;
  int status;

  write_project (dir);
  started = g_get_monotonic_time ();
  status = wait_helper (spawn_helper (dir));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpuint (check_boundary (db), ==, N_REVISIONS);
  ct_remove_tree (dir);
  return g_get_monotonic_time () - started;
}

static void
test_kill (void)
{
  gint64 duration;
  guint interrupted = 0;

  g_setenv ("STRATA_GROUP_COMMIT_MS", KILL_GROUP_COMMIT_MS, TRUE);
  duration = time_full_run ();

  g_test_message ("a full upgrade of %d revisions takes %" G_GINT64_FORMAT " ms",
                  N_REVISIONS, duration / 1000);

  for (guint i = 0; i < N_KILLS; i++)
    {
      g_autofree char *dir = ct_make_tmp ();
      g_autofree char *db = g_build_filename (dir, "test.db", NULL);
      g_autoptr(StrataProject) project = NULL;
      g_autoptr(StrataStatus) status = NULL;
      g_autoptr(GError) error = NULL;
      /* A random commit to wait for, then a random part of one step's time. */
      guint commits = g_test_rand_int_range (0, N_REVISIONS);
      gint64 per_step = MAX (duration / N_REVISIONS, 1);
      gint64 delay = g_test_rand_int_range (0, (gint32)MIN (per_step, G_MAXINT32));
      guint landed;

      write_project (dir);
      ct_kill_helper_after (dir, commits, delay);

      /* Reading the status right after the crash (a hot journal may be
       * there) works, and agrees with the file. */
      project = ct_open_project (dir);
      status = strata_project_read_status (project, NULL, &error);
      g_assert_no_error (error);

      landed = check_boundary (db);
      if (landed < N_REVISIONS)
        interrupted++;
      g_test_message ("killed %" G_GINT64_FORMAT " µs after commit %u: at revision %u",
                      delay, commits, landed);
      g_assert_cmpuint (landed, >=, commits);

      ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
      g_assert_cmpuint (check_boundary (db), ==, N_REVISIONS);
      ct_remove_tree (dir);
    }

  /* Most kills must land inside the run, or the test proved little. */
  g_assert_cmpuint (interrupted, >=, N_KILLS / 2);
  g_unsetenv ("STRATA_GROUP_COMMIT_MS");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/kill/at-random-points", test_kill);
  return g_test_run ();
}
