/* strata-table-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Positions map to keys without OFFSET in one of two ways. When the table has
 * a rowid, no filter applies and its rowids are dense (max - min + 1 == count,
 * the common case), position p is simply rowid min + p. Otherwise the worker
 * walks the keys once, in key order, and keeps the key that starts each page:
 * one key per PAGE_SIZE rows, never the rows themselves. A page is then one
 * indexed query: WHERE key >= start ORDER BY key LIMIT PAGE_SIZE.
 *
 * Counting ten million rows takes 75-110 ms, so an open sends the first page
 * (WHERE filter ORDER BY key LIMIT PAGE_SIZE, which needs no count) before
 * the count: n-items grows to the first page, then to the count.
 *
 * Walking ten million keys takes a few hundred milliseconds, so for a rowid
 * table without a filter the walk comes after the count, and while it runs
 * the worker still answers the first page, the last one (read backwards from
 * the largest rowid) and every page whose start it has already found.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "strata-database.h"
#include "strata-error.h"
#include "strata-sql.h"
#include "strata-table-model-private.h"
#include "strata-table-row-private.h"

#define PAGE_SIZE STRATA_TABLE_MODEL_PAGE_SIZE
#define MAX_PAGES STRATA_TABLE_MODEL_MAX_PAGES

/* The worker: one thread, one connection, a queue of jobs. */

typedef enum
{
  JOB_OPEN,
  JOB_PAGE,
  JOB_QUIT,
  JOB_FIRST_ROWS,  /* a result only: the first page, sent before the count */
} JobKind;

typedef struct
{
  JobKind    kind;
  guint      generation;
  guint      page;
  GPtrArray *filters;  /* JOB_OPEN: StrataTableFilter copies */
} Job;

typedef struct
{
  gatomicrefcount   ref_count;
  GWeakRef          model;        /* read on the main context only */
  GAsyncQueue      *jobs;
  GMainContext     *context;
  GFile            *file;
  char             *table;
  guint             generation;   /* atomic: the newest generation asked for */
  int               quit;         /* atomic */

  /* Touched only by the worker thread. */
  StrataDatabase   *database;
  guint             state_generation;
  guint             running_generation;
  gboolean          dense;
  gint64            min_rowid;
  guint             n_keys;
  GPtrArray        *boundaries;   /* per page: an array of n_keys sqlite3_value* */
  char             *page_sql;     /* WHERE filter AND key >= start ORDER BY key LIMIT */
  char             *last_page_sql; /* ORDER BY key DESC LIMIT ?, while the walk is pending */
  char             *walk_sql;     /* the walk to come */
  gboolean          walk_pending; /* the keys are walked after the first page */
  GPtrArray        *filter_values;
  guint             n_columns;
  guint             n_rows;
} Worker;

typedef struct
{
  Worker    *worker;
  JobKind    kind;
  guint      generation;
  guint      page;
  GStrv      columns;
  GStrv      search_columns; /* JOB_OPEN: where the search looks */
  GStrv      widest;         /* JOB_OPEN: the longest value sampled per column */
  guint      n_rows;
  GPtrArray *rows;      /* char ** arrays of n_columns values */
  guint      n_columns;
  GError    *error;
} Result;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->filters, g_ptr_array_unref);
  g_free (job);
}

static void
boundary_free (gpointer data)
{
  sqlite3_value **values = data;

  for (guint i = 0; values[i] != NULL; i++)
    sqlite3_value_free (values[i]);
  g_free (values);
}

static void
worker_reset (Worker *worker)
{
  g_clear_pointer (&worker->boundaries, g_ptr_array_unref);
  g_clear_pointer (&worker->page_sql, g_free);
  g_clear_pointer (&worker->last_page_sql, g_free);
  g_clear_pointer (&worker->walk_sql, g_free);
  g_clear_pointer (&worker->filter_values, g_ptr_array_unref);
  worker->dense = FALSE;
  worker->walk_pending = FALSE;
  worker->n_rows = 0;
  worker->n_columns = 0;
  worker->n_keys = 0;
  worker->state_generation = 0;
}

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;
  worker_reset (worker);
  g_clear_object (&worker->database);
  g_weak_ref_clear (&worker->model);
  g_async_queue_unref (worker->jobs);
  g_main_context_unref (worker->context);
  g_object_unref (worker->file);
  g_free (worker->table);
  g_free (worker);
}

static void
result_free (Result *result)
{
  /* Rows that no page took (a stale result, a shrunken table) are freed here. */
  for (guint i = 0; result->rows != NULL && i < result->rows->len; i++)
    {
      char **row = result->rows->pdata[i];

      for (guint j = 0; row != NULL && j < result->n_columns; j++)
        g_free (row[j]);
      g_free (row);
    }
  g_clear_pointer (&result->worker, worker_unref);
  g_strfreev (result->columns);
  g_strfreev (result->search_columns);
  g_strfreev (result->widest);
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static int
progress_cb (gpointer user_data)
{
  Worker *worker = user_data;

  /* A newer request or the model's end interrupts the running statement. */
  return g_atomic_int_get (&worker->quit) ||
         (guint)g_atomic_int_get (&worker->generation) != worker->running_generation;
}

static gboolean
set_sqlite_error (Worker  *worker,
                  GError **error)
{
  if (progress_cb (worker))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  else
    strata_database_set_error (worker->database, error, STRATA_ERROR_DATABASE,
                               _("Could not read the rows"));
  return FALSE;
}

static sqlite3_stmt *
worker_prepare (Worker      *worker,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (strata_database_get_handle (worker->database), sql, -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (worker, error);
      return NULL;
    }
  return stmt;
}

static gboolean
ensure_database (Worker  *worker,
                 GError **error)
{
  if (worker->database != NULL)
    return TRUE;
  if (!g_file_query_exists (worker->file, NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("The database does not exist yet"));
      return FALSE;
    }
  worker->database = strata_database_open (worker->file, STRATA_DATABASE_FLAGS_READ_ONLY, error);
  if (worker->database == NULL)
    return FALSE;
  sqlite3_progress_handler (strata_database_get_handle (worker->database), 2000,
                            progress_cb, worker);
  return TRUE;
}

typedef struct
{
  GPtrArray *columns;     /* selectable column names (hidden ones left out) */
  GPtrArray *keys;        /* primary key columns, in key order */
  GPtrArray *text_columns; /* the columns the search looks in */
  gboolean   without_rowid;
  gboolean   is_table;
} TableInfo;

static void
table_info_clear (TableInfo *info)
{
  g_clear_pointer (&info->columns, g_ptr_array_unref);
  g_clear_pointer (&info->keys, g_ptr_array_unref);
  g_clear_pointer (&info->text_columns, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TableInfo, table_info_clear)

static gboolean
read_table_info (Worker     *worker,
                 TableInfo  *info,
                 GError    **error)
{
  g_autoptr(GPtrArray) pk = g_ptr_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  info->columns = g_ptr_array_new_with_free_func (g_free);
  info->keys = g_ptr_array_new_with_free_func (g_free);
  info->text_columns = g_ptr_array_new_with_free_func (g_free);

  stmt = worker_prepare (worker,
                         "SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, worker->table, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *)sqlite3_column_text (stmt, 0);

      /* An FTS or R*Tree table holds rows too, paged by rowid like any. */
      info->is_table = g_strcmp0 (type, "table") == 0 || g_strcmp0 (type, "virtual") == 0;
      info->without_rowid = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_finalize (stmt);

  stmt = worker_prepare (worker,
                         "SELECT name, pk, type FROM pragma_table_xinfo(?1) WHERE hidden <> 1 "
                         "ORDER BY cid",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, worker->table, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);
      int position = sqlite3_column_int (stmt, 1);

      g_ptr_array_add (info->columns, g_strdup (name));
      if (_strata_table_type_is_text ((const char *)sqlite3_column_text (stmt, 2)))
        g_ptr_array_add (info->text_columns, g_strdup (name));
      if (position > 0)
        {
          if ((guint)position > pk->len)
            g_ptr_array_set_size (pk, position);
          pk->pdata[position - 1] = info->columns->pdata[info->columns->len - 1];
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (worker, error);

  for (guint i = 0; i < pk->len; i++)
    g_ptr_array_add (info->keys, g_strdup (pk->pdata[i]));
  /* A table of numbers only is still searched, in every column. */
  if (info->text_columns->len == 0)
    for (guint i = 0; i < info->columns->len; i++)
      g_ptr_array_add (info->text_columns, g_strdup (info->columns->pdata[i]));
  return TRUE;
}

static gboolean
has_column (TableInfo  *info,
            const char *name)
{
  for (guint i = 0; i < info->columns->len; i++)
    if (g_ascii_strcasecmp (info->columns->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* The key to page by: the rowid under a name no column shadows, or the
 * primary key of a WITHOUT ROWID table, each identifier quoted. */
static char *
build_key (TableInfo  *info,
           guint      *n_keys,
           GError    **error)
{
  static const char *rowid_names[] = { "rowid", "_rowid_", "oid" };
  g_autoptr(GString) key = g_string_new (NULL);

  if (!info->is_table)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("Only the rows of tables can be browsed"));
      return NULL;
    }
  if (!info->without_rowid)
    {
      for (guint i = 0; i < G_N_ELEMENTS (rowid_names); i++)
        if (!has_column (info, rowid_names[i]))
          {
            *n_keys = 1;
            return g_strdup (rowid_names[i]);
          }
    }
  if (info->keys->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("The table has no key to page its rows by"));
      return NULL;
    }
  for (guint i = 0; i < info->keys->len; i++)
    {
      g_autofree char *quoted = strata_sql_quote_identifier (info->keys->pdata[i]);
      g_string_append_printf (key, "%s%s", i > 0 ? ", " : "", quoted);
    }
  *n_keys = info->keys->len;
  return g_string_free (g_steal_pointer (&key), FALSE);
}

static char *
build_where (Worker     *worker,
             TableInfo  *info,
             GPtrArray  *filters)
{
  worker->filter_values = g_ptr_array_new_with_free_func (g_free);
  return _strata_table_filter_where (filters, info->columns, info->text_columns,
                                     worker->filter_values);
}

static int
bind_filters (Worker       *worker,
              sqlite3_stmt *stmt)
{
  for (guint i = 0; i < worker->filter_values->len; i++)
    sqlite3_bind_text (stmt, i + 1, worker->filter_values->pdata[i], -1, SQLITE_TRANSIENT);
  return worker->filter_values->len;
}

static gboolean
count_dense (Worker      *worker,
             const char  *quoted_table,
             const char  *key,
             GError     **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count, min, max;

  /* Separate sub-queries: SQLite optimizes min() and max() only one at a time. */
  sql = g_strdup_printf ("SELECT (SELECT count(*) FROM %s), (SELECT min(%s) FROM %s), "
                         "(SELECT max(%s) FROM %s)",
                         quoted_table, key, quoted_table, key, quoted_table);
  if ((stmt = worker_prepare (worker, sql, error)) == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return set_sqlite_error (worker, error);
    }
  count = sqlite3_column_int64 (stmt, 0);
  min = sqlite3_column_int64 (stmt, 1);
  max = sqlite3_column_int64 (stmt, 2);
  sqlite3_finalize (stmt);

  worker->n_rows = (guint)MIN (count, (gint64)G_MAXUINT);
  worker->min_rowid = min;
  worker->dense = count == 0 || max - min + 1 == count;
  return TRUE;
}

/* Called every WALK_CHUNK keys of a walk; FALSE stops it. */
typedef gboolean (*WalkHook) (Worker  *worker,
                              gpointer data);

#define WALK_CHUNK (64 * PAGE_SIZE)

static gboolean
scan_boundaries (Worker      *worker,
                 const char  *sql_in,
                 WalkHook     hook,
                 gpointer     hook_data,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  guint n = 0;
  int rc;

  if ((stmt = worker_prepare (worker, sql_in, error)) == NULL)
    return FALSE;
  bind_filters (worker, stmt);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n % PAGE_SIZE == 0)
        {
          sqlite3_value **values = g_new0 (sqlite3_value *, worker->n_keys + 1);

          for (guint i = 0; i < worker->n_keys; i++)
            values[i] = sqlite3_value_dup (sqlite3_column_value (stmt, i));
          g_ptr_array_add (worker->boundaries, values);
        }
      if (n == G_MAXUINT - 1)
        break;
      n++;
      if (hook != NULL && n % WALK_CHUNK == 0 && !hook (worker, hook_data))
        {
          sqlite3_finalize (stmt);
          return TRUE;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_sqlite_error (worker, error);
  if (hook == NULL)
    worker->n_rows = n;
  return TRUE;
}

static void read_rows (Worker       *worker,
                       sqlite3_stmt *stmt,
                       Result       *result,
                       int          *rc);
static void dispatch_result (Worker *worker,
                             Result *result);

/* The first page needs no count and no walk: the start of the key order. */
static gboolean
send_first_rows (Worker      *worker,
                 Job         *job,
                 TableInfo   *info,
                 const char  *columns,
                 const char  *quoted_table,
                 const char  *where,
                 const char  *key,
                 GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d",
                                          columns, quoted_table, where, key, PAGE_SIZE);
  Result *result;
  sqlite3_stmt *stmt;
  int rc;

  if ((stmt = worker_prepare (worker, sql, error)) == NULL)
    return FALSE;
  bind_filters (worker, stmt);
  result = g_new0 (Result, 1);
  read_rows (worker, stmt, result, &rc);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      result_free (result);
      return set_sqlite_error (worker, error);
    }
  result->worker = worker_ref (worker);
  result->kind = JOB_FIRST_ROWS;
  result->generation = job->generation;
  result->columns = g_new0 (char *, info->columns->len + 1);
  for (guint i = 0; i < info->columns->len; i++)
    result->columns[i] = g_strdup (info->columns->pdata[i]);
  dispatch_result (worker, result);
  return TRUE;
}

static char *
key_descending (TableInfo  *info,
                const char *key)
{
  g_autoptr(GString) desc = g_string_new (NULL);

  if (!info->without_rowid)
    return g_strdup_printf ("%s DESC", key);
  for (guint i = 0; i < info->keys->len; i++)
    {
      g_autofree char *quoted = strata_sql_quote_identifier (info->keys->pdata[i]);
      g_string_append_printf (desc, "%s%s DESC", i > 0 ? ", " : "", quoted);
    }
  return g_string_free (g_steal_pointer (&desc), FALSE);
}

static GStrv
steal_strv (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (GStrv)g_ptr_array_steal (array, NULL);
}

static gboolean
worker_open (Worker     *worker,
             Job        *job,
             Result     *result,
             GError    **error)
{
  g_auto(TableInfo) info = { NULL, };
  g_autofree char *quoted_table = NULL;
  g_autofree char *key = NULL;
  g_autofree char *where = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *key_compare = NULL;
  g_autofree char *desc = NULL;

  worker_reset (worker);
  if (!ensure_database (worker, error) || !read_table_info (worker, &info, error))
    return FALSE;
  if (info.columns->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("There is no table named “%s”"), worker->table);
      return FALSE;
    }
  if ((key = build_key (&info, &worker->n_keys, error)) == NULL)
    return FALSE;

  quoted_table = strata_sql_quote_identifier (worker->table);
  where = build_where (worker, &info, job->filters);
  for (guint i = 0; i < info.columns->len; i++)
    {
      g_autofree char *quoted = strata_sql_quote_identifier (info.columns->pdata[i]);
      g_autofree char *previous = g_steal_pointer (&columns);
      columns = previous ? g_strconcat (previous, ", ", quoted, NULL) : g_strdup (quoted);
    }
  worker->n_columns = info.columns->len;
  if (!send_first_rows (worker, job, &info, columns, quoted_table, where, key, error))
    return FALSE;

  if (worker->filter_values->len == 0 && g_str_equal (where, "1") && worker->n_keys == 1 &&
      !info.without_rowid)
    {
      if (!count_dense (worker, quoted_table, key, error))
        return FALSE;
    }
  if (!worker->dense)
    {
      g_autofree char *walk_sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s ORDER BY %s",
                                                   key, quoted_table, where, key);

      /* Counted already (a rowid table without a filter): walk after the
       * first page. Otherwise the walk is what counts. */
      worker->walk_pending = worker->n_keys == 1 && !info.without_rowid &&
                             worker->filter_values->len == 0 && g_str_equal (where, "1");
      worker->boundaries = g_ptr_array_new_with_free_func (boundary_free);
      if (worker->walk_pending)
        worker->walk_sql = g_steal_pointer (&walk_sql);
      else if (!scan_boundaries (worker, walk_sql, NULL, NULL, error))
        return FALSE;
    }

  if (worker->n_keys == 1)
    key_compare = g_strdup_printf ("%s >= ?", key);
  else
    {
      g_autoptr(GString) marks = g_string_new (NULL);
      for (guint i = 0; i < worker->n_keys; i++)
        g_string_append (marks, i ? ", ?" : "?");
      key_compare = g_strdup_printf ("(%s) >= (%s)", key, marks->str);
    }
  worker->page_sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s AND %s ORDER BY %s LIMIT %d",
                                      columns, quoted_table, where, key_compare, key, PAGE_SIZE);
  if (worker->walk_pending)
    worker->last_page_sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s DESC LIMIT ?",
                                             columns, quoted_table, key);
  worker->state_generation = job->generation;

  desc = key_descending (&info, key);
  result->widest = _strata_table_sample_widest (strata_database_get_handle (worker->database),
                                                worker->n_columns, columns, quoted_table, key,
                                                desc, !info.without_rowid);
  result->search_columns = steal_strv (info.text_columns);
  result->columns = steal_strv (info.columns);
  result->n_rows = worker->n_rows;
  return TRUE;
}

static guint
last_page_index (Worker *worker)
{
  return worker->n_rows == 0 ? 0 : (worker->n_rows - 1) / PAGE_SIZE;
}

static void
read_rows (Worker       *worker,
           sqlite3_stmt *stmt,
           Result       *result,
           int          *rc)
{
  result->n_columns = worker->n_columns;
  result->rows = g_ptr_array_new ();
  while ((*rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **values = g_new0 (char *, worker->n_columns);

      for (guint i = 0; i < worker->n_columns; i++)
        values[i] = _strata_table_value_to_text (stmt, i);
      g_ptr_array_add (result->rows, values);
    }
}

/* Before the walk has found where the last page starts, it is read backwards
 * from the largest rowid. Only a rowid table without a filter gets here. */
static gboolean
last_page (Worker     *worker,
           Job        *job,
           Result     *result,
           GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (job->page != last_page_index (worker) || worker->last_page_sql == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Not walked yet");
      return FALSE;
    }
  if ((stmt = worker_prepare (worker, worker->last_page_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, worker->n_rows - (gint64)job->page * PAGE_SIZE);
  read_rows (worker, stmt, result, &rc);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (worker, error);
  /* Read backwards: put the rows in key order. */
  for (guint i = 0, j = result->rows->len; i + 1 < j; i++, j--)
    {
      gpointer tmp = result->rows->pdata[i];

      result->rows->pdata[i] = result->rows->pdata[j - 1];
      result->rows->pdata[j - 1] = tmp;
    }
  return TRUE;
}

static gboolean
worker_page (Worker     *worker,
             Job        *job,
             Result     *result,
             GError    **error)
{
  sqlite3_stmt *stmt;
  int n_bound;
  int rc;

  if (worker->state_generation != job->generation || worker->page_sql == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stale");
      return FALSE;
    }
  if ((gint64)job->page * PAGE_SIZE >= worker->n_rows)
    {
      result->rows = g_ptr_array_new ();
      return TRUE;
    }
  if (!worker->dense && job->page >= worker->boundaries->len && job->page != 0)
    return last_page (worker, job, result, error);
  if ((stmt = worker_prepare (worker, worker->page_sql, error)) == NULL)
    return FALSE;

  n_bound = bind_filters (worker, stmt);
  /* Before the walk, the first page starts at the smallest rowid. */
  if (worker->dense || (job->page == 0 && worker->walk_pending))
    sqlite3_bind_int64 (stmt, n_bound + 1, worker->min_rowid + (gint64)job->page * PAGE_SIZE);
  else
    {
      sqlite3_value **start = g_ptr_array_index (worker->boundaries, job->page);
      for (guint i = 0; i < worker->n_keys; i++)
        sqlite3_bind_value (stmt, n_bound + 1 + i, start[i]);
    }

  read_rows (worker, stmt, result, &rc);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (worker, error);
  return TRUE;
}

static void
run_page (Worker *worker,
          Job    *job)
{
  Result *result = g_new0 (Result, 1);

  result->worker = worker_ref (worker);
  result->kind = JOB_PAGE;
  result->generation = job->generation;
  result->page = job->page;
  if (!worker_page (worker, job, result, &result->error))
    g_assert (result->error != NULL);
  dispatch_result (worker, result);
}

static gboolean
page_ready (Worker *worker,
            guint   page)
{
  return page == 0 || page == last_page_index (worker) || page < worker->boundaries->len ||
         (gint64)page * PAGE_SIZE >= worker->n_rows;
}

/* Between chunks of the walk: answers the pages it can, keeps the others
 * for after it, and stops for a reload or the end. */
static gboolean
walk_hook (Worker   *worker,
           gpointer  data)
{
  GQueue *waiting = data;
  Job *job;

  while ((job = g_async_queue_try_pop (worker->jobs)) != NULL)
    {
      if (job->kind != JOB_PAGE || g_atomic_int_get (&worker->quit))
        {
          g_async_queue_push_front (worker->jobs, job);
          return FALSE;
        }
      if (job->generation != (guint)g_atomic_int_get (&worker->generation))
        {
          /* Asked for before a reload: nobody waits for it. A reload's
           * own job comes next and stops the walk. */
          job_free (job);
          continue;
        }
      if (page_ready (worker, job->page))
        {
          run_page (worker, job);
          job_free (job);
        }
      else
        g_queue_push_tail (waiting, job);
    }
  return TRUE;
}

static void
walk_keys (Worker *worker)
{
  g_autoptr(GError) error = NULL;
  GQueue waiting = G_QUEUE_INIT;
  Job *job;

  if (!scan_boundaries (worker, worker->walk_sql, walk_hook, &waiting, &error))
    g_debug ("Walking the keys of %s: %s", worker->table, error->message);
  worker->walk_pending = FALSE;
  g_clear_pointer (&worker->walk_sql, g_free);
  /* Pages asked for during the walk, oldest last as the queue does. */
  while ((job = g_queue_pop_tail (&waiting)) != NULL)
    {
      if (job->generation == (guint)g_atomic_int_get (&worker->generation))
        run_page (worker, job);
      job_free (job);
    }
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Job *job;

  while ((job = g_async_queue_pop (worker->jobs)) != NULL)
    {
      Result *result;
      gboolean ok;

      if (job->kind == JOB_QUIT || g_atomic_int_get (&worker->quit))
        {
          job_free (job);
          break;
        }
      if (job->generation != (guint)g_atomic_int_get (&worker->generation))
        {
          job_free (job);
          continue;
        }

      worker->running_generation = job->generation;
      result = g_new0 (Result, 1);
      result->worker = worker_ref (worker);
      result->kind = job->kind;
      result->generation = job->generation;
      result->page = job->page;
      if (job->kind == JOB_OPEN)
        ok = worker_open (worker, job, result, &result->error);
      else
        ok = worker_page (worker, job, result, &result->error);
      g_assert (ok || result->error != NULL);
      dispatch_result (worker, result);
      if (ok && worker->walk_pending)
        walk_keys (worker);
      job_free (job);
    }

  /* The connection belongs to this thread: close it here. */
  g_clear_object (&worker->database);
  worker_unref (worker);
  return NULL;
}

/* StrataTableModel */

typedef struct
{
  guint      index;
  guint64    last_used;
  GPtrArray *rows;   /* StrataTableRow */
} Page;

struct _StrataTableModel
{
  GObject     parent_instance;

  GFile      *file;
  char       *table;
  Worker     *worker;
  GPtrArray  *filters;
  GStrv       columns;
  GStrv       search_columns;
  GStrv       widest;
  char       *error_message;
  GHashTable *pages;      /* page index -> Page */
  GHashTable *requested;  /* page indices asked of the worker */
  guint64     clock;
  guint       generation;
  guint       n_items;
  guint       loading : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataTableModel, strata_table_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_FILE,
  PROP_TABLE,
  PROP_COLUMNS,
  PROP_LOADING,
  PROP_ERROR_MESSAGE,
  PROP_N_ITEMS,
  PROP_WIDEST_VALUES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void
push_job (StrataTableModel *self,
          JobKind           kind,
          guint             page)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->generation = self->generation;
  job->page = page;
  if (kind == JOB_OPEN)
    {
      job->filters = g_ptr_array_copy (self->filters, _strata_table_filter_copy, NULL);
      g_ptr_array_set_free_func (job->filters, (GDestroyNotify)_strata_table_filter_free);
    }

  /* Newest first: the page a person scrolled to last is the one they look at. */
  g_async_queue_push_front (self->worker->jobs, job);
}

static void
set_loading (StrataTableModel *self,
             gboolean          loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error_message (StrataTableModel *self,
                   const char       *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
start_open (StrataTableModel *self)
{
  g_assert (STRATA_IS_TABLE_MODEL (self));

  self->generation++;
  g_atomic_int_set (&self->worker->generation, self->generation);
  g_hash_table_remove_all (self->pages);
  g_hash_table_remove_all (self->requested);
  set_loading (self, TRUE);
  push_job (self, JOB_OPEN, 0);
}

static void
evict_pages (StrataTableModel *self,
             guint             keep)
{
  while (g_hash_table_size (self->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      Page *page, *oldest = NULL;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&page))
        if (page->index != keep && (oldest == NULL || page->last_used < oldest->last_used))
          oldest = page;
      if (oldest == NULL)
        break;
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
    }
}

static guint
page_length (StrataTableModel *self,
             guint             index)
{
  guint start = index * PAGE_SIZE;

  return start >= self->n_items ? 0 : MIN (PAGE_SIZE, self->n_items - start);
}

static void
add_page (StrataTableModel *self,
          guint             index,
          GPtrArray        *values,
          guint             n_columns)
{
  Page *page = g_new0 (Page, 1);
  guint length = page_length (self, index);

  page->index = index;
  page->last_used = ++self->clock;
  page->rows = g_ptr_array_new_full (length, g_object_unref);
  for (guint i = 0; i < length; i++)
    {
      /* Rows that vanished since the count (another writer) show as empty. */
      char **row = i < values->len ? g_steal_pointer (&values->pdata[i]) : g_new0 (char *, n_columns);
      g_ptr_array_add (page->rows, _strata_table_row_new (index * PAGE_SIZE + i, n_columns, row));
    }
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);
  evict_pages (self, index);
}

static void
set_columns (StrataTableModel *self,
             GStrv             columns)
{
  if (self->columns != NULL && columns != NULL &&
      g_strv_equal ((const char * const *)self->columns, (const char * const *)columns))
    {
      g_strfreev (columns);
      return;
    }
  g_strfreev (self->columns);
  self->columns = columns;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMNS]);
}

/* The first page, before the count: n-items is its length for now. */
static void
apply_first_rows (StrataTableModel *self,
                  Result           *result)
{
  guint old_n_items = self->n_items;

  set_columns (self, g_steal_pointer (&result->columns));
  set_error_message (self, NULL);
  self->n_items = result->rows->len;
  add_page (self, 0, result->rows, result->n_columns);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
apply_open (StrataTableModel *self,
            Result           *result)
{
  guint old_n_items = self->n_items;
  Page *first = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (0));

  set_columns (self, g_steal_pointer (&result->columns));
  g_strfreev (self->search_columns);
  self->search_columns = g_steal_pointer (&result->search_columns);
  if (result->widest != NULL)
    {
      g_strfreev (self->widest);
      self->widest = g_steal_pointer (&result->widest);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDEST_VALUES]);
    }
  self->n_items = result->n_rows;
  set_error_message (self, NULL);
  set_loading (self, FALSE);

  /* The first page shown before the count stays when the count agrees with
   * it: the rows after it are added. Otherwise (another writer changed the
   * table in between) every row is replaced and the first page read again. */
  if (first != NULL && first->rows->len == page_length (self, 0) && self->n_items >= old_n_items)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n_items, 0, self->n_items - old_n_items);
  else
    {
      g_hash_table_remove_all (self->pages);
      if (self->n_items > 0)
        {
          g_hash_table_add (self->requested, GUINT_TO_POINTER (0));
          push_job (self, JOB_PAGE, 0);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
    }
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
apply_error (StrataTableModel *self,
             Result           *result)
{
  guint old_n_items = self->n_items;

  g_hash_table_remove (self->requested, GUINT_TO_POINTER (result->page));
  if (result->kind != JOB_OPEN)
    {
      g_warning ("Could not read rows of %s: %s", self->table, result->error->message);
      return;
    }
  g_clear_pointer (&self->columns, g_strfreev);
  self->n_items = 0;
  set_error_message (self, result->error->message);
  set_loading (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMNS]);
  if (old_n_items > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

static gboolean
result_ready_cb (gpointer data)
{
  Result *result = data;
  g_autoptr(StrataTableModel) self = g_weak_ref_get (&result->worker->model);
  guint length;

  if (self == NULL || result->generation != self->generation)
    return G_SOURCE_REMOVE;

  if (result->error != NULL)
    {
      if (!g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        apply_error (self, result);
      return G_SOURCE_REMOVE;
    }
  if (result->kind == JOB_OPEN)
    {
      apply_open (self, result);
      return G_SOURCE_REMOVE;
    }
  if (result->kind == JOB_FIRST_ROWS)
    {
      apply_first_rows (self, result);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_remove (self->requested, GUINT_TO_POINTER (result->page));
  length = page_length (self, result->page);
  add_page (self, result->page, result->rows, result->n_columns);
  if (length > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), result->page * PAGE_SIZE, length, length);
  return G_SOURCE_REMOVE;
}

static void
dispatch_result (Worker *worker,
                 Result *result)
{
  GSource *source = g_idle_source_new ();

  /* Always through a source: g_main_context_invoke() would run the callback
   * right here, on the worker, whenever no thread owns the context. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, result_ready_cb, result, (GDestroyNotify)result_free);
  g_source_set_static_name (source, "[strata-table-model-result]");
  g_source_attach (source, worker->context);
  g_source_unref (source);
}

static GType
strata_table_model_get_item_type (GListModel *model)
{
  return STRATA_TYPE_TABLE_ROW;
}

static guint
strata_table_model_get_n_items (GListModel *model)
{
  return STRATA_TABLE_MODEL (model)->n_items;
}

static gpointer
strata_table_model_get_item (GListModel *model,
                             guint       position)
{
  StrataTableModel *self = STRATA_TABLE_MODEL (model);
  guint index = position / PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page != NULL && position % PAGE_SIZE < page->rows->len)
    {
      page->last_used = ++self->clock;
      return g_object_ref (g_ptr_array_index (page->rows, position % PAGE_SIZE));
    }

  /* While a reload is under way the old positions mean nothing: wait for it. */
  if (!self->loading && !g_hash_table_contains (self->requested, GUINT_TO_POINTER (index)))
    {
      g_hash_table_add (self->requested, GUINT_TO_POINTER (index));
      push_job (self, JOB_PAGE, index);
    }
  return _strata_table_row_new (position, self->columns ? g_strv_length (self->columns) : 0, NULL);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = strata_table_model_get_item_type;
  iface->get_n_items = strata_table_model_get_n_items;
  iface->get_item = strata_table_model_get_item;
}

static void
strata_table_model_constructed (GObject *object)
{
  StrataTableModel *self = (StrataTableModel *)object;
  Worker *worker;

  G_OBJECT_CLASS (strata_table_model_parent_class)->constructed (object);

  worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&worker->ref_count);
  g_weak_ref_init (&worker->model, self);
  worker->jobs = g_async_queue_new_full ((GDestroyNotify)job_free);
  worker->context = g_main_context_ref_thread_default ();
  worker->file = g_object_ref (self->file);
  worker->table = g_strdup (self->table);
  self->worker = worker;

  g_thread_unref (g_thread_new ("strata-table-model", worker_thread, worker_ref (worker)));
  start_open (self);
}

static void
strata_table_model_dispose (GObject *object)
{
  StrataTableModel *self = (StrataTableModel *)object;

  if (self->worker != NULL)
    {
      Job *job = g_new0 (Job, 1);

      /* The thread finishes on its own; interrupting its statement first. */
      job->kind = JOB_QUIT;
      g_atomic_int_set (&self->worker->quit, TRUE);
      g_async_queue_push_front (self->worker->jobs, job);
      g_clear_pointer (&self->worker, worker_unref);
    }
  g_hash_table_remove_all (self->pages);

  G_OBJECT_CLASS (strata_table_model_parent_class)->dispose (object);
}

static void
strata_table_model_finalize (GObject *object)
{
  StrataTableModel *self = (StrataTableModel *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->filters, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_strfreev);
  g_clear_pointer (&self->search_columns, g_strfreev);
  g_clear_pointer (&self->widest, g_strfreev);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->requested, g_hash_table_unref);

  G_OBJECT_CLASS (strata_table_model_parent_class)->finalize (object);
}

static void
strata_table_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataTableModel *self = STRATA_TABLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TABLE:
      g_value_set_string (value, self->table);
      break;
    case PROP_COLUMNS:
      g_value_set_boxed (value, self->columns);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_WIDEST_VALUES:
      g_value_set_boxed (value, self->widest);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_table_model_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  StrataTableModel *self = STRATA_TABLE_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_TABLE:
      self->table = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_table_model_class_init (StrataTableModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = strata_table_model_constructed;
  object_class->dispose = strata_table_model_dispose;
  object_class->finalize = strata_table_model_finalize;
  object_class->get_property = strata_table_model_get_property;
  object_class->set_property = strata_table_model_set_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, co);
  properties[PROP_TABLE] = g_param_spec_string ("table", NULL, NULL, NULL, co);
  properties[PROP_COLUMNS] = g_param_spec_boxed ("columns", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_WIDEST_VALUES] = g_param_spec_boxed ("widest-values", NULL, NULL, G_TYPE_STRV, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_table_model_init (StrataTableModel *self)
{
  self->filters = g_ptr_array_new_with_free_func ((GDestroyNotify)_strata_table_filter_free);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)page_free);
  self->requested = g_hash_table_new (NULL, NULL);
}

StrataTableModel *
strata_table_model_new (GFile      *file,
                        const char *table)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (table != NULL, NULL);

  return g_object_new (STRATA_TYPE_TABLE_MODEL, "file", file, "table", table, NULL);
}

GFile *
strata_table_model_get_file (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return self->file;
}

const char *
strata_table_model_get_table (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return self->table;
}

const char * const *
strata_table_model_get_columns (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return (const char * const *)self->columns;
}

gboolean
strata_table_model_get_loading (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), FALSE);
  return self->loading;
}

const char * const *
strata_table_model_get_search_columns (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return (const char * const *)self->search_columns;
}

const char * const *
strata_table_model_get_widest_values (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return (const char * const *)self->widest;
}

const char *
strata_table_model_get_error_message (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);
  return self->error_message;
}

static gboolean
remove_filter (StrataTableModel *self,
               const char       *column)
{
  for (guint i = 0; i < self->filters->len; i++)
    {
      StrataTableFilter *filter = g_ptr_array_index (self->filters, i);

      if (g_strcmp0 (filter->column, column) == 0)
        {
          g_ptr_array_remove_index (self->filters, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
strata_table_model_set_filter (StrataTableModel     *self,
                               const char           *column,
                               StrataFilterOperator  op,
                               const char           *value)
{
  StrataTableFilter *filter;

  g_return_if_fail (STRATA_IS_TABLE_MODEL (self));
  g_return_if_fail (column != NULL);
  g_return_if_fail (op <= STRATA_FILTER_IS_NOT_NULL);

  remove_filter (self, column);
  if (value != NULL || !_strata_table_filter_takes_value (op))
    {
      filter = g_new0 (StrataTableFilter, 1);
      filter->column = g_strdup (column);
      filter->op = op;
      filter->value = g_strdup (value);
      g_ptr_array_add (self->filters, filter);
    }
  start_open (self);
}

void
strata_table_model_set_search (StrataTableModel *self,
                               const char       *text)
{
  gboolean had_search;

  g_return_if_fail (STRATA_IS_TABLE_MODEL (self));

  if (text != NULL && text[0] == '\0')
    text = NULL;
  if (g_strcmp0 (text, strata_table_model_get_search (self)) == 0)
    return;
  had_search = remove_filter (self, NULL);
  if (text != NULL)
    {
      StrataTableFilter *filter = g_new0 (StrataTableFilter, 1);

      filter->op = STRATA_FILTER_LIKE;
      filter->value = g_strdup (text);
      g_ptr_array_add (self->filters, filter);
    }
  if (had_search || text != NULL)
    start_open (self);
}

const char *
strata_table_model_get_search (StrataTableModel *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_MODEL (self), NULL);

  for (guint i = 0; i < self->filters->len; i++)
    {
      StrataTableFilter *filter = g_ptr_array_index (self->filters, i);

      if (filter->column == NULL)
        return filter->value;
    }
  return NULL;
}

void
strata_table_model_clear_filters (StrataTableModel *self)
{
  g_return_if_fail (STRATA_IS_TABLE_MODEL (self));

  if (self->filters->len == 0)
    return;
  g_ptr_array_set_size (self->filters, 0);
  start_open (self);
}

void
strata_table_model_reload (StrataTableModel *self)
{
  g_return_if_fail (STRATA_IS_TABLE_MODEL (self));

  start_open (self);
}
