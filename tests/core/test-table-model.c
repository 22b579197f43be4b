/* test-table-model.c: paging the rows of a table by key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <strata.h>

#define N_ROWS 200000

typedef struct
{
  char  *dir;
  GFile *file;
} Fixture;

/* 200,000 parts with dense rowids; "gappy" has every third row deleted; "pairs"
 * is WITHOUT ROWID with a composite key; the last has awkward identifiers. */
static const char *setup_sql =
  "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER);\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000)\n"
  "INSERT INTO part SELECT x, 'part ' || x, x % 100 FROM n;\n"
  "CREATE TABLE gappy (v TEXT);\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000)\n"
  "INSERT INTO gappy (rowid, v) SELECT x, 'v' || x FROM n;\n"
  "DELETE FROM gappy WHERE rowid % 3 = 0;\n"
  "CREATE TABLE big_gaps (v TEXT);\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 150000)\n"
  "INSERT INTO big_gaps (rowid, v) SELECT x, 'v' || x FROM n WHERE x % 3 != 0;\n"
  "CREATE TABLE pairs (a TEXT, b INTEGER, note TEXT, PRIMARY KEY (b, a)) WITHOUT ROWID;\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000)\n"
  "INSERT INTO pairs SELECT char(97 + x % 3), x / 3, 'n' || x FROM n;\n"
  "CREATE TABLE \"we\"\"ird\" (\"col \"\"1\" TEXT, blob BLOB, rowid TEXT);\n"
  "INSERT INTO \"we\"\"ird\" VALUES ('x''; DROP TABLE part; --', x'0102', 'r1'), "
  "(NULL, NULL, 'r2');\n";

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;

  fixture->dir = g_dir_make_tmp ("strata-table-model-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "test.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, setup_sql, NULL, NULL, NULL), ==, SQLITE_OK);
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

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for the table model");
  return G_SOURCE_REMOVE;
}

/* Spins the main context until the row at @position is loaded. */
static StrataTableRow *
wait_for_row (StrataTableModel *model,
              guint             position)
{
  guint timeout = g_timeout_add_seconds (20, timeout_cb, NULL);
  StrataTableRow *row = NULL;

  for (;;)
    {
      g_clear_object (&row);
      row = g_list_model_get_item (G_LIST_MODEL (model), position);
      if (row != NULL && strata_table_row_get_loaded (row))
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (timeout);
  return row;
}

static void
wait_for_load (StrataTableModel *model)
{
  guint timeout = g_timeout_add_seconds (20, timeout_cb, NULL);

  while (strata_table_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

typedef struct
{
  guint    position;
  guint    removed;
  guint    added;
  gboolean loading;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change change = { position, removed, added,
                    strata_table_model_get_loading (STRATA_TABLE_MODEL (model)) };

  g_array_append_val (changes, change);
}

static void
assert_change (GArray   *changes,
               guint     i,
               guint     position,
               guint     removed,
               guint     added,
               gboolean  loading)
{
  Change *change = &g_array_index (changes, Change, i);

  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
  g_assert_cmpint (change->loading, ==, loading);
}

static void
wait_for_changes (GArray *changes,
                  guint   n)
{
  guint timeout = g_timeout_add_seconds (20, timeout_cb, NULL);

  while (changes->len < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static void
test_dense (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "part");
  g_autoptr(StrataTableRow) row = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  gint64 start = g_get_monotonic_time ();

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (strata_table_model_get_loading (model));

  /* The first page shows before the count, loaded, while still loading. */
  wait_for_changes (changes, 1);
  g_test_message ("first rows after %" G_GINT64_FORMAT " µs", g_get_monotonic_time () - start);
  assert_change (changes, 0, 0, 0, STRATA_TABLE_MODEL_PAGE_SIZE, TRUE);
  g_assert_cmpstrv (strata_table_model_get_columns (model),
                    ((const char *[]) { "id", "name", "qty", NULL }));
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (strata_table_row_get_loaded (row));
  g_assert_cmpstr (strata_table_row_get_value (row, 1), ==, "part 1");
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (model), STRATA_TABLE_MODEL_PAGE_SIZE - 1);
  g_assert_true (strata_table_row_get_loaded (row));
  g_clear_object (&row);

  /* Then the count adds the rows after the first page, and loading ends. */
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  g_assert_cmpuint (changes->len, ==, 2);
  assert_change (changes, 1, STRATA_TABLE_MODEL_PAGE_SIZE, 0, N_ROWS - STRATA_TABLE_MODEL_PAGE_SIZE,
                 FALSE);
  /* The first page was kept, not read again. */
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (strata_table_row_get_loaded (row));
  g_clear_object (&row);

  /* A jump near the end loads one page there, not everything before it. */
  row = wait_for_row (model, N_ROWS - 2);
  g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, "199999");
  g_assert_cmpstr (strata_table_row_get_value (row, 2), ==, "99");
  g_assert_cmpuint (strata_table_row_get_position (row), ==, N_ROWS - 2);
  g_assert_cmpuint (changes->len, ==, 3);
  /* The last page holds the rows past the last full page. */
  assert_change (changes, 2, N_ROWS / STRATA_TABLE_MODEL_PAGE_SIZE * STRATA_TABLE_MODEL_PAGE_SIZE,
                 N_ROWS % STRATA_TABLE_MODEL_PAGE_SIZE, N_ROWS % STRATA_TABLE_MODEL_PAGE_SIZE, FALSE);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_ROWS));

  g_clear_object (&row);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_bounded_cache (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "part");
  g_autoptr(StrataTableRow) first = NULL;
  guint n_pages = STRATA_TABLE_MODEL_MAX_PAGES + 8;

  g_clear_object (&first);
  first = wait_for_row (model, 0);
  g_clear_object (&first);

  /* Touch more pages than the cache holds; the first page must be dropped. */
  for (guint i = 1; i <= n_pages; i++)
    {
      g_autoptr(StrataTableRow) row = wait_for_row (model, i * STRATA_TABLE_MODEL_PAGE_SIZE * 10);
      g_autofree char *expected = g_strdup_printf ("%u", i * STRATA_TABLE_MODEL_PAGE_SIZE * 10 + 1);
      g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, expected);
    }
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_false (strata_table_row_get_loaded (first));
  g_clear_object (&first);

  first = wait_for_row (model, 0);
  g_assert_cmpstr (strata_table_row_get_value (first, 0), ==, "1");
  g_clear_object (&first);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_gaps (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "gappy");
  guint positions[] = { 0, 1, 2, 700, 1500, 1999 };

  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2000);

  /* With rowids 1, 2, 4, 5, 7, … position p holds rowid p + p / 2 + 1. */
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(StrataTableRow) row = wait_for_row (model, positions[i]);
      g_autofree char *expected = g_strdup_printf ("v%u", positions[i] + positions[i] / 2 + 1);
      g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, expected);
    }
  g_assert_finalize_object (g_steal_pointer (&model));
}

/* 100,000 rows: the keys are walked after the first page, in several chunks,
 * while the last page (read backwards) and the others are asked for. */
static void
test_gaps_walked_later (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "big_gaps");
  guint positions[] = { 99999, 0, 99744, 50000, 1, 77777, 99998, 256, 255 };

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(StrataTableRow) row = wait_for_row (model, positions[i]);
      g_autofree char *expected = g_strdup_printf ("v%u", positions[i] + positions[i] / 2 + 1);

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100000);
      g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, expected);
    }
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_without_rowid (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "pairs");
  g_autoptr(StrataTableRow) row = NULL;

  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);

  /* Ordered by the primary key (b, a): b = 0 has x = 1, 2 ("b", "c"). */
  row = wait_for_row (model, 0);
  g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, "b");
  g_assert_cmpstr (strata_table_row_get_value (row, 1), ==, "0");
  g_clear_object (&row);
  row = wait_for_row (model, 999);
  g_assert_cmpstr (strata_table_row_get_value (row, 1), ==, "333");
  g_assert_cmpstr (strata_table_row_get_value (row, 2), ==, "n1000");
  g_clear_object (&row);
  row = wait_for_row (model, 500);
  g_assert_cmpstr (strata_table_row_get_value (row, 2), ==, "n501");
  g_clear_object (&row);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "part");
  g_autoptr(StrataTableRow) row = NULL;

  wait_for_load (model);
  strata_table_model_set_filter (model, "qty", STRATA_FILTER_EQUAL, "7");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS / 100);
  row = wait_for_row (model, 1500);
  g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, "150007");
  g_clear_object (&row);

  /* A second column's filter adds to the first. */
  strata_table_model_set_filter (model, "name", STRATA_FILTER_LIKE, "part 19%");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 111);

  strata_table_model_set_filter (model, "qty", STRATA_FILTER_GREATER_OR_EQUAL, "98");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 224);

  strata_table_model_clear_filters (model);
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  g_assert_finalize_object (g_steal_pointer (&model));
}

/* The search looks in the text columns only, literally and ignoring case,
 * and combines with the column filters. */
static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "pairs");
  const char *text_columns[] = { "a", "note", NULL };

  wait_for_load (model);
  g_assert_cmpstrv (strata_table_model_get_search_columns (model), text_columns);
  strata_table_model_set_search (model, "n1");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 112);
  g_assert_cmpstr (strata_table_model_get_search (model), ==, "n1");

  strata_table_model_set_search (model, "B");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 334);
  strata_table_model_set_filter (model, "b", STRATA_FILTER_LESS, "10");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);

  /* % is a character to find, not a pattern. */
  strata_table_model_clear_filters (model);
  strata_table_model_set_search (model, "%");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  strata_table_model_set_search (model, NULL);
  wait_for_load (model);
  g_assert_null (strata_table_model_get_search (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_finalize_object (g_steal_pointer (&model));
}

/* The widths come from rows across the table, not its first page: the
 * last ids of "part" are longer than any on the first page. */
static void
test_widest (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "part");
  const char * const *widest;

  wait_for_load (model);
  widest = strata_table_model_get_widest_values (model);
  g_assert_nonnull (widest);
  g_assert_cmpuint (g_strv_length ((GStrv)widest), ==, 3);
  g_assert_cmpuint (strlen (widest[0]), ==, strlen ("200000"));
  g_assert_cmpuint (strlen (widest[1]), ==, strlen ("part 200000"));
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_quoting (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "we\"ird");
  g_autoptr(StrataTableRow) row = NULL;

  /* A column named "rowid" shadows the rowid; the model pages by _rowid_. */
  row = wait_for_row (model, 0);
  g_assert_cmpstrv (strata_table_model_get_columns (model),
                    ((const char *[]) { "col \"1", "blob", "rowid", NULL }));
  g_assert_cmpstr (strata_table_row_get_value (row, 0), ==, "x'; DROP TABLE part; --");
  g_assert_cmpstr (strata_table_row_get_value (row, 1), ==, "BLOB (2 bytes)");
  g_clear_object (&row);
  row = wait_for_row (model, 1);
  g_assert_null (strata_table_row_get_value (row, 0));
  g_clear_object (&row);

  /* Values are bound, never spliced into the SQL. */
  strata_table_model_set_filter (model, "col \"1", STRATA_FILTER_EQUAL, "x'; DROP TABLE part; --");
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  strata_table_model_set_filter (model, "col \"1", STRATA_FILTER_IS_NULL, NULL);
  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  row = wait_for_row (model, 0);
  g_assert_cmpstr (strata_table_row_get_value (row, 2), ==, "r2");
  g_clear_object (&row);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_missing_table (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataTableModel) model = strata_table_model_new (fixture->file, "nope");

  wait_for_load (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_nonnull (strata_table_model_get_error_message (model));
  g_assert_null (strata_table_model_get_columns (model));
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_parse_filter (void)
{
  const struct {
    const char           *text;
    gboolean              ok;
    StrataFilterOperator  op;
    const char           *value;
  } cases[] = {
    { "", FALSE, 0, NULL },
    { "   ", FALSE, 0, NULL },
    { "bolt", TRUE, STRATA_FILTER_LIKE, "%bolt%" },
    { "bo%t", TRUE, STRATA_FILTER_LIKE, "bo%t" },
    { "> 5", TRUE, STRATA_FILTER_GREATER, "5" },
    { ">=5", TRUE, STRATA_FILTER_GREATER_OR_EQUAL, "5" },
    { "<= 2021-06", TRUE, STRATA_FILTER_LESS_OR_EQUAL, "2021-06" },
    { "<>x", TRUE, STRATA_FILTER_NOT_EQUAL, "x" },
    { "!= x", TRUE, STRATA_FILTER_NOT_EQUAL, "x" },
    { "= a b", TRUE, STRATA_FILTER_EQUAL, "a b" },
    { "NULL", TRUE, STRATA_FILTER_IS_NULL, NULL },
    { "not null", TRUE, STRATA_FILTER_IS_NOT_NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      StrataFilterOperator op = 0;
      g_autofree char *value = NULL;

      g_assert_cmpint (strata_table_model_parse_filter (cases[i].text, &op, &value), ==, cases[i].ok);
      if (!cases[i].ok)
        continue;
      g_assert_cmpint (op, ==, cases[i].op);
      g_assert_cmpstr (value, ==, cases[i].value);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/table-model/dense", Fixture, NULL, fixture_setup, test_dense, fixture_teardown);
  g_test_add ("/core/table-model/bounded-cache", Fixture, NULL, fixture_setup, test_bounded_cache,
              fixture_teardown);
  g_test_add ("/core/table-model/gaps", Fixture, NULL, fixture_setup, test_gaps, fixture_teardown);
  g_test_add ("/core/table-model/gaps-walked-later", Fixture, NULL, fixture_setup,
              test_gaps_walked_later, fixture_teardown);
  g_test_add ("/core/table-model/without-rowid", Fixture, NULL, fixture_setup, test_without_rowid,
              fixture_teardown);
  g_test_add ("/core/table-model/filters", Fixture, NULL, fixture_setup, test_filters,
              fixture_teardown);
  g_test_add ("/core/table-model/search", Fixture, NULL, fixture_setup, test_search,
              fixture_teardown);
  g_test_add ("/core/table-model/widest", Fixture, NULL, fixture_setup, test_widest,
              fixture_teardown);
  g_test_add ("/core/table-model/quoting", Fixture, NULL, fixture_setup, test_quoting,
              fixture_teardown);
  g_test_add ("/core/table-model/missing-table", Fixture, NULL, fixture_setup, test_missing_table,
              fixture_teardown);
  g_test_add_func ("/core/table-model/parse-filter", test_parse_filter);

  return g_test_run ();
}
