/* test-kill-soak.c: kill -9 during a long upgrade, then check the schema
 * against the one a clean run has at that revision
 *
 * The suite runs a few kills; bench/kill-soak.sh runs hundreds with
 * STRATA_SOAK_KILLS and STRATA_SOAK_REVISIONS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <sys/wait.h>

#include "core-test.h"

#define N_SEED 100
#define N_ROWS 500
#define KILL_GROUP_COMMIT_MS "5"

static guint n_revisions = 40;
static guint n_kills = 8;
/* The normalised schema a clean run has after each revision; [0] is before. */
static GPtrArray *expected;

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 100000, &n, NULL))
    return (guint)n;
  return fallback;
}

/* Revision sNNN creates table tNNN with rows, an index on it, and adds one
 * to every seed row; every fifth also adds a column to the seed table. */
static void
write_project (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  sqlite3 *handle = NULL;

  ct_write_config (dir);
  for (guint i = 1; i <= n_revisions; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%04u", i);
      g_autofree char *down = i > 1 ? g_strdup_printf ("s%04u", i - 1) : NULL;
      g_autofree char *extra = i % 5 == 0 ? g_strdup_printf ("ALTER TABLE seed ADD COLUMN c%04u "
                                                             "TEXT DEFAULT 'x';\n", i)
                                          : g_strdup ("");
      g_autofree char *undo = i % 5 == 0 ? g_strdup_printf ("ALTER TABLE seed DROP COLUMN "
                                                            "c%04u;\n", i)
                                         : g_strdup ("");
      g_autofree char *up =
        g_strdup_printf ("CREATE TABLE t%04u (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
                         "INSERT INTO t%04u (v) WITH RECURSIVE c(x) AS "
                         "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT %d) "
                         "SELECT hex(randomblob(48)) FROM c;\n"
                         "CREATE INDEX t%04u_v ON t%04u (v);\n"
                         "UPDATE seed SET n = n + 1;\n%s", i, i, N_ROWS, i, i, extra);
      g_autofree char *downgrade = g_strdup_printf ("%sUPDATE seed SET n = n - 1;\n"
                                                    "DROP TABLE t%04u;\n", undo, i);
      ct_write_revision (dir, id, down, id, up, downgrade);
    }

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "CREATE TABLE seed (id INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
                                 " payload TEXT NOT NULL);"
                                 "INSERT INTO seed (n, payload) WITH RECURSIVE c(x) AS "
                                 "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) "
                                 "SELECT 0, 'row ' || x FROM c;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

static char *
schema_of (const char *db)
{
  g_autoptr(GFile) file = g_file_new_for_path (db);
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSchemaSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  database = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  snapshot = strata_schema_snapshot_read (database, NULL, &error);
  g_assert_no_error (error);
  return strata_schema_snapshot_to_sql (snapshot);
}

static void
record_cb (StrataMigration *migration,
           StrataStep      *step,
           const char      *db)
{
  g_ptr_array_add (expected, schema_of (db));
}

/* The schema after each revision of a clean run, and how long the run takes. */
static void
rehearse_schemas (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;

  write_project (dir);
  expected = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (expected, schema_of (db));
  project = ct_open_project (dir);
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "head");
  g_signal_connect (migration, "step-finished", G_CALLBACK (record_cb), db);
  /* A commit per step, so that each report finds the schema of its own
   * revision, not that of the last one of its group. The killed runs keep
   * grouping. */
  strata_migration_set_group_commit_ms (migration, 0);
  g_assert_true (strata_migration_run (migration, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, n_revisions + 1);
  ct_remove_tree (dir);
}

static GPid
spawn_helper (const char *dir)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *folder = g_path_get_dirname (self);
  g_autofree char *helper = g_build_filename (folder, "strata-kill-helper", NULL);
  const char *argv[] = { helper, dir, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

/* Integrity, the version table against the schema of that revision, and
 * every seed row there with its data. Returns how many revisions landed. */
static guint
check (const char *db)
{
  g_autofree char *integrity = ct_query (db, "PRAGMA integrity_check");
  g_autofree char *schema = NULL;
  guint landed = 0;

  g_assert_cmpstr (integrity, ==, "ok");
  if (ct_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'alembic_version'") > 0)
    {
      g_autofree char *heads = ct_heads (db);
      if (heads[0] != '\0')
        landed = (guint)g_ascii_strtoull (heads + 1, NULL, 10);
    }
  schema = schema_of (db);
  /* Before the first commit there is no version table, and nothing else changed. */
  g_assert_cmpstr (schema, ==, g_ptr_array_index (expected, landed));
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM seed"), ==, N_SEED);
  g_assert_cmpint (ct_query_int (db, "SELECT min(n) FROM seed"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT max(n) FROM seed"), ==, landed);
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM seed WHERE payload = "
                                     "'row ' || id"), ==, N_SEED);
  if (landed > 0)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM t%04u", landed);
      g_assert_cmpint (ct_query_int (db, sql), ==, N_ROWS);
    }
  return landed;
}

/* How long the helper takes for the whole upgrade, start-up included: the
 * fastest of three, so that most kills land inside a run. */
static gint64
time_helper (void)
{
  gint64 fastest = G_MAXINT64;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *dir = ct_make_tmp ();
      gint64 started;

      write_project (dir);
      started = g_get_monotonic_time ();
      waitpid (spawn_helper (dir), NULL, 0);
      fastest = MIN (fastest, g_get_monotonic_time () - started);
      ct_remove_tree (dir);
    }
  return fastest;
}

static void
test_soak (void)
{
  gint64 duration;
  guint interrupted = 0;
  guint mid_run = 0;

  rehearse_schemas ();
  /* The killed runs group their steps for a few milliseconds instead of
   * 200, so that a run this short has many commits to kill around, with
   * several steps in each; a kill finds the same at any budget: a group
   * committed whole or not at all. */
  g_setenv ("STRATA_GROUP_COMMIT_MS", KILL_GROUP_COMMIT_MS, TRUE);
  duration = time_helper ();

  g_test_message ("an upgrade of %u revisions in a process of its own takes %" G_GINT64_FORMAT
                  " ms",
                  n_revisions, duration / 1000);
  for (guint i = 0; i < n_kills; i++)
    {
      g_autofree char *dir = ct_make_tmp ();
      g_autofree char *db = g_build_filename (dir, "test.db", NULL);
      g_autoptr(StrataProject) project = NULL;
      /* A random commit to wait for, then a random part of one step's time. */
      guint commits = g_test_rand_int_range (0, n_revisions);
      gint64 per_step = MAX (duration / n_revisions, 1);
      gint64 delay = g_test_rand_int_range (0, (gint32)MIN (per_step, G_MAXINT32));
      guint landed;

      write_project (dir);
      ct_kill_helper_after (dir, commits, delay);

      landed = check (db);
      interrupted += landed < n_revisions;
      mid_run += landed > 0 && landed < n_revisions;
      g_test_message ("kill %u, %" G_GINT64_FORMAT " µs after commit %u: at revision %u of %u",
                      i + 1, delay, commits, landed, n_revisions);
      g_assert_cmpuint (landed, >=, commits);

      project = ct_open_project (dir);
      ct_migrate (project, STRATA_DIRECTION_UPGRADE, "head");
      g_assert_cmpuint (check (db), ==, n_revisions);
      ct_remove_tree (dir);
    }
  g_test_message ("%u kills: %u interrupted the run (%u after its first commit), "
                  "every one at a revision boundary with no seed row lost",
                  n_kills, interrupted, mid_run);
  g_assert_cmpuint (interrupted, >=, n_kills / 2);
  g_unsetenv ("STRATA_GROUP_COMMIT_MS");
  g_clear_pointer (&expected, g_ptr_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  n_revisions = env_uint ("STRATA_SOAK_REVISIONS", n_revisions);
  n_kills = env_uint ("STRATA_SOAK_KILLS", n_kills);
  g_test_add_func ("/core/kill/soak", test_soak);
  return g_test_run ();
}
