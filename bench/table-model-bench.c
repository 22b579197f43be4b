/* table-model-bench.c: StrataTableModel on a big table, against paging by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: table-model-bench DATABASE TABLE [N_POSITIONS [SEED]]
 *
 * Measures, for the inspector's data tab:
 *  - first rows: from creating the model until row 0 is loaded (before the
 *    count since the first page is sent first);
 *  - count: from creating the model until n-items is the count;
 *  - jump to the end: from asking for the last row until it is loaded;
 *  - scrolling: N_POSITIONS (default 10,000) random positions, each waited
 *    for, with the resident set size sampled after each;
 * and the same reads done by hand with SQLite in this process, as the
 * baseline: SELECT * FROM t WHERE rowid >= ? LIMIT 256, every value read as
 * text. bench/table-model-bench.sh makes the tables and runs it.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "strata-table-model.h"

#define PAGE 256

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* Resident set size in KiB, from /proc/self/statm. */
static long
rss_kib (void)
{
  long pages = 0, resident = 0;
  FILE *file = fopen ("/proc/self/statm", "r");

  if (file == NULL)
    return -1;
  if (fscanf (file, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose (file);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static gboolean
row_loaded (StrataTableModel *model,
            guint             position)
{
  g_autoptr(StrataTableRow) row = g_list_model_get_item (G_LIST_MODEL (model), position);

  return row != NULL && strata_table_row_get_loaded (row);
}

static gboolean
wait_loaded (StrataTableModel *model,
             guint             position)
{
  double deadline = now_ms () + 60000;

  while (!row_loaded (model, position))
    {
      if (strata_table_model_get_error_message (model) != NULL)
        g_error ("%s", strata_table_model_get_error_message (model));
      if (now_ms () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static void
wait_counted (StrataTableModel *model)
{
  while (strata_table_model_get_loading (model) &&
         strata_table_model_get_error_message (model) == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (strata_table_model_get_error_message (model) != NULL)
    g_error ("%s", strata_table_model_get_error_message (model));
}

static void
wait_count (StrataTableModel *model)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0 &&
         strata_table_model_get_error_message (model) == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (strata_table_model_get_error_message (model) != NULL)
    g_error ("%s", strata_table_model_get_error_message (model));
}

/* The baseline: one page by hand. */
static guint
read_page (sqlite3_stmt *stmt,
           gint64        rowid)
{
  guint n = 0;
  int n_columns = sqlite3_column_count (stmt);

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, rowid);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < n_columns; i++)
        {
          g_autofree char *text = g_strdup ((const char *)sqlite3_column_text (stmt, i));
          (void)text;
        }
      n++;
    }
  return n;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static double
ratio (double a,
       double b)
{
  return b > 0 ? a / b : 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *path, *table;
  guint n_positions, *positions;
  g_autoptr(GFile) file = NULL;
  g_autoptr(StrataTableModel) model = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GRand *rand;
  double start, model_first, model_count, model_end, model_scroll, base_first, base_end, base_scroll;
  long rss_start, rss_first, rss_peak = 0, rss_after;
  gint64 min, max;
  guint n_rows;

  if (argc < 3)
    {
      g_printerr ("Usage: %s DATABASE TABLE [N_POSITIONS [SEED]]\n", argv[0]);
      return 2;
    }
  path = argv[1];
  table = argv[2];
  n_positions = argc > 3 ? (guint)atoi (argv[3]) : 10000;
  rand = g_rand_new_with_seed (argc > 4 ? (guint32)atoi (argv[4]) : 42);
  file = g_file_new_for_path (path);
  rss_start = rss_kib ();

  /* StrataTableModel */
  start = now_ms ();
  model = strata_table_model_new (file, table);
  wait_count (model);
  if (!wait_loaded (model, 0))
    g_error ("the first rows never came");
  model_first = now_ms () - start;
  rss_first = rss_kib ();
  wait_counted (model);
  model_count = now_ms () - start;
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (model));

  start = now_ms ();
  if (!wait_loaded (model, n_rows - 1))
    g_error ("the last row never came");
  model_end = now_ms () - start;

  positions = g_new (guint, n_positions);
  for (guint i = 0; i < n_positions; i++)
    positions[i] = g_rand_int_range (rand, 0, (gint32)n_rows);
  start = now_ms ();
  for (guint i = 0; i < n_positions; i++)
    {
      long rss;

      if (!wait_loaded (model, positions[i]))
        g_error ("row %u never came", positions[i]);
      if ((rss = rss_kib ()) > rss_peak)
        rss_peak = rss;
    }
  model_scroll = now_ms () - start;
  rss_after = rss_kib ();

  /* By hand, the same reads */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  quoted = g_strdup_printf ("\"%s\"", table);
  sql = g_strdup_printf ("SELECT * FROM %s WHERE rowid >= ? LIMIT %d", quoted, PAGE);
  start = now_ms ();
  {
    g_autofree char *min_sql = g_strdup_printf ("SELECT min(rowid) FROM %s", quoted);
    min = query_int (db, min_sql);
  }
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  read_page (stmt, min);
  base_first = now_ms () - start;

  start = now_ms ();
  {
    g_autofree char *max_sql = g_strdup_printf ("SELECT max(rowid) FROM %s", quoted);
    max = query_int (db, max_sql);
  }
  read_page (stmt, max);
  base_end = now_ms () - start;

  /* By hand a position is a rowid between min and max: exact for dense rowids. */
  start = now_ms ();
  for (guint i = 0; i < n_positions; i++)
    read_page (stmt, min + (gint64)((double)positions[i] / n_rows * (max - min + 1)));
  base_scroll = now_ms () - start;
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_print ("table %s: %u rows (rowids %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT ")\n",
           table, n_rows, min, max);
  g_print ("%-28s %12s %12s %8s\n", "", "model", "by hand", "ratio");
  g_print ("%-28s %9.1f ms %9.2f ms %7.1fx\n", "first rows", model_first, base_first,
           ratio (model_first, base_first));
  g_print ("%-28s %9.1f ms\n", "count (n-items final)", model_count);
  g_print ("%-28s %9.1f ms %9.2f ms %7.1fx\n", "jump to the end", model_end, base_end,
           ratio (model_end, base_end));
  g_print ("%-28s %9.1f ms %9.2f ms %7.1fx\n", "10,000 random positions", model_scroll,
           base_scroll, ratio (model_scroll, base_scroll));
  g_print ("%-28s %9.3f ms %9.3f ms\n", "  per position", model_scroll / n_positions,
           base_scroll / n_positions);
  g_print ("RSS: %ld MiB at start, %ld MiB after the first rows, peak %ld MiB while scrolling, "
           "%ld MiB at the end\n", rss_start / 1024, rss_first / 1024, rss_peak / 1024,
           rss_after / 1024);

  g_free (positions);
  g_rand_free (rand);
  return 0;
}
