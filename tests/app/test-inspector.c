/* test-inspector.c: the table inspector and its paged data view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "strata-inspector.h"
#include <sqlite3.h>

#include "strata-test-util.h"
#include "strata-test-widgets.h"

#define N_ROWS 200000

typedef struct
{
  char            *dir;
  char            *database;
  GtkWindow       *window;
  StrataInspector *inspector;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;

  fixture->dir = g_dir_make_tmp ("strata-inspector-XXXXXX", NULL);
  fixture->database = g_build_filename (fixture->dir, "big.db", NULL);
  strata_test_exec (fixture->database,
                    "CREATE TABLE supplier (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                    "CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT,\n"
                    "  value REAL, supplier_id INTEGER REFERENCES supplier (id));\n"
                    "CREATE INDEX reading_sensor ON reading (sensor);\n"
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);\n"
                    "CREATE TABLE strata_history (id INTEGER PRIMARY KEY, revision TEXT);\n"
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000)\n"
                    "INSERT INTO reading SELECT x, 'sensor ' || (x % 7), x / 10.0, NULL FROM n;\n");
  file = g_file_new_for_path (fixture->database);

  fixture->window = GTK_WINDOW (adw_window_new ());
  fixture->inspector = STRATA_INSPECTOR (strata_inspector_new ());
  gtk_window_set_default_size (fixture->window, 1000, 700);
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (fixture->inspector));
  gtk_window_present (fixture->window);
  strata_inspector_set_database (fixture->inspector, file);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  strata_test_destroy_window (g_steal_pointer (&fixture->window));
  strata_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->database);
}

static gboolean
schema_loaded (gpointer data)
{
  Fixture *fixture = data;

  return strata_inspector_get_schema (fixture->inspector) != NULL;
}

static gboolean
rows_counted (gpointer data)
{
  StrataTableModel *model = data;

  return !strata_table_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

typedef struct
{
  StrataTableModel *model;
  guint             position;
} RowWait;

static gboolean
row_loaded (gpointer data)
{
  RowWait *wait = data;
  g_autoptr(StrataTableRow) row = g_list_model_get_item (G_LIST_MODEL (wait->model), wait->position);

  return row != NULL && strata_table_row_get_loaded (row);
}

/* Every icon of @root is one the theme has (a wrong name draws a broken
 * image), and @expected is among them. */
static void
assert_icons_found (GtkWidget  *root,
                    const char *expected)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (root));
  g_autoptr(GPtrArray) images = strata_test_find_widgets (root, GTK_TYPE_IMAGE, NULL);
  gboolean seen = FALSE;

  for (guint i = 0; i < images->len; i++)
    {
      const char *name = gtk_image_get_icon_name (g_ptr_array_index (images, i));

      if (name == NULL)
        continue;
      if (!gtk_icon_theme_has_icon (theme, name))
        g_error ("the icon %s is not in the theme", name);
      seen |= g_str_equal (name, expected);
    }
  g_assert_true (seen);
}

static void
test_objects (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *objects;

  strata_test_wait (schema_loaded, fixture, "the schema");
  objects = strata_schema_get_objects (strata_inspector_get_schema (fixture->inspector));
  g_assert_cmpuint (g_list_model_get_n_items (objects), ==, 5);

  /* The first table is selected at once; following its foreign key selects
   * the referenced table. */
  g_assert_cmpstr (strata_inspector_get_selected (fixture->inspector), ==, "reading");
  g_assert_cmpuint (g_list_model_get_n_items (strata_inspector_get_columns (fixture->inspector)), ==, 4);
  g_assert_true (strata_inspector_select (fixture->inspector, "supplier"));
  g_assert_cmpuint (g_list_model_get_n_items (strata_inspector_get_columns (fixture->inspector)), ==, 2);
  g_assert_true (strata_inspector_select (fixture->inspector, "reading_sensor"));
  g_assert_cmpuint (g_list_model_get_n_items (strata_inspector_get_columns (fixture->inspector)), ==, 0);
  assert_icons_found (GTK_WIDGET (fixture->inspector), "strata-table-symbolic");
}

/* Whether @root shows a label reading @text. */
static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  g_autoptr(GPtrArray) labels = strata_test_find_widgets (root, GTK_TYPE_LABEL, NULL);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0)
      return TRUE;
  return FALSE;
}

/* The table of columns answers its headers ("Nullable": "No"); the list that
 * replaces it on narrow windows stacks the same facts under each name. */
static void
test_structure_text (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *inspector = GTK_WIDGET (fixture->inspector);
  GtkWidget *table;
  GtkWidget *list;

  strata_test_wait (schema_loaded, fixture, "the schema");
  g_assert_true (strata_inspector_select (fixture->inspector, "supplier"));
  table = strata_test_find_widget (inspector, GTK_TYPE_COLUMN_VIEW, NULL);
  g_assert_true (shows_label (table, "Nullable"));
  g_assert_true (shows_label (table, "No"));
  g_assert_true (shows_label (table, "Yes"));
  g_assert_false (shows_label (table, "Not null"));

  list = strata_test_find_widget (inspector, GTK_TYPE_LIST_BOX, "boxed-list");
  g_assert_true (shows_label (list, "name"));
  g_assert_true (shows_label (list, "TEXT · Not null"));
  g_assert_true (shows_label (list, "INTEGER · Primary key"));
}

static void
test_large_table (Fixture       *fixture,
                  gconstpointer  data)
{
  StrataDataView *view = strata_inspector_get_data_view (fixture->inspector);
  StrataTableModel *model;
  g_autoptr(StrataTableRow) row = NULL;
  RowWait wait;
  gint64 start;

  strata_test_wait (schema_loaded, fixture, "the schema");
  g_assert_true (strata_inspector_select (fixture->inspector, "reading"));
  strata_inspector_show_page (fixture->inspector, "data");
  model = strata_data_view_get_model (view);
  g_assert_nonnull (model);

  start = g_get_monotonic_time ();
  wait.model = model;
  wait.position = 0;
  strata_test_wait (rows_counted, model, "the row count");
  g_test_message ("counted after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  strata_test_wait (row_loaded, &wait, "the first rows");
  g_test_message ("first rows after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (strata_data_view_get_column_view (view))),
                    ==, 4);

  /* A row near the end loads without the ones before it. */
  wait.position = N_ROWS - 10;
  strata_test_wait (row_loaded, &wait, "a row near the end");
  row = g_list_model_get_item (G_LIST_MODEL (model), N_ROWS - 10);
  g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, "199991");
  g_assert_cmpstr (strata_table_row_get_value (row, 1), ==, "sensor 1");
  g_assert_null (strata_table_row_get_value (row, 3));
}

static GtkListBox *
objects_list (Fixture *fixture)
{
  return GTK_LIST_BOX (strata_test_find_widget (GTK_WIDGET (fixture->inspector), GTK_TYPE_LIST_BOX,
                                                "navigation-sidebar"));
}

static const char *
header_text (GtkListBoxRow *row)
{
  GtkWidget *header = gtk_list_box_row_get_header (row);

  return header != NULL ? gtk_label_get_text (GTK_LABEL (header)) : NULL;
}

/* The user's tables come first and the first is selected; Strata's version
 * table and history come last, under a heading of their own. */
static void
test_user_tables_first (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *expected[] = { "reading", "supplier", "reading_sensor", "alembic_version",
                             "strata_history" };
  const char *headers[] = { "Tables", NULL, "Indexes", "Internal", NULL };
  GtkListBox *list;

  strata_test_wait (schema_loaded, fixture, "the schema");
  list = objects_list (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      g_assert_nonnull (row);
      g_assert_cmpstr (strata_test_label_text (gtk_list_box_row_get_child (row)), ==, expected[i]);
      g_assert_cmpstr (header_text (row), ==, headers[i]);
    }
  g_assert_null (gtk_list_box_get_row_at_index (list, G_N_ELEMENTS (expected)));
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));
  g_assert_cmpstr (strata_inspector_get_selected (fixture->inspector), ==, "reading");
}

typedef struct
{
  Fixture *fixture;
  guint    n_rows;
  guint    n_loads;
} ListWait;

static gboolean
all_listed (gpointer data)
{
  ListWait *wait = data;
  GtkListBox *list = objects_list (wait->fixture);

  return wait->n_loads > 0 && gtk_list_box_get_row_at_index (list, wait->n_rows - 1) != NULL;
}

static void
count_load_cb (ListWait *wait)
{
  wait->n_loads++;
}

/* strata_test_exec(), waiting while the data view reads. */
static void
exec_when_free (Fixture    *fixture,
                const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (fixture->database, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 30000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);
}

/* Reads the schema again, and waits until the list shows @n_rows objects. */
static void
reload_and_list (Fixture *fixture,
                 guint    n_rows)
{
  ListWait wait = { fixture, n_rows, 0 };

  g_signal_connect_swapped (fixture->inspector, "notify::schema", G_CALLBACK (count_load_cb),
                            &wait);
  strata_inspector_reload (fixture->inspector);
  strata_test_wait (all_listed, &wait, "every object listed");
  g_signal_handlers_disconnect_by_func (fixture->inspector, count_load_cb, &wait);
}

/* A schema of hundreds of tables is listed whole, in order, with the
 * internal tables last; after a change, the table the user was looking at
 * stays selected even though its row is listed well after the first. */
static void
test_many_tables (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  GtkListBox *list;
  GtkListBoxRow *row;

  strata_test_wait (schema_loaded, fixture, "the schema");
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (sql, "CREATE TABLE z%03u (id INTEGER PRIMARY KEY);\n", i);
  exec_when_free (fixture, sql->str);
  /* 302 tables, one index, two internal tables. */
  reload_and_list (fixture, 305);
  g_assert_true (strata_inspector_select (fixture->inspector, "z250"));

  exec_when_free (fixture, "CREATE TABLE zz (id INTEGER PRIMARY KEY);");
  reload_and_list (fixture, 306);
  list = objects_list (fixture);
  g_assert_cmpstr (strata_inspector_get_selected (fixture->inspector), ==, "z250");
  row = gtk_list_box_get_selected_row (list);
  g_assert_nonnull (row);
  g_assert_cmpstr (strata_test_label_text (gtk_list_box_row_get_child (row)), ==, "z250");
  g_assert_cmpint (gtk_list_box_row_get_index (row), ==, 2 + 250);
  row = gtk_list_box_get_row_at_index (list, 304);
  g_assert_cmpstr (strata_test_label_text (gtk_list_box_row_get_child (row)), ==,
                   "alembic_version");
  g_assert_cmpstr (header_text (row), ==, "Internal");
  g_assert_null (gtk_list_box_get_row_at_index (list, 306));
}

static gboolean
kind_counted (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) labels = strata_test_find_widgets (GTK_WIDGET (fixture->inspector),
                                                          GTK_TYPE_LABEL, "dim-label");

  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_text (labels->pdata[i]), "Table · 2"))
      return TRUE;
  return FALSE;
}

static gboolean
has_gauge (gpointer data)
{
  Fixture *fixture = data;
  StrataSchema *schema = strata_inspector_get_schema (fixture->inspector);

  return schema != NULL && strata_schema_lookup (schema, "gauge") != NULL;
}

/* The row count is grouped ("200,000 rows"), and a table that another
 * program adds shows up without a restart. */
static void
test_count_and_refresh (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = NULL;
  gboolean found = FALSE;

  strata_test_wait (schema_loaded, fixture, "the schema");
  strata_test_wait (kind_counted, fixture, "the row count");
  labels = strata_test_find_widgets (GTK_WIDGET (fixture->inspector), GTK_TYPE_LABEL, "dim-label");
  for (guint i = 0; i < labels->len; i++)
    found |= g_str_equal (gtk_label_get_text (labels->pdata[i]), "Table · 200,000 rows");
  g_assert_true (found);

  exec_when_free (fixture, "CREATE TABLE gauge (id INTEGER PRIMARY KEY, name TEXT);");
  strata_test_wait (has_gauge, fixture, "the new table to be listed");
  g_assert_true (strata_inspector_select (fixture->inspector, "gauge"));
  g_assert_cmpstr (strata_inspector_get_selected (fixture->inspector), ==, "gauge");
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  g_test_add ("/app/inspector/objects", Fixture, NULL, fixture_setup, test_objects, fixture_teardown);
  g_test_add ("/app/inspector/many-tables", Fixture, NULL, fixture_setup, test_many_tables,
              fixture_teardown);
  g_test_add ("/app/inspector/structure-text", Fixture, NULL, fixture_setup, test_structure_text,
              fixture_teardown);
  g_test_add ("/app/inspector/large-table", Fixture, NULL, fixture_setup, test_large_table,
              fixture_teardown);

  g_test_add ("/app/inspector/user-tables-first", Fixture, NULL, fixture_setup,
              test_user_tables_first, fixture_teardown);
  g_test_add ("/app/inspector/count-and-refresh", Fixture, NULL, fixture_setup,
              test_count_and_refresh, fixture_teardown);

  return g_test_run ();
}
