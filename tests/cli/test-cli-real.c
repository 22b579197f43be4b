/* test-cli-real.c: strata-cli on databases that other tools and years of use left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cli-test.h"

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

/* A project in @fixture->root/real whose test.db is tests/data/real/@name,
 * built with plain SQLite. */
static char *
real_project (CliFixture *fixture,
              const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "real", name, NULL);
  char *dir = g_build_filename (fixture->root, "real", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *sql = NULL;
  sqlite3 *handle = NULL;

  write_file (dir, "strata.ini", "[strata]\ndatabase = test.db\nschema = schema.sql\n");
  write_file (dir, "versions/.keep", "");
  g_assert_true (g_file_get_contents (source, &sql, NULL, NULL));
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  return dir;
}

static CliResult *
run_in (const char *dir,
        const char *first_arg,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg = first_arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)"-C");
  g_ptr_array_add (argv, (gpointer)dir);
  va_start (args, first_arg);
  for (; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return cli_run_full (dir, NULL, (const char * const *)argv->pdata);
}

/* Purchases of a deleted customer were there before: the upgrade succeeds
 * and says which table, how many rows, and how to list them. */
static void
test_existing_orphans (CliFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *dir = real_project (fixture, "legacy.sql");
  CliResult *result;

  write_file (dir, "versions/aaa000000001_tag.sql",
              "-- tag\n--\n-- Revision ID: aaa000000001\n-- Revises: \n"
              "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
              "-- migrate:upgrade\nCREATE TABLE tag (name TEXT PRIMARY KEY);\n"
              "-- migrate:downgrade\nDROP TABLE tag;\n");
  result = run_in (dir, "upgrade", "head", NULL);
  cli_assert_status (result, 0);
  assert_contains (result->err, "strata-cli: warning: 2 rows of table “purchase” point at "
                                "missing rows of “customer”; they were there before this run");
  assert_contains (result->err, "PRAGMA foreign_key_check(\"purchase\");");
  assert_contains (result->err, "strata-cli: warning: 1 row of table “note”");
  cli_result_free (result);
}

static void
exec_on (const char *db,
         const char *sql)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

/* revision --autogenerate and check read the database: before the revision
 * is written they say which rows the new NOT NULL and CHECK would refuse,
 * how many, and what to do; --fill puts COALESCE into the copy. */
static void
test_autogenerate_reads_rows (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->root, "rows", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *written = NULL;
  g_autofree char *path = NULL;
  CliResult *result;

  write_file (dir, "strata.ini", "[strata]\ndatabase = test.db\nschema = schema.sql\n");
  write_file (dir, "versions/aaa000000001_account.sql",
              "-- account\n--\n-- Revision ID: aaa000000001\n-- Revises: \n"
              "-- Create Date: 2024-01-01 00:00:00.000000\n\n"
              "-- migrate:upgrade\nCREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT, "
              "status TEXT);\n-- migrate:downgrade\nDROP TABLE account;\n");
  write_file (dir, "schema.sql",
              "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
              "status TEXT CHECK (status IN ('active', 'retired')));\n");
  result = run_in (dir, "upgrade", "head", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
  exec_on (db, "INSERT INTO account VALUES (1, NULL, 'active'), (2, NULL, 'gone'), "
               "(3, 'c@example.com', NULL);");

  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 1);
  assert_contains (result->err, "strata-cli: warning: column “email” of table “account” becomes "
                                "NOT NULL, but 2 rows hold NULL there");
  cli_result_free (result);

  result = run_in (dir, "revision", "--autogenerate", "-m", "strict", "--rev-id",
                   "bbb000000002", NULL);
  cli_assert_status (result, 0);
  assert_contains (result->err, "generate the revision with --fill \"account.email=''\"");
  assert_contains (result->err, "column “status” of table “account” gets CHECK (status IN "
                                "('active', 'retired')), but 1 row breaks it");
  g_assert_null (strstr (result->err, "new_account"));
  cli_result_free (result);

  path = g_build_filename (dir, "versions", "bbb000000002_strict.sql", NULL);
  g_assert_cmpint (g_remove (path), ==, 0);
  result = run_in (dir, "revision", "--autogenerate", "-m", "strict", "--rev-id",
                   "bbb000000002", "--fill", "account.email='unknown'", NULL);
  cli_assert_status (result, 0);
  g_assert_null (strstr (result->err, "becomes NOT NULL, but"));
  cli_result_free (result);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  assert_contains (written, "coalesce(email, 'unknown')");
}

typedef struct
{
  const char *file;
  /* Appended to the schema that strata-cli schema printed. */
  const char *change;
  /* Its answer must not change through the upgrade and the downgrade. */
  const char *kept;
  /* What check says of the change before a revision implements it. */
  const char *difference;
} RealCase;

static const RealCase real_cases[] = {
  { "rails.sql",
    "CREATE TABLE comments (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, post_id integer "
    "NOT NULL REFERENCES posts (id), body text, created_at datetime(6) NOT NULL, updated_at "
    "datetime(6) NOT NULL);\n"
    "CREATE INDEX index_comments_on_post_id ON comments (post_id);\n",
    "SELECT group_concat(version, ',') || (SELECT group_concat(email, ',') FROM users) || "
    "(SELECT seq FROM sqlite_sequence WHERE name = 'users') FROM schema_migrations",
    "index “index_comments_on_post_id” added" },
  { "django.sql",
    "CREATE TABLE app_tag (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, item_id integer "
    "NOT NULL REFERENCES app_item (id) DEFERRABLE INITIALLY DEFERRED, meta text NOT NULL "
    "CHECK ((JSON_VALID(meta) OR meta IS NULL)));\n"
    "CREATE INDEX app_tag_meta_kind ON app_tag (json_extract(meta, '$.kind'));\n",
    "SELECT group_concat(name || data || coalesce(kind, '-'), ',') || (SELECT count(*) FROM "
    "django_migrations) FROM app_item",
    "table “app_tag” added" },
  { "search.sql",
    "CREATE TABLE note (id INTEGER PRIMARY KEY, doc_id INTEGER REFERENCES doc (id), "
    "body TEXT);\n",
    "SELECT group_concat(rowid, ',') FROM doc_fts WHERE doc_fts MATCH 'quay OR cliff OR bells'",
    "table “note” added" },
};

static char *
query (const char *db,
       const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

static void
run_ok (const char *dir,
        const char *verb,
        const char *arg,
        const char *arg2,
        const char *arg3,
        const char *arg4,
        const char *arg5)
{
  CliResult *result = run_in (dir, verb, arg, arg2, arg3, arg4, arg5, NULL);

  cli_assert_status (result, 0);
  cli_result_free (result);
}

/* A database that Rails, Django or an app with full-text search made, taken
 * over: check, current, schema, revision --autogenerate, stamp, then a change
 * autogenerated, upgraded and downgraded, the application's own rows kept. */
static void
test_adopt (CliFixture    *fixture,
            gconstpointer  data)
{
  const RealCase *c = data;
  g_autofree char *dir = real_project (fixture, c->file);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *schema = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_after = NULL;
  CliResult *result;

  result = run_in (dir, "current", NULL);
  cli_assert_status (result, 0);
  g_assert_cmpstr (result->out, ==, "");
  cli_result_free (result);
  /* No schema.sql yet: check says how to write one. */
  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 1);
  assert_contains (result->err, "schema.sql does not exist");
  assert_contains (result->err, "strata-cli schema > schema.sql");
  cli_result_free (result);

  result = run_in (dir, "schema", NULL);
  cli_assert_status (result, 0);
  write_file (dir, "schema.sql", result->out);
  schema = g_strdup (result->out);
  cli_result_free (result);
  run_ok (dir, "revision", "--autogenerate", "-m", "adopt", "--rev-id", "aaa000000001");
  run_ok (dir, "stamp", "head", NULL, NULL, NULL, NULL);
  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 0);
  assert_contains (result->out, "No new upgrade operations detected.");
  cli_result_free (result);

  {
    g_autofree char *changed = g_strconcat (schema, c->change, NULL);
    write_file (dir, "schema.sql", changed);
  }
  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 1);
  assert_contains (result->err, c->difference);
  cli_result_free (result);
  run_ok (dir, "revision", "--autogenerate", "-m", "change", "--rev-id", "bbb000000002");
  kept = query (db, c->kept);
  run_ok (dir, "upgrade", "head", NULL, NULL, NULL, NULL);
  result = run_in (dir, "current", NULL);
  cli_assert_status (result, 0);
  g_assert_cmpstr (result->out, ==, "bbb000000002 (head)\n");
  cli_result_free (result);
  result = run_in (dir, "check", NULL);
  cli_assert_status (result, 0);
  cli_result_free (result);
  kept_after = query (db, c->kept);
  g_assert_cmpstr (kept_after, ==, kept);

  run_ok (dir, "downgrade", "-1", NULL, NULL, NULL, NULL);
  result = run_in (dir, "current", NULL);
  cli_assert_status (result, 0);
  g_assert_cmpstr (result->out, ==, "aaa000000001\n");
  cli_result_free (result);
  g_free (kept_after);
  kept_after = query (db, c->kept);
  g_assert_cmpstr (kept_after, ==, kept);
}

/* Rows and broken views in schema.sql are told by check and revision
 * --autogenerate at schema.sql's line, and nothing is written. */
static void
test_schema_file_errors (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *dir = real_project (fixture, "rails.sql");
  g_autofree char *versions = g_build_filename (dir, "versions", NULL);
  const char *files[] = {
    "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT);\n\n"
    "INSERT INTO tag VALUES (1, 'ruby');\n",
    "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE VIEW tag_names AS\n  SELECT label FROM tag;\n",
  };
  const char *expected[] = {
    "strata-cli: schema.sql:3: INSERT works on rows",
    "strata-cli: schema.sql:2: view “tag_names”: no such column: label",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      CliResult *result;
      const char *name;
      GDir *folder;

      write_file (dir, "schema.sql", files[i]);
      result = run_in (dir, "check", NULL);
      cli_assert_status (result, 1);
      assert_contains (result->err, expected[i]);
      cli_result_free (result);
      result = run_in (dir, "revision", "--autogenerate", "-m", "tag", NULL);
      cli_assert_status (result, 1);
      assert_contains (result->err, expected[i]);
      cli_result_free (result);
      folder = g_dir_open (versions, 0, NULL);
      while ((name = g_dir_read_name (folder)) != NULL)
        g_assert_false (g_str_has_suffix (name, ".sql"));
      g_dir_close (folder);
    }
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("/cli/real/existing-orphans", test_existing_orphans);
  ADD ("/cli/real/autogenerate-reads-rows", test_autogenerate_reads_rows);
  ADD ("/cli/real/schema-file-errors", test_schema_file_errors);
#undef ADD
  for (guint i = 0; i < G_N_ELEMENTS (real_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/real/adopt/%s", real_cases[i].file);

      g_test_add (path, CliFixture, &real_cases[i], cli_fixture_setup, test_adopt,
                  cli_fixture_teardown);
    }

  return g_test_run ();
}
