/* test-schema-replay.c: the schema-only replay builds what a real upgrade
 * builds, and lint over a whole graph finds what lint revision by revision
 * finds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <strata.h>

#include "core-test.h"
#include "strata-schema-replay-private.h"

/* For revisions whose empty downgrade is beside the point of a test. */
#define NO_DOWNGRADE "-- strata:no-downgrade\n"

static int
compare_cb (gconstpointer a,
            gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The schema's objects, sorted: two branches upgraded in another order
 * create the same objects in another order, and that is the same schema. */
static char *
schema_of (StrataDatabase *database,
           StrataProject  *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchemaSnapshot) snapshot = strata_schema_snapshot_read (database, NULL, &error);
  g_autofree char *sql = NULL;
  g_auto(GStrv) objects = NULL;

  g_assert_no_error (error);
  if (project != NULL)
    strata_schema_snapshot_exclude (snapshot, strata_project_get_version_table (project));
  strata_schema_snapshot_exclude (snapshot, "strata_history");
  sql = strata_schema_snapshot_to_sql (snapshot);
  objects = g_strsplit (sql, "\n\n", -1);
  qsort (objects, g_strv_length (objects), sizeof (char *), compare_cb);
  return g_strjoinv ("\n\n", objects);
}

/* Upgrades the project's own database to heads for real, rows and all. */
static char *
upgraded_schema (StrataProject *project)
{
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "heads");
  database = strata_database_open (strata_project_get_database_file (project),
                                   STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  g_assert_no_error (error);
  return schema_of (database, project);
}

static GStrv
head_ids (StrataRevisionGraph *graph)
{
  g_autoptr(GPtrArray) heads = strata_revision_graph_get_heads (graph);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (heads, i)));
  return g_strv_builder_end (builder);
}

/* Walks the graph as lint does. At each revision the walk's schema must be
 * the one a replay from nothing gives; at the end, with one head, the
 * walk holds the head's schema. */
static char *
walk_schema (StrataRevisionGraph *graph)
{
  g_autoptr(StrataSchemaReplay) walk = strata_schema_replay_new (graph);
  g_autoptr(StrataSchemaReplay) fresh = strata_schema_replay_new (graph);
  GPtrArray *revisions = strata_revision_graph_get_revisions (graph);
  StrataDatabase *database = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      g_autoptr(StrataDatabase) expected = NULL;
      g_autofree char *expected_sql = NULL;
      g_autofree char *walk_sql = NULL;

      database = _strata_schema_replay_seek (walk, revision, NULL, &error);
      g_assert_no_error (error);
      expected = strata_schema_replay_open (fresh, strata_revision_get_down_revisions (revision),
                                            NULL, &error);
      g_assert_no_error (error);
      expected_sql = schema_of (expected, NULL);
      walk_sql = schema_of (database, NULL);
      g_test_message ("before %s", strata_revision_get_id (revision));
      g_assert_cmpstr (walk_sql, ==, expected_sql);
      _strata_schema_replay_advance (walk, revision);
    }
  return schema_of (database, NULL);
}

static void
test_example_project (void)
{
  g_autofree char *tmp = ct_make_tmp ();
  g_autofree char *dir = ct_copy_example (tmp);
  g_autoptr(StrataProject) project = ct_open_project (dir);
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  g_autoptr(StrataDatabase) replayed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *upgraded = NULL;
  g_autofree char *open_sql = NULL;
  g_autofree char *walked = NULL;
  g_autofree char *head_sql = NULL;

  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  heads = head_ids (graph);
  g_assert_cmpuint (g_strv_length (heads), ==, 1);

  upgraded = upgraded_schema (project);
  replay = strata_schema_replay_new (graph);
  replayed = strata_schema_replay_open (replay, (const char * const *)heads, NULL, &error);
  g_assert_no_error (error);
  open_sql = schema_of (replayed, NULL);
  walked = walk_schema (graph);
  head_sql = strata_autogen_replay_head (project, graph, NULL, &error);
  g_assert_no_error (error);
  {
    g_auto(GStrv) objects = g_strsplit (head_sql, "\n\n", -1);

    qsort (objects, g_strv_length (objects), sizeof (char *), compare_cb);
    g_free (head_sql);
    head_sql = g_strjoinv ("\n\n", objects);
  }

  g_assert_nonnull (strstr (upgraded, "CREATE TABLE"));
  g_assert_cmpstr (open_sql, ==, upgraded);
  g_assert_cmpstr (walked, ==, upgraded);
  g_assert_cmpstr (head_sql, ==, upgraded);
  ct_remove_tree (tmp);
}

/* A base, two branches that insert rows and change tables, a merge, and a
 * rebuild after it: the branch point is left and come back to, and the
 * merge is replayed from its ancestors. */
static void
write_branched (const char *dir)
{
  ct_write_config (dir);
  ct_write_revision (dir, "base0001", NULL, "base",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                     "INSERT INTO part (name) VALUES ('bolt'), ('nut');\n", "DROP TABLE part;\n");
  ct_write_revision (dir, "a0000002", "base0001", "a1",
                     "CREATE TABLE stock (id INTEGER PRIMARY KEY, part_id INTEGER "
                     "REFERENCES part (id), count INTEGER);\n"
                     "INSERT INTO stock (part_id, count) SELECT id, 3 FROM part;\n",
                     "DROP TABLE stock;\n");
  ct_write_revision (dir, "a0000003", "a0000002", "a2",
                     "ALTER TABLE stock ADD COLUMN shelf TEXT NOT NULL DEFAULT 'A1';\n"
                     "CREATE INDEX ix_stock_shelf ON stock (shelf);\n"
                     "UPDATE stock SET shelf = 'B' || id;\n",
                     "DROP INDEX ix_stock_shelf;\nALTER TABLE stock DROP COLUMN shelf;\n");
  ct_write_revision (dir, "b0000002", "base0001", "b1",
                     "ALTER TABLE part RENAME COLUMN name TO title;\n"
                     "CREATE TABLE vendor (id INTEGER PRIMARY KEY, name TEXT);\n"
                     "INSERT INTO vendor (name) VALUES ('acme');\n",
                     "DROP TABLE vendor;\nALTER TABLE part RENAME COLUMN title TO name;\n");
  ct_write_revision (dir, "b0000003", "b0000002", "b2",
                     "CREATE VIEW v_part AS SELECT id, title FROM part;\n"
                     "CREATE TRIGGER tr_vendor AFTER INSERT ON vendor BEGIN\n"
                     "  UPDATE vendor SET name = upper(NEW.name) WHERE id = NEW.id;\nEND;\n",
                     "DROP TRIGGER tr_vendor;\nDROP VIEW v_part;\n");
  ct_write_revision (dir, "c0000004", "a0000003, b0000003", "merge",
                     "CREATE VIEW v_stock AS SELECT s.id, p.title, s.shelf FROM stock AS s "
                     "JOIN part AS p ON p.id = s.part_id;\n", "DROP VIEW v_stock;\n");
  ct_write_revision (dir, "c0000005", "c0000004", "rebuild",
                     "CREATE TABLE new_vendor (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
                     "DEFAULT '');\n"
                     "INSERT INTO new_vendor (id, name) SELECT id, coalesce(name, '') FROM vendor;\n"
                     "DROP TABLE vendor;\nALTER TABLE new_vendor RENAME TO vendor;\n",
                     "SELECT 1;\n");
  ct_write_revision (dir, "d0000003", "b0000002", "side",
                     "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);\n",
                     "DROP TABLE note;\n");
}

static void
test_branched_project (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  g_autoptr(StrataDatabase) replayed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *upgraded = NULL;
  g_autofree char *open_sql = NULL;
  g_autofree char *walked = NULL;

  write_branched (dir);
  project = ct_open_project (dir);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  heads = head_ids (graph);
  g_assert_cmpuint (g_strv_length (heads), ==, 2);

  upgraded = upgraded_schema (project);
  replay = strata_schema_replay_new (graph);
  replayed = strata_schema_replay_open (replay, (const char * const *)heads, NULL, &error);
  g_assert_no_error (error);
  open_sql = schema_of (replayed, NULL);
  g_assert_nonnull (strstr (upgraded, "v_stock"));
  g_assert_nonnull (strstr (upgraded, "note"));
  g_assert_cmpstr (open_sql, ==, upgraded);
  /* The walk checks itself at every revision on the way. */
  walked = walk_schema (graph);
  g_assert_nonnull (strstr (walked, "note"));
  ct_remove_tree (dir);
}

static char *
joined_warnings (GPtrArray *warnings)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < warnings->len; i++)
    {
      g_autofree char *line = strata_lint_warning_to_string (g_ptr_array_index (warnings, i));
      g_string_append_printf (text, "%s\n", line);
    }
  return g_string_free (text, FALSE);
}

/* Lint over the graph in one walk says what lint of each revision on its
 * own says, in the same order: problems before and after a branch point, in
 * a merge, and after an ancestor SQLite refuses. */
static void
test_lint_graph_matches_each (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(GPtrArray) walked = NULL;
  g_autoptr(GString) each = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *walked_text = NULL;
  GPtrArray *revisions;

  write_branched (dir);
  /* The SQL starts on line 8 of these files. */
  ct_write_revision (dir, "e0000004", "a0000003", "problems",
                     "DROP TABLE part;\n"                                     /* 8: data loss */
                     "ALTER TABLE stock DROP COLUMN shelf;\n"                 /* 9: refused */
                     "INSERT INTO vendor (name) VALUES ('x');\n"              /* 10: no vendor */
                     "ALTER TABLE stock ADD COLUMN must INTEGER NOT NULL;\n", /* 11 */
                     "CREATE TABLE part (id INTEGER PRIMARY KEY);\n");
  /* After an ancestor SQLite refused: the checks on the text only. */
  ct_write_revision (dir, "e0000005", "e0000004", "after problems",
                     "DROP TABLE stock;\nSELECT nothing FROM stock;\n", "");
  ct_write_revision (dir, "f0000006", "c0000005", "after the merge",
                     "CREATE TABLE part (id INTEGER PRIMARY KEY);\n"          /* 8: exists */
                     "SELECT nothing FROM stock;\n", "");                     /* 9 */
  /* Rows count within their revision, and are gone after it: after a
   * rename, and in a WITHOUT ROWID table that the update hook does not see. */
  ct_write_revision (dir, "g0000006", "d0000003", "duplicates",
                     "INSERT INTO note (body) VALUES ('x'), ('x');\n"
                     "CREATE UNIQUE INDEX ux_note ON note (body);\n", "");    /* 9: duplicates */
  ct_write_revision (dir, "g0000007", "g0000006", "unique",
                     "CREATE UNIQUE INDEX ux_note_body ON note (body);\n"
                     "CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;\n"
                     "INSERT INTO kv VALUES ('a', 1);\n"
                     "INSERT INTO note (id, body) VALUES (1, 'y');\n"
                     "ALTER TABLE note RENAME TO memo;\n", NO_DOWNGRADE);
  ct_write_revision (dir, "g0000008", "g0000007", "rows again",
                     "INSERT INTO memo (id, body) VALUES (1, 'z');\n"
                     "INSERT INTO kv VALUES ('a', 2);\n", NO_DOWNGRADE);
  ct_write_revision (dir, "g0000009", "g0000008", "rows once more",
                     "INSERT INTO memo (id, body) VALUES (1, 'w');\n", NO_DOWNGRADE);
  ct_write_revision (dir, "g0000010", "g0000009", "and again",
                     "INSERT INTO memo (id, body) VALUES (1, 'v');\n", NO_DOWNGRADE);
  /* A downgrade that drops what its upgrade made, and the object before it,
   * then creates another leaves as many objects, the last with the same
   * rowid: it still did not undo the upgrade. */
  ct_write_revision (dir, "h0000011", "g0000010", "last object",
                     "CREATE TABLE hp (a);\n", "DROP TABLE hp;\n");
  ct_write_revision (dir, "h0000012", "h0000011", "swap",
                     "CREATE TABLE hx (a);\n",
                     "DROP TABLE hx;\nDROP TABLE hp;\nCREATE TABLE hy (a);\n");
  ct_write_revision (dir, "h0000013", "h0000012", "after the swap",
                     "CREATE TABLE hy (b);\nSELECT a FROM hp;\n", NO_DOWNGRADE);
  project = ct_open_project (dir);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);

  walked = strata_lint_graph (graph, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  revisions = strata_revision_graph_get_revisions (graph);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      g_autoptr(GPtrArray) warnings = strata_lint_revision (revision, graph, NULL, NULL, &error);
      g_autofree char *text = NULL;

      if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_SQL))
        {
          g_clear_error (&error);
          warnings = strata_lint_revision (revision, NULL, NULL, NULL, &error);
        }
      g_assert_no_error (error);
      text = joined_warnings (warnings);
      g_string_append (each, text);
    }
  walked_text = joined_warnings (walked);
  g_test_message ("%s", walked_text);
  g_assert_cmpstr (walked_text, ==, each->str);
  g_assert_nonnull (strstr (walked_text, "versions/e0000004.sql:8: warning: DROP TABLE"));
  g_assert_nonnull (strstr (walked_text, "versions/e0000004.sql:9: warning: SQLite will refuse"));
  g_assert_nonnull (strstr (walked_text, "versions/e0000004.sql:10: warning: SQLite refuses"));
  g_assert_nonnull (strstr (walked_text, "versions/e0000004.sql:11: warning: ADD COLUMN"));
  g_assert_nonnull (strstr (walked_text, "versions/e0000005.sql:8: warning: DROP TABLE"));
  g_assert_null (strstr (walked_text, "versions/e0000005.sql:9:"));
  g_assert_nonnull (strstr (walked_text, "versions/f0000006.sql:8: warning: SQLite refuses"));
  g_assert_nonnull (strstr (walked_text, "versions/f0000006.sql:9: warning: SQLite refuses"));
  g_assert_nonnull (strstr (walked_text, "versions/g0000006.sql:9: warning: SQLite refuses"));
  g_assert_null (strstr (walked_text, "versions/g0000007.sql"));
  g_assert_null (strstr (walked_text, "versions/g0000008.sql"));
  g_assert_null (strstr (walked_text, "versions/g0000009.sql"));
  g_assert_null (strstr (walked_text, "versions/g0000010.sql"));
  g_assert_null (strstr (walked_text, "versions/h0000013.sql"));
  ct_remove_tree (dir);
}

/* The rows a revision inserts are not kept: a later UNIQUE index over them
 * is the real database's business, and memory stays the schema's. */
static void
test_no_rows (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataRevisionGraph) graph = NULL;
  g_autoptr(StrataSchemaReplay) replay = NULL;
  g_autoptr(StrataDatabase) replayed = NULL;
  g_autoptr(GError) error = NULL;
  const char *parents[] = { "base0001", NULL };
  sqlite3_stmt *stmt = NULL;

  write_branched (dir);
  project = ct_open_project (dir);
  graph = strata_project_load_graph (project, NULL, &error);
  g_assert_no_error (error);
  replay = strata_schema_replay_new (graph);
  replayed = strata_schema_replay_open (replay, parents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (strata_database_get_handle (replayed),
                                       "SELECT count(*) FROM part", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/schema-replay/example-project", test_example_project);
  g_test_add_func ("/core/schema-replay/branched-project", test_branched_project);
  g_test_add_func ("/core/schema-replay/lint-graph-matches-each", test_lint_graph_matches_each);
  g_test_add_func ("/core/schema-replay/no-rows", test_no_rows);
  return g_test_run ();
}
