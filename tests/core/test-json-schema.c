/* test-json-schema.c: a schema that uses JSON functions works with trusted_schema off
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

/* Django writes CHECK ((JSON_VALID("data") OR "data" IS NULL)) for a
 * JSONField: the database opens, the inspector reads it, a revision adds
 * JSON checks, a JSON index and a generated column, and the checks still
 * refuse bad JSON. */
static void
test_django (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataStatus) status = NULL;
  g_autoptr(StrataSchema) schema = NULL;
  g_autoptr(StrataMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *colors = NULL;

  ct_write_config (dir);
  db = ct_load_real (dir, "django.sql");
  ct_write_revision (dir, "r1", NULL, "settings",
                     "ALTER TABLE app_item ADD COLUMN settings TEXT "
                     "CHECK (settings IS NULL OR json_valid(settings));\n"
                     "CREATE INDEX item_legs ON app_item (data ->> '$.legs');\n"
                     "UPDATE app_item SET settings = json_object('tags', json('[1, 2]'), "
                     "'legs', data -> '$.legs');\n"
                     "CREATE TABLE app_tag (id INTEGER PRIMARY KEY, meta TEXT "
                     "CHECK (json_type(meta) = 'object'), "
                     "label TEXT GENERATED ALWAYS AS (json_extract(meta, '$.label')) STORED);\n"
                     "INSERT INTO app_tag (meta) VALUES ('{\"label\": \"new\"}');\n"
                     "ALTER TABLE app_item RENAME COLUMN name TO title;\n"
                     "ALTER TABLE app_item RENAME TO app_thing;\n",
                     "ALTER TABLE app_thing RENAME TO app_item;\n"
                     "ALTER TABLE app_item RENAME COLUMN title TO name;\n"
                     "DROP TABLE app_tag;\nDROP INDEX item_legs;\n"
                     "ALTER TABLE app_item DROP COLUMN settings;\n");
  ct_write_revision (dir, "r2", "r1", "bad json",
                     "UPDATE app_thing SET extra = 'not json' WHERE id = 1;\n", "");

  file = g_file_new_for_path (db);
  schema = strata_schema_load (file, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strata_schema_lookup (schema, "app_item"));

  project = ct_open_project (dir);
  status = strata_project_read_status (project, NULL, &error);
  g_assert_no_error (error);
  ct_migrate (project, STRATA_DIRECTION_UPGRADE, "r1");
  ct_assert_query (db, "SELECT settings FROM app_thing WHERE id = 2",
                   "{\"tags\":[1,2],\"legs\":4}");
  ct_assert_query (db, "SELECT label FROM app_tag", "new");
  colors = ct_query (db, "SELECT group_concat(kind, ',') FROM app_thing");
  g_assert_cmpstr (colors, ==, "light,table");

  /* The JSONField's check is still a check. */
  migration = strata_migration_new (project, STRATA_DIRECTION_UPGRADE, "r2");
  g_assert_false (strata_migration_run (migration, NULL, &error));
  assert_contains (error->message, "CHECK constraint failed");
  ct_assert_heads (db, "r1");

  ct_migrate (project, STRATA_DIRECTION_DOWNGRADE, "base");
  g_assert_cmpint (ct_query_int (db, "SELECT count(*) FROM app_item"), ==, 3);
  ct_remove_tree (dir);
}

static char *
evaluate (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup_printf ("%d:%s", sqlite3_column_type (stmt, 0),
                            (const char *)sqlite3_column_text (stmt, 0));
  else
    text = g_strdup_printf ("error:%s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return text;
}

/* The replacements answer exactly as SQLite's own functions do, nesting,
 * types and errors included. */
static void
test_same_results (void)
{
  static const char *expressions[] = {
    "json_object('a', json('[1, 2]'), 'b', json_extract('{\"x\": {\"y\": 1}}', '$.x'))",
    "json_array(1, 'two', json_array(3), '{}')",
    "json_extract('{\"a\": [1, 2.5, \"s\", null]}', '$.a[1]', '$.a[2]')",
    "json_extract('{\"a\": [1, 2.5]}', '$.a[0]')",
    "'{\"a\": {\"b\": 2}}' -> '$.a'",
    "'{\"a\": {\"b\": 2}}' ->> '$.a.b'",
    "json_valid('{\"a\": 1}') || json_valid('nope')",
    "json_type('[1]') || json_type('{\"a\": 1.5}', '$.a')",
    "json_array_length('[1, 2, 3]') + json_array_length('{\"a\": [1]}', '$.a')",
    "json_set(json_insert(json_replace('{\"a\": 1}', '$.a', 2), '$.b', 3), '$.c', json('[4]'))",
    "json_remove('[0, 1, 2]', '$[1]')",
    "json_patch('{\"a\": 1, \"b\": 2}', '{\"b\": null, \"c\": 3}')",
    "json_quote('say \"hi\"') || json_quote(1.5)",
    "json(' { \"a\" : 1 } ')",
    "json_extract('not json', '$')",
    "json_extract('{}', 'bad path')",
    "json_array_length(x'00')",
  };
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *plain = NULL;

  database = strata_database_open_memory (&error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (":memory:", &plain), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (expressions); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %s", expressions[i]);
      g_autofree char *expected = evaluate (plain, sql);
      g_autofree char *actual = evaluate (strata_database_get_handle (database), sql);

      g_assert_cmpstr (actual, ==, expected);
    }
  sqlite3_close (plain);
}

/* Only the JSON functions were made usable: a schema calling a function with
 * side effects is still refused where it runs. */
static void
test_unsafe_still_refused (void)
{
  g_autofree char *dir = ct_make_tmp ();
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (db);
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "CREATE TABLE t (data TEXT CHECK (json_valid(data)));"
                                 "CREATE VIEW v AS SELECT json_extract(data, '$.a') AS a, "
                                 "fts3_tokenizer('simple') AS x FROM t;"
                                 "CREATE VIEW w AS SELECT json_extract(data, '$.a') AS a FROM t;"
                                 "INSERT INTO t VALUES ('{\"a\": 7}');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  database = strata_database_open (file, STRATA_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (strata_database_exec (database, "SELECT a FROM w;", &error));
  g_assert_false (strata_database_exec (database, "SELECT x FROM v;", &error));
  assert_contains (error->message, "unsafe use of fts3_tokenizer()");
  g_clear_error (&error);
  g_assert_false (strata_database_exec (database, "INSERT INTO t VALUES ('x');", &error));
  assert_contains (error->message, "CHECK constraint failed");
  ct_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json/django", test_django);
  g_test_add_func ("/core/json/same-results", test_same_results);
  g_test_add_func ("/core/json/unsafe-still-refused", test_unsafe_still_refused);

  return g_test_run ();
}
