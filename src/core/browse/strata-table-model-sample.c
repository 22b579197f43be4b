/* strata-table-model-sample.c: the longest values of a table's columns,
 * sampled across the table, to size the columns of a grid by
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-table-model-private.h"

/* Sizing columns by the first page cuts off what comes later (ids of seven
 * digits after ones of three), and reading every row to find the longest
 * value would take seconds on millions: sample the start, the end and, for a
 * rowid table, short runs spread across its rowids, each read by key. */
#define SAMPLE_RUNS 16
#define SAMPLE_RUN_ROWS 16
#define SAMPLE_END_ROWS 64
#define LONGEST 256

char *
_strata_table_value_to_text (sqlite3_stmt *stmt,
                             int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      return NULL;
    case SQLITE_BLOB:
      /* Translators: a binary value in a table cell, with its size */
      return g_strdup_printf (_("BLOB (%d bytes)"), sqlite3_column_bytes (stmt, column));
    default:
      return g_strdup ((const char *)sqlite3_column_text (stmt, column));
    }
}

static void
widen (sqlite3_stmt *stmt,
       guint         n_columns,
       GStrv         widest)
{
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (guint i = 0; i < n_columns; i++)
      {
        g_autofree char *value = _strata_table_value_to_text (stmt, i);
        const char *text = value != NULL ? value : "NULL";
        glong length = g_utf8_strlen (text, -1);

        if (MIN (length, LONGEST) > g_utf8_strlen (widest[i], -1))
          {
            g_free (widest[i]);
            widest[i] = g_utf8_substring (text, 0, MIN (length, LONGEST));
          }
      }
}

/* Best effort: a sample that fails (or is interrupted) only widens less. */
static void
sample_query (sqlite3    *db,
              const char *sql,
              gboolean    bind_start,
              gint64      start,
              guint       n_columns,
              GStrv       widest)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  if (bind_start)
    sqlite3_bind_int64 (stmt, 1, start);
  widen (stmt, n_columns, widest);
  sqlite3_finalize (stmt);
}

static void
sample_runs (sqlite3    *db,
             const char *columns,
             const char *quoted_table,
             const char *key,
             guint       n_columns,
             GStrv       widest)
{
  g_autofree char *bounds = g_strdup_printf ("SELECT min(%s), max(%s) FROM %s", key, key, quoted_table);
  g_autofree char *run = g_strdup_printf ("SELECT %s FROM %s WHERE %s >= ?1 ORDER BY %s LIMIT %d",
                                          columns, quoted_table, key, key, SAMPLE_RUN_ROWS);
  sqlite3_stmt *stmt = NULL;
  gint64 min = 0, max = 0;

  if (sqlite3_prepare_v2 (db, bounds, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      min = sqlite3_column_int64 (stmt, 0);
      max = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  for (guint i = 1; max > min && i < SAMPLE_RUNS; i++)
    sample_query (db, run, TRUE, min + (gint64)((max - min) / (double)SAMPLE_RUNS * i),
                  n_columns, widest);
}

GStrv
_strata_table_sample_widest (sqlite3    *db,
                             guint       n_columns,
                             const char *columns,
                             const char *quoted_table,
                             const char *key,
                             const char *key_descending,
                             gboolean    rowid)
{
  GStrv widest = g_new0 (char *, n_columns + 1);
  g_autofree char *first = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s LIMIT %d",
                                            columns, quoted_table, key, SAMPLE_END_ROWS);
  g_autofree char *last = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s LIMIT %d",
                                           columns, quoted_table, key_descending, SAMPLE_END_ROWS);

  for (guint i = 0; i < n_columns; i++)
    widest[i] = g_strdup ("");
  sample_query (db, first, FALSE, 0, n_columns, widest);
  sample_query (db, last, FALSE, 0, n_columns, widest);
  if (rowid)
    sample_runs (db, columns, quoted_table, key, n_columns, widest);
  return widest;
}
