/* test-engine.c: one step engine. A live run, a rehearsal and the schema
 * replay read every section alike, and transaction control inside a
 * transactional section is refused before any of it runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "core-test.h"
#include "strata-schema-replay-private.h"

/* The upgrade section of versions/r1.sql starts on this line. */
#define FIRST_LINE 8

typedef struct
{
  const char *upgrade;
  gboolean    transactional;
  guint       failed_line; /* 0: the section runs */
  gboolean    refused;     /* transaction control: nothing of it may have run */
} Case;

static const Case corpus[] = {
  /* The runner's own savepoint, in every spelling SQLite accepts. */
  { "CREATE TABLE a (x);\nRELEASE strata_revision;\nCREATE TABLE b (x);\nSELECT * FROM nowhere;",
    TRUE, FIRST_LINE + 1, TRUE },
  { "CREATE TABLE a (x);\nROLLBACK To sp;\n", TRUE, FIRST_LINE + 1, TRUE },
  { "CREATE TABLE a (x);\nROLLBACK TO\nsp;\n", TRUE, FIRST_LINE + 1, TRUE },
  { "CREATE TABLE a (x); savepoint x; CREATE TABLE b (x); release x;", TRUE, FIRST_LINE, TRUE },
  { "  /* why; */ -- because;\n begin;\nCREATE TABLE a (x);", TRUE, FIRST_LINE + 1, TRUE },
  { "CREATE TABLE a (x);\n\nend transaction;", TRUE, FIRST_LINE + 2, TRUE },
  { "CREATE TABLE a (x);\nCOMMIT;", TRUE, FIRST_LINE + 1, TRUE },
  { "CREATE TABLE a (x);\nRollback;", TRUE, FIRST_LINE + 1, TRUE },
  /* Words that only look like transaction control. */
  { "CREATE TABLE a (x, note TEXT);\n"
    "INSERT INTO a VALUES (1, 'BEGIN; COMMIT;\nROLLBACK TO x;');\n"
    "CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN\n"
    "  UPDATE a SET note = CASE WHEN new.x > 1 THEN 'big;' ELSE 'end' END WHERE x = new.x;\n"
    "  SELECT CASE new.x WHEN 1 THEN 1 END;\n"
    "END;\n"
    "INSERT INTO a VALUES (2, NULL); -- END;\n"
    "/* ROLLBACK; */ SELECT \"end\" FROM (SELECT 1 AS \"end\");",
    TRUE, 0, FALSE },
  /* Failures name the line of their statement in the file. */
  { "CREATE TABLE a (x);\n\n\nINSERT INTO a VALUES ('x;\ny');\nINSERT INTO nowhere VALUES (1);",
    TRUE, FIRST_LINE + 5, FALSE },
  { "SELECT CASE WHEN 1 THEN 'END;' END;\nCREATE TABLE t (x);\n"
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  SELECT CASE new.x WHEN 1 THEN 1 END;\nEND;\n"
    "INSERT INTO t VALUES (1);\nSELEC 1;",
    TRUE, FIRST_LINE + 6, FALSE },
  /* Outside a transaction, a section may manage its own. */
  { "BEGIN;\nCREATE TABLE a (x);\nCOMMIT;\nSAVEPOINT s;\nRELEASE s;", FALSE, 0, FALSE },
};

/* Line ends as Windows editors write them, throughout the file. */
static char *
crlf (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ("\r\n", lines);
}

static char *
write_project_full (const Case *c,
                    gboolean    windows)
{
  char *dir = ct_make_tmp ();
  g_autofree char *path = g_build_filename (dir, "versions", "r1.sql", NULL);
  g_autofree char *text = NULL;

  ct_write_config (dir);
  ct_write_revision (dir, "r0", NULL, "keep", "CREATE TABLE keep (x);\nINSERT INTO keep VALUES (1);",
                     "DROP TABLE keep;");
  /* As ct_write_revision() writes it, so that the section starts on FIRST_LINE. */
  text = g_strdup_printf ("-- case\n--\n-- Revision ID: r1\n-- Revises: r0\n"
                          "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
                          "-- migrate:upgrade%s\n%s\n-- migrate:downgrade%s\n"
                          "DROP TABLE IF EXISTS a; DROP TABLE IF EXISTS b; DROP TABLE IF EXISTS t;\n",
                          c->transactional ? "" : " transaction:false", c->upgrade,
                          c->transactional ? "" : " transaction:false");
  if (windows)
    {
      g_autofree char *unix_text = g_steal_pointer (&text);

      text = crlf (unix_text);
    }
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return dir;
}

static char *
write_project (const Case *c)
{
  return write_project_full (c, FALSE);
}

/* The live run: the line it failed at (0 when it did not), and what it said. */
static guint
run_live (const Case  *c,
          char       **message)
{
  g_autofree char *dir = write_project (c);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint line = 0;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r0");
  before = ct_dump (db);

  /* The offline script refuses what the run refuses, at the same line. */
  if (c->refused)
    {
      g_autoptr(StrataMigration) render = strata_migration_new (project,
                                                                STRATA_DIRECTION_UPGRADE, "r1");
      g_autofree char *where = g_strdup_printf ("versions/r1.sql:%u: ", c->failed_line);
      g_autofree char *script = strata_migration_render_sql (render, NULL, NULL,
                                                                   &error);

      g_assert_null (script);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
      g_assert_nonnull (strstr (error->message, where));
      g_clear_error (&error);
    }
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "r1");
  if (!strata_migration_run (migration, NULL, &error))
    {
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
      line = strata_migration_get_failed_line (migration);
      *message = g_strdup (error->message);
      /* All or nothing: a transactional section leaves no trace but its
       * failure in strata_history. */
      after = ct_dump (db);
      if (c->transactional)
        g_assert_cmpstr (after, ==, before);
    }
  ct_remove_tree (dir);
  return line;
}

/* The rehearsal: the line of the first statement it found failing. */
static guint
run_rehearsal (const Case  *c,
               char       **message)
{
  g_autofree char *dir = write_project (c);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataRehearsal) rehearsal = strata_rehearsal_new (project, "heads");
  g_autoptr(GError) error = NULL;
  GPtrArray *findings;
  guint line = 0;

  g_assert_true (strata_rehearsal_run (rehearsal, NULL, &error));
  g_assert_no_error (error);
  findings = strata_rehearsal_get_findings (rehearsal);
  for (guint i = 0; line == 0 && i < findings->len; i++)
    {
      StrataRehearsalFinding *finding = g_ptr_array_index (findings, i);

      if (finding->problem == STRATA_REHEARSAL_STATEMENT_FAILED &&
          finding->direction == STRATA_DIRECTION_UPGRADE)
        {
          line = finding->line;
          *message = g_strdup (finding->message);
        }
    }
  ct_remove_tree (dir);
  return line;
}

static void
test_agree (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *live_message = NULL;
  g_autofree char *rehearsal_message = NULL;
  guint live = run_live (c, &live_message);
  guint rehearsed = run_rehearsal (c, &rehearsal_message);

  g_test_message ("live: %u %s; rehearsal: %u %s", live, live_message, rehearsed,
                  rehearsal_message);
  g_assert_cmpuint (live, ==, c->failed_line);
  g_assert_cmpuint (rehearsed, ==, c->failed_line);
  if (c->refused)
    {
      g_autofree char *where = g_strdup_printf ("versions/r1.sql:%u: ", c->failed_line);

      g_assert_nonnull (strstr (live_message, where));
      g_assert_nonnull (strstr (live_message, "transaction:false"));
      g_assert_nonnull (strstr (rehearsal_message, "transaction:false"));
    }
}

/* The line of the last of 20,000 statements is counted as the run goes,
 * and still right. */
static void
test_many_statements (void)
{
  g_autoptr(GString) sql = g_string_new ("CREATE TABLE many (n INTEGER);\n");
  g_autofree char *message = NULL;
  Case c = { NULL, TRUE, 0, FALSE };

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (sql, "INSERT INTO many VALUES (%u);\n", i);
  g_string_append (sql, "INSERT INTO many VALUES (1, 2);");
  c.upgrade = sql->str;
  g_assert_cmpuint (run_live (&c, &message), ==, FIRST_LINE + 20001);
  g_assert_nonnull (strstr (message, "versions/r1.sql:20009: "));
}

/* The schema-only replay (lint, autogenerate, the editor's check) ------------- */

/* A section a statement cutter of its own would cut wrongly somewhere: a
 * comment holding ';' before a statement, a string holding ';', a line
 * end and "--", a trigger whose body holds ';' and "END;" in a string, a
 * view with ';' in a string and a comment after it. */
static const char * const tricky_lines[] = {
  "-- a comment; with a semicolon",
  "CREATE TABLE a (x, note TEXT);",
  "CREATE TABLE log (x, what TEXT);",
  "INSERT INTO a VALUES (1, 'x;",
  "-- not a comment;",
  "y');",
  "/* a; b */ CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN",
  "  UPDATE a SET note = 'END;' WHERE x = new.x;",
  "  INSERT INTO log VALUES (new.x, ';');",
  "END;",
  "CREATE VIEW v AS SELECT x, ';' AS semi FROM a; -- a view;",
  "CREATE INDEX a_x ON a (x);",
  NULL
};

/* Where a failing statement goes, before which line of tricky_lines: after
 * the comment, the multi-line string, the trigger, the view, and at the end;
 * G_MAXUINT for none. */
static const guint failing_at[] = { 2, 3, 6, 10, 11, 12, G_MAXUINT };

/* The tricky section with a failing statement put before line @at (counted
 * from 0), or at its end. */
static char *
tricky_section (guint at)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (guint i = 0; tricky_lines[i] != NULL; i++)
    {
      if (i == at)
        g_string_append (sql, "CREATE TABLE a (again);\n");
      g_string_append_printf (sql, "%s\n", tricky_lines[i]);
    }
  if (at == g_strv_length ((GStrv)tricky_lines))
    g_string_append (sql, "CREATE TABLE a (again);\n");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* What the section's statements made, as SQLite keeps their text. */
static char *
schema_text (sqlite3 *db)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_master "
                                           "WHERE name IN ('a', 'log', 'a_ai', 'v', 'a_x') "
                                           "ORDER BY name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s %s: %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The replay of r1's upgrade: the schema it left, and its failure. */
static char *
replay (const char  *dir,
        char       **message)
{
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  StrataRevision *revision;

  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  revision = strata_revision_graph_lookup (graph, "r1");
  database = strata_database_open_memory (&error);
  g_assert_no_error (error);
  if (!_strata_schema_replay_exec (database,
                                   strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE),
                                   strata_revision_get_display_path (revision),
                                   strata_revision_get_sql_line (revision,
                                                                 STRATA_DIRECTION_UPGRADE),
                                   FALSE, &error))
    {
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
      *message = g_strdup (error->message);
    }
  return schema_text (strata_database_get_handle (database));
}

/* The live run's schema, after it went to r1. */
static char *
live_schema (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  sqlite3 *db = NULL;
  char *schema;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  schema = schema_text (db);
  sqlite3_close (db);
  return schema;
}

/* The replay and the live run cut a section into the same statements (the
 * objects they create hold the same text) and name the same file line for
 * a failure, with Unix and Windows line ends. */
static void
test_replay_agrees (gconstpointer data)
{
  gboolean windows = GPOINTER_TO_INT (data);

  for (guint i = 0; i < G_N_ELEMENTS (failing_at); i++)
    {
      guint at = failing_at[i];
      g_autofree char *sql = tricky_section (at);
      Case c = { sql, TRUE, at != G_MAXUINT ? FIRST_LINE + at : 0, FALSE };
      g_autofree char *dir = write_project_full (&c, windows);
      g_autofree char *live_message = NULL;
      g_autofree char *replay_message = NULL;
      g_autofree char *replayed = replay (dir, &replay_message);
      g_autoptr(StrataProject) project = ct_open_project (dir);
      g_autoptr(StrataMigration) migration = strata_migration_new (project,
                                                                   STRATA_DIRECTION_UPGRADE,
                                                                   "r1");
      g_autoptr(GError) error = NULL;

      g_test_message ("failing statement at %u: replay says %s", at, replay_message);
      if (at == G_MAXUINT)
        {
          g_autofree char *live = NULL;

          g_assert_true (strata_migration_run (migration, NULL, &error));
          g_assert_no_error (error);
          live = live_schema (dir);
          g_assert_nonnull (strstr (live, "trigger a_ai: "));
          g_assert_nonnull (strstr (live, "'END;'"));
          g_assert_null (replay_message);
          g_assert_cmpstr (replayed, ==, live);
        }
      else
        {
          g_autofree char *where = g_strdup_printf ("versions/r1.sql:%u: ", c.failed_line);

          g_assert_false (strata_migration_run (migration, NULL, &error));
          g_assert_cmpuint (strata_migration_get_failed_line (migration), ==, c.failed_line);
          g_assert_nonnull (strstr (error->message, where));
          g_assert_nonnull (replay_message);
          g_assert_true (g_str_has_prefix (replay_message, where));
          g_assert_nonnull (strstr (replay_message, "already exists"));
        }
      ct_remove_tree (dir);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/engine/live-and-rehearsal-agree/%u", i);
      g_test_add_data_func (path, &corpus[i], test_agree);
    }
  g_test_add_func ("/core/engine/many-statements", test_many_statements);
  g_test_add_data_func ("/core/engine/replay-agrees/unix", GINT_TO_POINTER (FALSE),
                        test_replay_agrees);
  g_test_add_data_func ("/core/engine/replay-agrees/windows", GINT_TO_POINTER (TRUE),
                        test_replay_agrees);
  return g_test_run ();
}
