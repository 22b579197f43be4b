/* test-schema.c: reading tables, views, indexes, triggers and columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <strata.h>

typedef struct
{
  char  *dir;
  GFile *file;
} Fixture;

static const char *schema_sql =
  "CREATE TABLE supplier (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
  "CREATE TABLE part (\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  name VARCHAR(50) NOT NULL DEFAULT 'unnamed',\n"
  "  price_cents INTEGER,\n"
  "  price REAL GENERATED ALWAYS AS (price_cents / 100.0) VIRTUAL,\n"
  "  supplier_id INTEGER REFERENCES supplier(id) ON DELETE SET NULL\n"
  ");\n"
  "CREATE INDEX part_name ON part (name DESC, lower(name));\n"
  "CREATE TABLE \"odd \"\"name\" (a TEXT, b INTEGER, PRIMARY KEY (b, a)) WITHOUT ROWID;\n"
  "CREATE VIEW cheap_part AS SELECT id, name FROM part WHERE price_cents < 100;\n"
  "CREATE TRIGGER part_touch AFTER UPDATE ON part BEGIN SELECT 1; END;\n"
  "INSERT INTO supplier (name) VALUES ('Acme'), ('Globex');\n"
  "INSERT INTO part (name, price_cents, supplier_id) VALUES ('bolt', 5, 1), ('nut', 3, 2), "
  "('gear', 250, 1);\n";

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;

  fixture->dir = g_dir_make_tmp ("strata-schema-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "test.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  fixture->file = g_file_new_for_path (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_file_get_path (fixture->file);

  g_unlink (path);
  g_rmdir (fixture->dir);
  g_clear_object (&fixture->file);
  g_free (fixture->dir);
}

static StrataSchemaColumn *
column_at (StrataSchemaObject *object,
           guint               position)
{
  StrataSchemaColumn *column = g_list_model_get_item (strata_schema_object_get_columns (object),
                                                      position);
  g_object_unref (column);
  return column;
}

static void
test_objects (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchema) schema = NULL;
  GListModel *objects;
  const char *expected[] = { "odd \"name", "part", "supplier", "cheap_part", "part_name", "part_touch" };

  schema = strata_schema_load (fixture->file, STRATA_SCHEMA_FLAGS_COUNT_ROWS, NULL, &error);
  g_assert_no_error (error);
  objects = strata_schema_get_objects (schema);

  /* Tables, then views, indexes and triggers, each by name; SQLite's own
   * automatic indexes are not objects of their own. */
  g_assert_cmpuint (g_list_model_get_n_items (objects), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(StrataSchemaObject) object = g_list_model_get_item (objects, i);
      g_assert_cmpstr (strata_schema_object_get_name (object), ==, expected[i]);
    }
  g_assert_cmpint (strata_schema_object_get_kind (strata_schema_lookup (schema, "cheap_part")), ==,
                   STRATA_SCHEMA_KIND_VIEW);
  g_assert_cmpint (strata_schema_object_get_kind (strata_schema_lookup (schema, "part_touch")), ==,
                   STRATA_SCHEMA_KIND_TRIGGER);
  g_assert_cmpstr (strata_schema_object_get_table_name (strata_schema_lookup (schema, "part_name")),
                   ==, "part");
  g_assert_cmpint (strata_schema_object_get_row_count (strata_schema_lookup (schema, "part")), ==, 3);
  g_assert_true (g_str_has_prefix (strata_schema_object_get_sql (strata_schema_lookup (schema, "part")),
                                   "CREATE TABLE part ("));
  g_assert_true (strata_schema_object_get_without_rowid (strata_schema_lookup (schema, "odd \"name")));
  g_assert_false (strata_schema_object_get_without_rowid (strata_schema_lookup (schema, "part")));
}

static void
test_columns (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchema) schema = strata_schema_load (fixture->file, 0, NULL, &error);
  StrataSchemaObject *part;
  StrataSchemaColumn *column;

  g_assert_no_error (error);
  part = strata_schema_lookup (schema, "PART");
  g_assert_nonnull (part);
  g_assert_cmpint (strata_schema_object_get_row_count (part), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (strata_schema_object_get_columns (part)), ==, 5);

  column = column_at (part, 0);
  g_assert_cmpstr (strata_schema_column_get_name (column), ==, "id");
  g_assert_cmpint (strata_schema_column_get_primary_key (column), ==, 1);

  column = column_at (part, 1);
  g_assert_cmpstr (strata_schema_column_get_type_name (column), ==, "VARCHAR(50)");
  g_assert_true (strata_schema_column_get_not_null (column));
  g_assert_cmpstr (strata_schema_column_get_default (column), ==, "'unnamed'");

  /* The generated column is there, marked as such: table_xinfo, not table_info. */
  column = column_at (part, 3);
  g_assert_cmpstr (strata_schema_column_get_name (column), ==, "price");
  g_assert_cmpint (strata_schema_column_get_hidden (column), ==,
                   STRATA_SCHEMA_HIDDEN_GENERATED_VIRTUAL);
  g_assert_null (strata_schema_column_get_default (column_at (part, 2)));

  /* The composite primary key of the WITHOUT ROWID table, in key order. */
  column = column_at (strata_schema_lookup (schema, "odd \"name"), 1);
  g_assert_cmpstr (strata_schema_column_get_name (column), ==, "b");
  g_assert_cmpint (strata_schema_column_get_primary_key (column), ==, 1);
}

static void
test_indexes_and_keys (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchema) schema = strata_schema_load (fixture->file, 0, NULL, &error);
  StrataSchemaObject *part, *supplier;
  StrataSchemaIndex *index;
  StrataSchemaForeignKey *key;

  g_assert_no_error (error);
  part = strata_schema_lookup (schema, "part");
  supplier = strata_schema_lookup (schema, "supplier");

  g_assert_cmpuint (strata_schema_object_get_indexes (part)->len, ==, 1);
  index = g_ptr_array_index (strata_schema_object_get_indexes (part), 0);
  g_assert_cmpstr (index->name, ==, "part_name");
  g_assert_false (index->unique);
  g_assert_cmpstr (index->origin, ==, "c");
  g_assert_cmpstrv (index->columns, ((const char *[]) { "name DESC", "<expression>", NULL }));
  g_assert_true (g_str_has_prefix (index->sql, "CREATE INDEX part_name"));

  /* The UNIQUE constraint's automatic index belongs to its table. */
  g_assert_cmpuint (strata_schema_object_get_indexes (supplier)->len, ==, 1);
  index = g_ptr_array_index (strata_schema_object_get_indexes (supplier), 0);
  g_assert_true (index->unique);
  g_assert_cmpstr (index->origin, ==, "u");
  g_assert_null (index->sql);
  g_assert_cmpstrv (index->columns, ((const char *[]) { "name", NULL }));

  g_assert_cmpuint (strata_schema_object_get_foreign_keys (part)->len, ==, 1);
  key = g_ptr_array_index (strata_schema_object_get_foreign_keys (part), 0);
  g_assert_cmpstr (key->table, ==, "supplier");
  g_assert_cmpstrv (key->from, ((const char *[]) { "supplier_id", NULL }));
  g_assert_cmpstrv (key->to, ((const char *[]) { "id", NULL }));
  g_assert_cmpstr (key->on_delete, ==, "SET NULL");

  g_assert_cmpstrv (strata_schema_object_get_triggers (part), ((const char *[]) { "part_touch", NULL }));
  g_assert_cmpstrv (strata_schema_object_get_triggers (supplier), ((const char *[]) { NULL }));
}

static void
test_names (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataSchema) schema = strata_schema_load (fixture->file, 0, NULL, &error);
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  names = strata_schema_dup_names (schema);
  g_assert_true (g_strv_contains ((const char * const *)names, "supplier_id"));
  g_assert_true (g_strv_contains ((const char * const *)names, "cheap_part"));
  g_assert_true (g_strv_contains ((const char * const *)names, "price_cents"));
  /* Names are listed once even when several tables share them. */
  g_assert_cmpuint (g_strv_length (names), ==, 11);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  StrataSchema **schema = user_data;
  g_autoptr(GError) error = NULL;

  *schema = strata_schema_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gint64 *count = user_data;
  g_autoptr(GError) error = NULL;

  *count = strata_schema_count_rows_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(StrataSchema) schema = NULL;
  gint64 count = -1;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  strata_schema_load_async (fixture->file, 0, NULL, load_cb, &schema);
  strata_schema_count_rows_async (fixture->file, "supplier", NULL, count_cb, &count);
  while ((schema == NULL || count < 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (schema);
  g_assert_nonnull (strata_schema_lookup (schema, "cheap_part"));
  g_assert_cmpint (count, ==, 2);
}

static void
test_missing_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/strata/none.db");
  g_autoptr(StrataSchema) schema = strata_schema_load (file, 0, NULL, &error);

  /* A database that was never created is empty, not an error. */
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (strata_schema_get_objects (schema)), ==, 0);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StrataSchema) schema = NULL;

  g_cancellable_cancel (cancellable);
  schema = strata_schema_load (fixture->file, 0, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (schema);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/schema/objects", Fixture, NULL, fixture_setup, test_objects, fixture_teardown);
  g_test_add ("/core/schema/columns", Fixture, NULL, fixture_setup, test_columns, fixture_teardown);
  g_test_add ("/core/schema/indexes-and-keys", Fixture, NULL, fixture_setup,
              test_indexes_and_keys, fixture_teardown);
  g_test_add ("/core/schema/names", Fixture, NULL, fixture_setup, test_names, fixture_teardown);
  g_test_add ("/core/schema/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/core/schema/cancelled", Fixture, NULL, fixture_setup, test_cancelled,
              fixture_teardown);
  g_test_add_func ("/core/schema/missing-database", test_missing_database);

  return g_test_run ();
}
