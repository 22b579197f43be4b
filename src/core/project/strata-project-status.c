/* strata-project-status.c: what the project's database says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-database.h"
#include "strata-error.h"
#include "strata-project-private.h"
#include "strata-project-settings-private.h"
#include "strata-status.h"
#include "strata-status-private.h"

/* After a crash the file has a hot journal, which only a connection that may
 * write can roll back; SQLite does that on open, as any later writer would. */
static StrataDatabase *
open_for_reading (GFile   *database_file,
                  GError **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataDatabase *database;

  database = strata_database_open (database_file, STRATA_DATABASE_FLAGS_READ_ONLY, &local_error);
  if (database != NULL ||
      !g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_READ_ONLY))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return database;
    }
  if ((database = strata_database_open (database_file, STRATA_DATABASE_FLAGS_NONE, NULL)))
    return database;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static StrataStatus *
read_status_of (GFile         *database_file,
                const char    *version_table,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* Nothing was applied to a database that does not exist yet. */
  if (!g_file_query_exists (database_file, cancellable))
    return strata_status_new_empty ();
  if (!(database = open_for_reading (database_file, error)))
    return NULL;
  return strata_status_read (database, version_table, error);
}

StrataStatus *
_strata_project_settings_read_status (const StrataProjectSettings  *self,
                                      GCancellable                 *cancellable,
                                      GError                      **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  return read_status_of (self->database_file, self->version_table, cancellable, error);
}

StrataStatus *
strata_project_read_status (StrataProject  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(StrataProjectSettings) settings = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  settings = _strata_project_get_settings (self);
  return _strata_project_settings_read_status (settings, cancellable, error);
}

gboolean
strata_project_ensure_version_table (StrataProject  *self,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataProjectSettings) settings = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  settings = _strata_project_get_settings (self);
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !(database = strata_database_open (settings->database_file, STRATA_DATABASE_FLAGS_CREATE,
                                         error)))
    return FALSE;

  sql = _strata_version_table_create_sql (settings->version_table);
  return strata_database_exec (database, sql, error);
}

static void
read_status_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  StrataStatus *status;

  /* The settings were captured when the call was made, on the caller's
   * thread; the project's database file may change meanwhile. */
  status = _strata_project_settings_read_status (task_data, cancellable, &error);
  if (status != NULL)
    g_task_return_pointer (task, status, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_project_read_status_async (StrataProject       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_PROJECT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_project_read_status_async);
  g_task_set_task_data (task, _strata_project_get_settings (self),
                        (GDestroyNotify)_strata_project_settings_unref);
  g_task_run_in_thread (task, read_status_worker);
}

StrataStatus *
strata_project_read_status_finish (StrataProject  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

