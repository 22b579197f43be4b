/* strata-run-statements.c: a run's statements on its connection, and the heads
 * it expects the version table to hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-run-private.h"
#include "strata-status-private.h"
#include "strata-step.h"

char *
_strata_run_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

GPtrArray *
_strata_run_heads_from_strv (const char * const *strv)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    g_ptr_array_add (array, g_strdup (strv[i]));
  g_ptr_array_sort (array, compare_strings);
  return array;
}

GStrv
_strata_run_heads_to_strv (GPtrArray *heads)
{
  GStrv strv = g_new0 (char *, heads->len + 1);

  for (guint i = 0; i < heads->len; i++)
    strv[i] = g_strdup (g_ptr_array_index (heads, i));
  return strv;
}

GPtrArray *
_strata_run_heads_copy (GPtrArray *heads)
{
  GPtrArray *copy = g_ptr_array_new_full (heads->len, g_free);

  for (guint i = 0; i < heads->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (heads, i)));
  return copy;
}

/* "base (no revision)" or "a1b2c3d4e5f6, 0f9e8d7c6b5a", for messages. */
char *
_strata_run_describe_heads (GPtrArray *heads)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (heads->len == 0)
    return g_strdup (_("base (no revision applied)"));
  for (guint i = 0; i < heads->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (heads, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
_strata_run_advance_heads (StrataRun  *run,
                           StrataStep *step)
{
  const char * const *from = strata_step_get_from_heads (step);
  const char * const *to = strata_step_get_to_heads (step);

  for (guint i = 0; from[i] != NULL; i++)
    for (guint j = 0; j < run->heads->len; j++)
      if (strcmp (g_ptr_array_index (run->heads, j), from[i]) == 0)
        {
          g_ptr_array_remove_index (run->heads, j);
          break;
        }
  for (guint i = 0; to[i] != NULL; i++)
    g_ptr_array_add (run->heads, g_strdup (to[i]));
  g_ptr_array_sort (run->heads, compare_strings);
}

gboolean
_strata_run_exec (StrataRun   *run,
                  const char  *sql,
                  GError     **error)
{
  int rc = sqlite3_exec (run->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  if ((rc & 0xff) == SQLITE_BUSY)
    _strata_run_set_busy_error (run, error);
  else
    strata_database_set_error (run->database, error, STRATA_ERROR_DATABASE, NULL);
  return FALSE;
}

gboolean
_strata_run_begin (StrataRun  *run,
                   GError    **error)
{
  if (!_strata_run_exec (run, "BEGIN IMMEDIATE;", error))
    return FALSE;
  _strata_run_write_lock_note (run);
  return TRUE;
}

void
_strata_run_rollback (StrataRun *run)
{
  /* SQLite already rolled back after some errors (an interrupt, a full disk). */
  if (!sqlite3_get_autocommit (run->db))
    sqlite3_exec (run->db, "ROLLBACK;", NULL, NULL, NULL);
}

gboolean
_strata_run_ensure_tables (StrataRun  *run,
                           GError    **error)
{
  g_autofree char *version_table = NULL;

  if (run->tables_ready)
    return TRUE;
  version_table = _strata_version_table_create_sql (run->request->version_table);
  if (!_strata_run_exec (run, version_table, error) ||
      !_strata_run_exec (run, _strata_history_create_sql (), error))
    return FALSE;
  return TRUE;
}

gboolean
_strata_run_check_heads (StrataRun  *run,
                         GError    **error)
{
  g_auto(GStrv) actual = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *actual_text = NULL;
  gboolean same;

  if (!(actual = strata_database_read_heads (run->database, run->request->version_table, error)))
    return FALSE;
  sorted = _strata_run_heads_from_strv ((const char * const *)actual);

  same = sorted->len == run->heads->len;
  for (guint i = 0; same && i < sorted->len; i++)
    same = strcmp (g_ptr_array_index (sorted, i), g_ptr_array_index (run->heads, i)) == 0;
  if (same)
    return TRUE;

  expected_text = _strata_run_describe_heads (run->heads);
  actual_text = _strata_run_describe_heads (sorted);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
               _("another process migrated %s meanwhile: its version table holds %s where %s "
                 "was expected; nothing more was done, run the command again"),
               _strata_database_get_display_name (run->database), actual_text, expected_text);
  return FALSE;
}
