/* test-migration.c: upgrades, downgrades, failures, cancels and progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"

typedef struct
{
  char          *tmp;
  char          *dir;
  char          *db;
  StrataProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = ct_make_tmp ();
  if (data != NULL)
    f->dir = ct_copy_example (f->tmp);
  else
    {
      f->dir = g_strdup (f->tmp);
      ct_write_config (f->dir);
    }
}

static void
fixture_open (Fixture *f)
{
  g_clear_object (&f->project);
  f->project = ct_open_project (f->dir);
  g_free (f->db);
  f->db = g_file_get_path (strata_project_get_database_file (f->project));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->project);
  ct_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->dir);
  g_free (f->db);
}

static gboolean
run_migration (Fixture          *f,
               StrataDirection   direction,
               const char       *target,
               StrataMigration **out,
               GError          **error)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (f->project, direction, target);
  gboolean ok = strata_migration_run (migration, NULL, error);

  if (out != NULL)
    *out = g_steal_pointer (&migration);
  return ok;
}

/* Five revisions, each creating table tN with one row; @bad_upgrade replaces
 * one of them. */
static void
write_chain (Fixture    *f,
             guint       bad_index,
             const char *bad_upgrade)
{
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);
      g_autofree char *down = i > 1 ? g_strdup_printf ("r%u", i - 1) : NULL;
      g_autofree char *message = g_strdup_printf ("create t%u", i);
      g_autofree char *up = g_strdup_printf ("CREATE TABLE t%u (x);\n"
                                             "INSERT INTO t%u VALUES (%u);\n", i, i, i);
      g_autofree char *downgrade = g_strdup_printf ("DROP TABLE t%u;\n", i);

      ct_write_revision (f->dir, id, down, message, i == bad_index ? bad_upgrade : up, downgrade);
    }
}

/* The example project ---------------------------------------------------------- */

static void
test_upgrade_example (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  GPtrArray *revisions;

  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "8c6e3a0f1b25");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM part"), ==, 8);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                                        "('part', 'supplier', 'part_price', 'part_stock')"), ==, 4);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history WHERE "
                                        "outcome = 'success' AND direction = 'upgrade'"), ==, 9);
  g_assert_cmpint (ct_query_int (f->db, "PRAGMA foreign_keys"), ==, 0);

  /* Every revision now reads as applied, and only the merge as current. */
  graph = strata_project_load_graph (f->project, NULL, &error);
  g_assert_no_error (error);
  status = strata_project_read_status (f->project, NULL, &error);
  g_assert_no_error (error);
  revisions = strata_revision_graph_get_revisions (graph);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      StrataRevisionState state = strata_status_get_state (status, graph, revision);
      gboolean is_merge = g_str_equal (strata_revision_get_id (revision), "8c6e3a0f1b25");

      g_assert_true (state & STRATA_REVISION_STATE_APPLIED);
      g_assert_false (state & (STRATA_REVISION_STATE_PENDING | STRATA_REVISION_STATE_EDITED |
                               STRATA_REVISION_STATE_MISSING));
      g_assert_cmpint (!!(state & STRATA_REVISION_STATE_CURRENT), ==, is_merge);
    }

  /* Nothing left to do is not an error and changes nothing. */
  {
    g_autofree char *before = ct_file_checksum (f->db);
    g_autofree char *after = NULL;

    ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");
    after = ct_file_checksum (f->db);
    g_assert_cmpstr (before, ==, after);
  }
}

static void
test_downgrade_merge (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");

  /* As in Alembic, a relative step down from a merge cannot choose a branch. */
  before = ct_file_checksum (f->db);
  g_assert_false (run_migration (f, STRATA_DIRECTION_DOWNGRADE, "-1", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_TARGET);
  g_assert_true (g_str_has_prefix (error->message, "Ambiguous walk: 8c6e3a0f1b25 is a merge of"));
  after = ct_file_checksum (f->db);
  g_assert_cmpstr (before, ==, after);

  /* Naming where to go steps back over the merge: two heads again. */
  ct_migrate (f->project, STRATA_DIRECTION_DOWNGRADE, "6a4c1e8d9f03");

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "6a4c1e8d9f03,7b5d2f9e0a14");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema "
                                        "WHERE name = 'part_stock'"), ==, 0);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history "
                                        "WHERE direction = 'downgrade'"), ==, 1);

  ct_migrate (f->project, STRATA_DIRECTION_DOWNGRADE, "base");
  g_clear_pointer (&heads, g_free);
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema WHERE name NOT IN "
                                        "('alembic_version', 'strata_history', "
                                        "'strata_history_sql') "
                                        "AND name NOT LIKE 'sqlite_%'"), ==, 0);
}

/* Failures --------------------------------------------------------------------- */

static void
test_failing_statement (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *after_two = NULL;
  g_autofree char *after_failure = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *recorded = NULL;

  /* Line 8 is the first line of the upgrade section; the INSERT is on 11. */
  write_chain (f, 3, "CREATE TABLE t3 (x);\n\n-- the next table does not exist\n"
                     "INSERT INTO nosuch VALUES (1);\n");
  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "r2");
  after_two = ct_dump (f->db);
  ct_migrate (f->project, STRATA_DIRECTION_DOWNGRADE, "base");

  g_assert_false (run_migration (f, STRATA_DIRECTION_UPGRADE, "head", &migration, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  g_assert_nonnull (strstr (error->message, "versions/r3.sql:11: no such table: nosuch"));
  g_assert_nonnull (strstr (error->message, "stays at r2"));
  g_assert_cmpstr (strata_revision_get_id (strata_migration_get_failed_revision (migration)), ==,
                   "r3");
  g_assert_cmpuint (strata_migration_get_failed_line (migration), ==, 11);
  g_assert_nonnull (strstr (strata_migration_get_failed_statement (migration),
                            "INSERT INTO nosuch"));

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r2");
  after_failure = ct_dump (f->db);
  g_assert_cmpstr (after_failure, ==, after_two);

  outcome = ct_query (f->db, "SELECT outcome FROM strata_history ORDER BY id DESC LIMIT 1");
  recorded = ct_query (f->db, "SELECT revision || ' ' || error FROM strata_history "
                              "ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (outcome, ==, "failed");
  g_assert_true (g_str_has_prefix (recorded, "r3 versions/r3.sql:11: "));
}

static void
test_foreign_key_check (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;

  ct_write_revision (f->dir, "r1", NULL, "tables",
                     "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                     "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                     "parent_id INTEGER REFERENCES parent (id));\n",
                     "DROP TABLE child;\nDROP TABLE parent;\n");
  ct_write_revision (f->dir, "r2", "r1", "orphan",
                     "INSERT INTO child VALUES (1, 42);\n", "DELETE FROM child;\n");
  fixture_open (f);

  g_assert_false (run_migration (f, STRATA_DIRECTION_UPGRADE, "head", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY);
  g_assert_nonnull (strstr (error->message, "1 rows of table “child”"));
  g_assert_nonnull (strstr (error->message, "“parent”"));
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r1");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM child"), ==, 0);
}

static void
test_drop_does_not_cascade (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "versions", "r0.sql", NULL);

  /* A section outside any transaction switches enforcement on for the
   * connection; the steps after it must still run without it. */
  g_assert_true (g_file_set_contents (path,
                                      "-- enforce\n--\n-- Revision ID: r0\n-- Revises:\n\n"
                                      "-- migrate:upgrade transaction:false\n"
                                      "PRAGMA foreign_keys = ON;\n\n"
                                      "-- migrate:downgrade\n", -1, NULL));
  ct_write_revision (f->dir, "r1", "r0", "tables",
                     "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
                     "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                     "parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
                     "INSERT INTO parent VALUES (1, 'a');\nINSERT INTO child VALUES (1, 1);\n",
                     "DROP TABLE child;\nDROP TABLE parent;\n");
  /* SQLite's documented way to change a table: build a new one and swap. */
  ct_write_revision (f->dir, "r2", "r1", "rebuild parent",
                     "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                     "INSERT INTO parent_new SELECT * FROM parent;\n"
                     "DROP TABLE parent;\n"
                     "ALTER TABLE parent_new RENAME TO parent;\n",
                     "");
  fixture_open (f);

  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM child"), ==, 1);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM parent"), ==, 1);
}

typedef struct
{
  const char *db;
  gboolean    moved;
} Intruder;

static void
intrude_cb (StrataMigration *migration,
            StrataStep      *step,
            Intruder        *intruder)
{
  sqlite3 *other = NULL;

  /* Between two steps, another process applies r2 behind this run's back. */
  if (intruder->moved)
    return;
  g_assert_cmpint (sqlite3_open (intruder->db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "CREATE TABLE t2 (x); INSERT INTO t2 VALUES ('theirs');"
                                        "UPDATE alembic_version SET version_num = 'r2';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  intruder->moved = TRUE;
}

static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *theirs = NULL;
  Intruder intruder = { NULL, FALSE };

  write_chain (f, 0, NULL);
  fixture_open (f);
  intruder.db = f->db;
  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "head");
  g_signal_connect (migration, "step-finished", G_CALLBACK (intrude_cb), &intruder);

  /* Another process can only get in between two commits; a commit per step
   * lets it in right after r1, rather than after the whole group. */
  strata_migration_set_group_commit_ms (migration, 0);
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "holds r2 where r1 was expected"));
  /* r2 ran once, theirs; this run did not apply it again. */
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r2");
  theirs = ct_query (f->db, "SELECT group_concat(x) FROM t2");
  g_assert_cmpstr (theirs, ==, "theirs");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history "
                                        "WHERE revision = 'r2'"), ==, 0);
}

static void
test_outside_transaction (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "versions", "r2.sql", NULL);
  g_autofree char *mode = NULL;
  g_autofree char *heads = NULL;

  ct_write_revision (f->dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  /* SQLite refuses both inside a transaction. */
  g_assert_true (g_file_set_contents (path,
                                      "-- wal\n--\n-- Revision ID: r2\n-- Revises: r1\n\n"
                                      "-- migrate:upgrade transaction:false\n"
                                      "VACUUM;\nPRAGMA journal_mode = WAL;\n\n"
                                      "-- migrate:downgrade transaction:false\n"
                                      "PRAGMA journal_mode = DELETE;\n", -1, NULL));
  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "head");

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r2");
  mode = ct_query (f->db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (ct_query_int (f->db, "SELECT upgrade_transactional FROM strata_history "
                                        "WHERE revision = 'r2'"), ==, 0);
}

/* Cancelling ------------------------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  GThread      *thread;
} Canceller;

static gpointer
cancel_later (gpointer data)
{
  g_usleep (150 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

static void
statement_cb (StrataMigration *migration,
              GParamSpec      *pspec,
              Canceller       *canceller)
{
  const char *statement = strata_migration_get_statement (migration);

  /* Cancel from another thread once the slow statement is running. */
  if (canceller->thread == NULL && statement != NULL && strstr (statement, "big") != NULL)
    canceller->thread = g_thread_new ("canceller", cancel_later, canceller->cancellable);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *outcome = NULL;
  Canceller canceller = { cancellable, NULL };
  gint64 started;

  ct_write_revision (f->dir, "r1", NULL, "one", "CREATE TABLE t1 (x);\n", "DROP TABLE t1;\n");
  ct_write_revision (f->dir, "r2", "r1", "slow",
                     "CREATE TABLE t2 (x);\n"
                     "CREATE TABLE big AS WITH RECURSIVE c(x) AS "
                     "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c LIMIT 500000000;\n",
                     "DROP TABLE big;\nDROP TABLE t2;\n");
  fixture_open (f);

  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "head");
  g_signal_connect (migration, "notify::statement", G_CALLBACK (statement_cb), &canceller);
  started = g_get_monotonic_time ();
  g_assert_false (strata_migration_run (migration, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (canceller.thread);
  g_thread_join (canceller.thread);
  /* The statement was interrupted, not run to its end. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_TIME_SPAN_SECOND);

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r1");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema "
                                        "WHERE name IN ('t2', 'big')"), ==, 0);
  outcome = ct_query (f->db, "SELECT revision || ' ' || outcome FROM strata_history "
                             "ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (outcome, ==, "r2 cancelled");
}

/* History ---------------------------------------------------------------------- */

static void
test_missing_file_downgrades (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataRevisionGraph) complete = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "versions", "r2.sql", NULL);
  g_autofree char *heads = NULL;
  StrataRevision *missing;

  write_chain (f, 0, NULL);
  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "r2");

  /* As after switching to a git branch that lacks r2 and everything after. */
  for (guint i = 2; i <= 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%u.sql", i);
      g_autofree char *file = g_build_filename (f->dir, "versions", name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }

  graph = strata_project_load_graph (f->project, NULL, &error);
  g_assert_no_error (error);
  status = strata_project_read_status (f->project, NULL, &error);
  g_assert_no_error (error);
  complete = strata_status_complete_graph (status, graph, &error);
  g_assert_no_error (error);
  missing = strata_revision_graph_lookup (complete, "r2");
  g_assert_nonnull (missing);
  g_assert_cmpint (strata_status_get_state (status, complete, missing), ==,
                   STRATA_REVISION_STATE_APPLIED | STRATA_REVISION_STATE_CURRENT |
                   STRATA_REVISION_STATE_MISSING);

  ct_migrate (f->project, STRATA_DIRECTION_DOWNGRADE, "-1");
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r1");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema "
                                        "WHERE name = 't2'"), ==, 0);
}

static void
test_edited_after_apply (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  StrataRevisionState state;

  write_chain (f, 0, NULL);
  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "r2");
  ct_write_revision (f->dir, "r1", NULL, "create t1",
                     "CREATE TABLE t1 (x, y);\nINSERT INTO t1 VALUES (1, 2);\n",
                     "DROP TABLE t1;\n");

  graph = strata_project_load_graph (f->project, NULL, &error);
  g_assert_no_error (error);
  status = strata_project_read_status (f->project, NULL, &error);
  g_assert_no_error (error);
  state = strata_status_get_state (status, graph, strata_revision_graph_lookup (graph, "r1"));
  g_assert_cmpint (state, ==, STRATA_REVISION_STATE_APPLIED | STRATA_REVISION_STATE_EDITED);
  state = strata_status_get_state (status, graph, strata_revision_graph_lookup (graph, "r2"));
  g_assert_cmpint (state, ==, STRATA_REVISION_STATE_APPLIED | STRATA_REVISION_STATE_CURRENT);
  state = strata_status_get_state (status, graph, strata_revision_graph_lookup (graph, "r3"));
  g_assert_cmpint (state, ==, STRATA_REVISION_STATE_PENDING);
}

static void
test_stamp (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *heads = NULL;

  write_chain (f, 0, NULL);
  fixture_open (f);
  ct_migrate (f->project, STRATA_DIRECTION_STAMP, "r3");
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r3");
  /* A stamp runs no SQL. */
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM sqlite_schema "
                                        "WHERE name LIKE 't_'"), ==, 0);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history "
                                        "WHERE direction = 'stamp'"), ==, 1);

  /* Stamping back to base leaves an empty version table, and says so. */
  ct_migrate (f->project, STRATA_DIRECTION_STAMP, "base");
  g_clear_pointer (&heads, g_free);
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history "
                                        "WHERE direction = 'stamp' AND revision = ''"), ==, 1);
}

/* Offline SQL ------------------------------------------------------------------ */

static void
test_render_sql (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  g_autofree char *heads = NULL;
  sqlite3 *db = NULL;

  fixture_open (f);
  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "head");
  script = strata_migration_render_sql (migration, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  g_assert_nonnull (strstr (script, "CREATE TABLE IF NOT EXISTS alembic_version "
                                    "(version_num VARCHAR(32) NOT NULL, CONSTRAINT "
                                    "alembic_version_pkc PRIMARY KEY (version_num));"));
  g_assert_nonnull (strstr (script, "-- Running upgrade  -> 1975ea83b712, "));
  g_assert_nonnull (strstr (script, "BEGIN IMMEDIATE;"));
  g_assert_nonnull (strstr (script, "INSERT INTO strata_history"));
  g_assert_cmpuint (strata_migration_get_n_steps (migration), ==, 9);

  /* Run by hand, the script leaves what a live run leaves. */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, script, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "8c6e3a0f1b25");
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM part"), ==, 8);
  g_assert_cmpint (ct_query_int (f->db, "SELECT count(*) FROM strata_history"), ==, 9);
}

/* A full disk makes SQLite drop the whole transaction, and the steps of the
 * group before the failed one cannot be applied again: the message names
 * where the database really is, once, and the file is as it was before the
 * group. PRAGMA max_page_count, which r5 lowers to the size the database has
 * once it has given back r2's pages, stands in for the full disk: the
 * connection keeps it after the rollback, so r2 no longer fits. */
static void
test_full_disk (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *heads = NULL;
  g_auto(GStrv) claims = NULL;
  StrataRevision *failed;

  ct_write_revision (f->dir, "r1", NULL, "payload", "CREATE TABLE payload (x BLOB);\n",
                     "DROP TABLE payload;\n");
  ct_write_revision (f->dir, "r2", "r1", "fill",
                     "INSERT INTO payload VALUES (randomblob(200000));\n",
                     "DELETE FROM payload;\n");
  ct_write_revision (f->dir, "r3", "r2", "a", "CREATE TABLE a (x);\n", "DROP TABLE a;\n");
  ct_write_revision (f->dir, "r4", "r3", "b", "CREATE TABLE b (x);\n", "DROP TABLE b;\n");
  ct_write_revision (f->dir, "r5", "r4", "full",
                     "DELETE FROM payload;\n"
                     "PRAGMA incremental_vacuum;\n"
                     "PRAGMA max_page_count = 1;\n"
                     "INSERT INTO payload VALUES (randomblob(300000));\n",
                     "SELECT 1;\n");
  fixture_open (f);
  {
    sqlite3 *db = NULL;

    /* Freed pages leave the file at once, so that r5 can shrink it. */
    g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA auto_vacuum = INCREMENTAL; CREATE TABLE keep (x);",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "r1");
  before = ct_file_checksum (f->db);

  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "head");
  /* r2 to r5 in one group. */
  strata_migration_set_group_commit_ms (migration, 600000);
  g_assert_false (strata_migration_run (migration, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "r5.sql:11: database or disk is full"));
  claims = g_strsplit (error->message, "stays at", -1);
  g_assert_cmpuint (g_strv_length (claims), ==, 2);
  g_assert_true (g_str_has_prefix (claims[1], " r1"));
  g_assert_null (strstr (error->message, "r4"));
  failed = strata_migration_get_failed_revision (migration);
  g_assert_nonnull (failed);
  g_assert_cmpstr (strata_revision_get_id (failed), ==, "r5");

  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "r1");
  after = ct_file_checksum (f->db);
  g_assert_cmpstr (after, ==, before);
}

/* strata_history as a user reads it, without the clock's columns. */
static char *
history_rows (const char *db_path)
{
  return ct_query (db_path,
                   "SELECT group_concat(row, char(10)) FROM (SELECT quote(revision) || '|' || "
                   "quote(direction) || '|' || quote(checksum) || '|' || quote(message) || '|' || "
                   "quote(down_revisions) || '|' || quote(branch_labels) || '|' || "
                   "quote(depends_on) || '|' || quote(create_date) || '|' || quote(file) || '|' || "
                   "quote(upgrade_sql) || '|' || quote(downgrade_sql) || '|' || "
                   "upgrade_transactional || '|' || downgrade_transactional || '|' || "
                   "quote(from_heads) || '|' || quote(to_heads) || '|' || quote(outcome) || '|' || "
                   "quote(error) AS row "
                   "FROM strata_history ORDER BY id)");
}

static void
render_and_apply (Fixture         *f,
                  StrataDirection  direction,
                  const char      *target,
                  const char      *script_db)
{
  g_autoptr(StrataMigration) migration = strata_migration_new (f->project, direction, target);
  g_autoptr(GError) error = NULL;
  g_autofree char *script = strata_migration_render_sql (migration, NULL, NULL, &error);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (script_db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, script, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The script's history rows are the live run's, column for column: an
 * upgrade, a stamp of revisions and a stamp to base. */
static void
test_render_sql_history (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *script_db = NULL;
  g_autofree char *live = NULL;
  g_autofree char *scripted = NULL;

  fixture_open (f);
  script_db = g_strconcat (f->db, ".script", NULL);
  render_and_apply (f, STRATA_DIRECTION_UPGRADE, "1975ea83b712", script_db);
  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "1975ea83b712");
  render_and_apply (f, STRATA_DIRECTION_STAMP, "head", script_db);
  ct_migrate (f->project, STRATA_DIRECTION_STAMP, "head");
  render_and_apply (f, STRATA_DIRECTION_STAMP, "base", script_db);
  ct_migrate (f->project, STRATA_DIRECTION_STAMP, "base");

  live = history_rows (f->db);
  scripted = history_rows (script_db);
  g_assert_nonnull (strstr (live, "'1975ea83b712'|'upgrade'|'"));
  g_assert_nonnull (strstr (live, "''|'stamp'|NULL|''"));
  g_assert_cmpstr (scripted, ==, live);
}

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The async twins give what the sync ones give, off the main thread. */
static void
test_async_twins (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_script = NULL;
  g_autofree char *async_script = NULL;
  g_autoptr(GPtrArray) applied = NULL;

  fixture_open (f);
  strata_project_load_graph_async (f->project, NULL, got_result_cb, &result);
  graph = strata_project_load_graph_finish (f->project, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_revision_graph_get_n_revisions (graph), ==, 9);
  g_clear_object (&result);

  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "heads");
  strata_migration_set_graph (migration, graph);
  sync_script = strata_migration_render_sql (migration, NULL, NULL, &error);
  g_assert_no_error (error);
  strata_migration_render_sql_async (migration, NULL, NULL, got_result_cb, &result);
  async_script = strata_migration_render_sql_finish (migration, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sync_script, ==, async_script);
  g_clear_object (&result);

  ct_migrate (f->project, STRATA_DIRECTION_UPGRADE, "heads");
  strata_project_read_status_async (f->project, NULL, got_result_cb, &result);
  status = strata_project_read_status_finish (f->project, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (strata_status_get_database_exists (status));
  g_assert_cmpstrv (strata_status_get_heads (status), ((const char *[]) { "8c6e3a0f1b25", NULL }));
  applied = strata_status_get_applied (status);
  g_assert_cmpuint (applied->len, ==, 9);
}

/* Progress --------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  GPtrArray *finished;
  guint      last_step;
  double     last_fraction;
  guint      notifications;
  gboolean   done;
} Watch;

static void
progress_cb (StrataMigration *migration,
             GParamSpec      *pspec,
             Watch           *watch)
{
  g_assert_true (g_thread_self () == watch->main_thread);
  g_assert_cmpuint (strata_migration_get_step (migration), >=, watch->last_step);
  g_assert_cmpfloat (strata_migration_get_fraction (migration), >=, watch->last_fraction);
  watch->last_step = strata_migration_get_step (migration);
  watch->last_fraction = strata_migration_get_fraction (migration);
  watch->notifications++;
}

static void
step_finished_cb (StrataMigration *migration,
                  StrataStep      *step,
                  Watch           *watch)
{
  g_assert_true (g_thread_self () == watch->main_thread);
  g_assert_true (STRATA_IS_STEP (step));
  g_ptr_array_add (watch->finished, g_object_ref (step));
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_migration_run_finish (STRATA_MIGRATION (object), result, &error));
  g_assert_no_error (error);
  watch->done = TRUE;
  g_main_loop_quit (watch->loop);
}

static void
test_async_progress (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) finished = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *heads = NULL;
  Watch watch = { loop, g_thread_self (), finished };
  GPtrArray *steps;

  fixture_open (f);
  migration = strata_migration_new (f->project, STRATA_DIRECTION_UPGRADE, "heads");
  g_signal_connect (migration, "notify::step", G_CALLBACK (progress_cb), &watch);
  g_signal_connect (migration, "notify::fraction", G_CALLBACK (progress_cb), &watch);
  g_signal_connect (migration, "notify::message", G_CALLBACK (progress_cb), &watch);
  g_signal_connect (migration, "step-finished", G_CALLBACK (step_finished_cb), &watch);
  strata_migration_run_async (migration, NULL, run_done_cb, &watch);
  g_main_loop_run (loop);

  g_assert_true (watch.done);
  steps = strata_migration_get_steps (migration);
  g_assert_nonnull (steps);
  g_assert_cmpuint (steps->len, ==, 9);
  g_assert_cmpuint (strata_migration_get_n_steps (migration), ==, 9);
  g_assert_cmpuint (strata_migration_get_step (migration), ==, 9);
  g_assert_cmpfloat (strata_migration_get_fraction (migration), ==, 1.0);
  g_assert_cmpuint (watch.notifications, >, 0);
  g_assert_cmpuint (finished->len, ==, steps->len);
  for (guint i = 0; i < steps->len; i++)
    g_assert_true (g_ptr_array_index (finished, i) == g_ptr_array_index (steps, i));
  g_assert_nonnull (strstr (strata_migration_get_message (migration), "9 of 9"));
  heads = ct_heads (f->db);
  g_assert_cmpstr (heads, ==, "8c6e3a0f1b25");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, example) \
  g_test_add (path, Fixture, example, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/migration/upgrade-example", test_upgrade_example, "example");
  ADD ("/core/migration/downgrade-merge", test_downgrade_merge, "example");
  ADD ("/core/migration/failing-statement", test_failing_statement, NULL);
  ADD ("/core/migration/foreign-key-check", test_foreign_key_check, NULL);
  ADD ("/core/migration/drop-does-not-cascade", test_drop_does_not_cascade, NULL);
  ADD ("/core/migration/conflict", test_conflict, NULL);
  ADD ("/core/migration/outside-transaction", test_outside_transaction, NULL);
  ADD ("/core/migration/cancel", test_cancel, NULL);
  ADD ("/core/migration/missing-file-downgrades", test_missing_file_downgrades, NULL);
  ADD ("/core/migration/edited-after-apply", test_edited_after_apply, NULL);
  ADD ("/core/migration/stamp", test_stamp, NULL);
  ADD ("/core/migration/full-disk", test_full_disk, NULL);
  ADD ("/core/migration/render-sql", test_render_sql, "example");
  ADD ("/core/migration/render-sql-history", test_render_sql_history, "example");
  ADD ("/core/migration/async-progress", test_async_progress, "example");
  ADD ("/core/migration/async-twins", test_async_twins, "example");

#undef ADD

  return g_test_run ();
}
