/* test-schema-file.c: what schema.sql may hold, and where its errors are told
 *
 * Every refusal must name schema.sql and the line of the statement at fault,
 * whatever SQLite noticed it with: a CREATE it refuses outright, a view or a
 * trigger whose table is missing (which SQLite accepts until it is used), or
 * a statement that would change rows or settings rather than the schema.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "core-test.h"

typedef struct
{
  const char *name;
  const char *sql;
  /* The message starts with this. */
  const char *prefix;
  /* And holds this. */
  const char *part;
} Case;

static const Case cases[] = {
  { "view-missing-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\n"
    "CREATE VIEW v AS\n  SELECT * FROM missing;\n",
    "schema.sql:3: ", "no such table: main.missing" },
  { "view-missing-column",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE VIEW v AS SELECT id, name FROM a;\n",
    "schema.sql:2: ", "no such column: name" },
  { "view-on-broken-view",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE VIEW good AS SELECT id FROM a;\n"
    "CREATE VIEW bad AS SELECT * FROM gone;\n"
    "CREATE VIEW later AS SELECT * FROM good;\n",
    "schema.sql:3: ", "view “bad”" },
  { "trigger-body-missing-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN\n"
    "  INSERT INTO audit (id) VALUES (new.id);\n"
    "END;\n",
    "schema.sql:2: ", "trigger “a_ai”" },
  { "trigger-missing-column",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE log (id INTEGER);\n"
    "CREATE TRIGGER a_au AFTER UPDATE ON a BEGIN\n"
    "  INSERT INTO log (id) VALUES (new.nope);\n"
    "END;\n",
    "schema.sql:3: ", "no such column: new.nope" },
  { "trigger-on-missing-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE TRIGGER t AFTER INSERT ON missing BEGIN SELECT 1; END;\n",
    "schema.sql:2: ", "no such table: main.missing" },
  { "index-on-missing-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "\n"
    "CREATE INDEX ix ON missing (id);\n",
    "schema.sql:3: ", "no such table: main.missing" },
  { "index-on-missing-column",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE INDEX ix ON a (name);\n",
    "schema.sql:2: ", "no such column: name" },
  { "syntax-error",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "-- a comment\n"
    "CREATE TABLE b (id INTEGER PRIMARY KEY,);\n",
    "schema.sql:3: ", "syntax error" },
  { "duplicate-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE A (x TEXT);\n",
    "schema.sql:2: ", "table A already exists" },
  { "duplicate-index",
    "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);\n"
    "CREATE INDEX ix ON a (x);\n"
    "CREATE INDEX ix ON a (id);\n",
    "schema.sql:3: ", "index ix already exists" },
  { "insert",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "INSERT INTO a VALUES (1);\n",
    "schema.sql:2: ", "rows belong in a revision" },
  { "insert-after-trigger",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN\n"
    "  INSERT INTO a VALUES (new.id + 1000);\n"
    "END;\n"
    "\n"
    "insert into a values (1);\n",
    "schema.sql:6: ", "rows belong in a revision" },
  { "update",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nUPDATE a SET id = 2;\n",
    "schema.sql:2: ", "rows belong in a revision" },
  { "delete",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nDELETE FROM a;\n",
    "schema.sql:2: ", "rows belong in a revision" },
  { "replace",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nREPLACE INTO a VALUES (1);\n",
    "schema.sql:2: ", "rows belong in a revision" },
  { "with-insert",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    "WITH x AS (SELECT 1) INSERT INTO a SELECT * FROM x;\n",
    "schema.sql:2: ", "rows belong in a revision" },
  { "pragma",
    "PRAGMA user_version = 5;\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n",
    "schema.sql:1: ", "PRAGMA" },
  { "attach",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nATTACH ':memory:' AS other;\n",
    "schema.sql:2: ", "ATTACH" },
  { "begin",
    "BEGIN;\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nCOMMIT;\n",
    "schema.sql:1: ", "BEGIN" },
  { "alter",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nALTER TABLE a ADD COLUMN b TEXT;\n",
    "schema.sql:2: ", "write each object as it should end up" },
  { "drop",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (x);\nDROP TABLE b;\n",
    "schema.sql:3: ", "write each object as it should end up" },
  { "temp-table",
    "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TEMP TABLE scratch (x);\n",
    "schema.sql:2: ", "TEMP" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(StrataAutogen) autogen = strata_autogen_new_for_sql ("", c->sql);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_autogen_run (autogen, NULL, &error));
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, c->prefix) || strstr (error->message, c->part) == NULL)
    g_error ("%s: “%s” does not start with “%s” and hold “%s”", c->name, error->message,
             c->prefix, c->part);
  g_assert_null (strstr (error->message, ":memory:"));
}

/* The same through a project: the file is named as the project names it,
 * and the row check that compares schema.sql with the database too. */
static void
test_project (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *folder = g_build_filename (dir, "db", NULL);
  g_autofree char *schema = g_build_filename (folder, "schema.sql", NULL);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(StrataSchemaSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  const char *sql = "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
                    "CREATE VIEW v AS SELECT * FROM missing;\n";

  ct_write_config (dir);
  g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\n"
                                              "schema = db/schema.sql\n", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (schema, sql, -1, NULL));
  project = ct_open_project (dir);
  autogen = strata_autogen_new (project);
  g_assert_false (strata_autogen_run (autogen, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  g_assert_true (g_str_has_prefix (error->message, "db/schema.sql:2: "));
  g_clear_error (&error);

  snapshot = strata_schema_snapshot_new_from_sql (sql, "schema.sql", &error);
  g_assert_null (snapshot);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
  g_assert_true (g_str_has_prefix (error->message, "schema.sql:2: "));
  ct_remove_tree (dir);
}

/* Head is built from the revisions the same way: a view or trigger that
 * does not resolve there is told at the revision's file and line. */
static void
test_revisions (void)
{
  static const struct
  {
    const char *upgrade;
    const char *second;
    const char *prefix;
  } revision_cases[] = {
    { "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
      "CREATE VIEW v AS\n  SELECT * FROM missing;\n",
      "SELECT 1;", "versions/aaa00001.sql:9: view “v”: no such table: main.missing" },
    /* The table the trigger writes is dropped by a later revision. */
    { "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE log (id INTEGER);\n"
      "CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN\n"
      "  INSERT INTO log VALUES (new.id);\nEND;\n",
      "DROP TABLE log;", "versions/aaa00001.sql:10: trigger “a_ai”: no such table: main.log" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (revision_cases); i++)
    {
      g_autofree char *dir = ct_make_tmp ();
      g_autofree char *config = g_build_filename (dir, "strata.ini", NULL);
      g_autofree char *schema = g_build_filename (dir, "schema.sql", NULL);
      g_autoptr(StrataProject) project = NULL;
      g_autoptr(StrataAutogen) autogen = NULL;
      g_autoptr(GError) error = NULL;

      ct_write_config (dir);
      g_assert_true (g_file_set_contents (config, "[strata]\ndatabase = test.db\n"
                                                  "schema = schema.sql\n", -1, NULL));
      g_assert_true (g_file_set_contents (schema, "CREATE TABLE a (id INTEGER PRIMARY KEY);\n",
                                          -1, NULL));
      ct_write_revision (dir, "aaa00001", NULL, "first", revision_cases[i].upgrade,
                         "SELECT 1;");
      ct_write_revision (dir, "bbb00002", "aaa00001", "second", revision_cases[i].second,
                         "SELECT 1;");
      project = ct_open_project (dir);
      autogen = strata_autogen_new (project);
      g_assert_false (strata_autogen_run (autogen, NULL, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SQL);
      if (!g_str_has_prefix (error->message, revision_cases[i].prefix))
        g_error ("“%s” does not start with “%s”", error->message, revision_cases[i].prefix);
      ct_remove_tree (dir);
    }
}

/* What schema.sql may hold: every kind of CREATE, comments, a view before
 * its table, a trigger that writes rows (it is not run), and what the
 * sqlite3 shell's .schema adds (SQLite's own tables, shadow tables). */
static void
test_accepted (void)
{
  g_autoptr(StrataAutogen) autogen = NULL;
  g_autoptr(GError) error = NULL;
  const char *sql =
    "/* The store. */\n"
    "CREATE VIEW recent AS SELECT * FROM item WHERE id > 10;\n"
    "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE log (id INTEGER, at TEXT);\n"
    "CREATE INDEX ix_item_name ON item (name);\n"
    "CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN\n"
    "  INSERT INTO log VALUES (new.id, 'x'); UPDATE log SET at = 'y'; DELETE FROM log;\n"
    "END;\n"
    "create virtual table item_fts using fts5 (name, content = 'item', "
    "content_rowid = 'id');\n"
    "CREATE VIRTUAL TABLE box USING rtree (id, x0, x1);\n"
    /* As the sqlite3 shell's .schema prints them. */
    "CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
    "CREATE TABLE sqlite_sequence(name,seq);\n"
    "CREATE TABLE IF NOT EXISTS 'item_fts_data'(id INTEGER PRIMARY KEY, block BLOB);\n";

  autogen = strata_autogen_new_for_sql ("", sql);
  strata_autogen_run (autogen, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strata_autogen_get_upgrade_sql (autogen));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/schema-file/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/core/schema-file/project", test_project);
  g_test_add_func ("/core/schema-file/revisions", test_revisions);
  g_test_add_func ("/core/schema-file/accepted", test_accepted);
  return g_test_run ();
}
