/* strata-sql-check.c: which statements of a revision do not prepare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "strata-database.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-schema.h"
#include "strata-section-private.h"
#include "strata-schema-replay.h"
#include "strata-sql.h"
#include "strata-sql-check.h"

typedef struct
{
  StrataSchemaReplay  *replay;
  GStrv                parents;
  char                *upgrade_sql;
  char                *downgrade_sql;
} CheckData;

static void
problem_free (StrataSqlProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

void
strata_sql_check_free (StrataSqlCheck *check)
{
  if (check == NULL)
    return;
  g_clear_pointer (&check->problems, g_ptr_array_unref);
  g_strfreev (check->names);
  g_free (check);
}

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->replay);
  g_strfreev (data->parents);
  g_free (data->upgrade_sql);
  g_free (data->downgrade_sql);
  g_free (data);
}

typedef struct
{
  StrataDirection  direction;
  GPtrArray       *problems;
} Checking;

/* Statements SQLite cannot read are the problems; each one still lets the
 * statements after it be checked. One that reads but fails to run (a
 * constraint, say) is the data's business, not the text's. */
static gboolean
statement_finished_cb (const StrataSqlCursor      *statement,
                       const StrataSectionFailure *failure,
                       gpointer                    data)
{
  Checking *checking = data;
  StrataSqlProblem *problem;

  if (failure == NULL || failure->outcome != STRATA_SECTION_UNREADABLE)
    return TRUE;
  problem = g_new0 (StrataSqlProblem, 1);
  problem->direction = checking->direction;
  problem->offset = statement->offset;
  problem->length = statement->length;
  problem->line = statement->line;
  problem->message = g_strdup (failure->message);
  g_ptr_array_add (checking->problems, problem);
  return TRUE;
}

/* Runs the section, so that the statements after each one see what it
 * created, with the step engine a live run uses. */
static void
check_section (StrataDatabase  *database,
               StrataDirection  direction,
               const char      *sql,
               GPtrArray       *problems,
               GCancellable    *cancellable)
{
  Checking checking = { direction, problems };
  StrataSectionHooks hooks = { cancellable, NULL, statement_finished_cb, &checking };
  g_auto(StrataSectionFailure) failure = { 0 };
  StrataSection section;

  _strata_section_init_text (&section, sql, direction);
  _strata_section_apply (&section, strata_database_get_handle (database), &hooks, &failure);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *)a, *(const char * const *)b);
}

static void
add_names (GHashTable   *set,
           sqlite3_stmt *stmt)
{
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);

      if (name != NULL && name[0] != '\0' && !g_hash_table_contains (set, name))
        g_hash_table_add (set, g_strdup (name));
    }
}

/* The tables, views and columns, for completion, as strata_schema_dup_names()
 * lists them, without reading the indexes, keys and triggers of every table
 * at each pause in typing. A view SQLite cannot read gives its name only. */
static GStrv
read_names (StrataDatabase *database)
{
  sqlite3 *db = strata_database_get_handle (database);
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  char **names;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                          "AND substr (name, 1, 7) <> 'sqlite_'", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (objects, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info (?1)", -1, &stmt, NULL) ==
      SQLITE_OK)
    for (guint i = 0; i < objects->len; i++)
      {
        const char *object = g_ptr_array_index (objects, i);

        if (!g_hash_table_contains (set, object))
          g_hash_table_add (set, g_strdup (object));
        sqlite3_bind_text (stmt, 1, object, -1, SQLITE_STATIC);
        add_names (set, stmt);
        sqlite3_reset (stmt);
      }
  sqlite3_finalize (stmt);
  names = (char **)g_hash_table_get_keys_as_array (set, NULL);
  g_hash_table_steal_all (set);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return names;
}

StrataSqlCheck *
strata_sql_check (StrataSchemaReplay   *replay,
                  const char * const   *parents,
                  const char           *upgrade_sql,
                  const char           *downgrade_sql,
                  GCancellable         *cancellable,
                  GError              **error)
{
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSqlCheck) check = NULL;

  g_return_val_if_fail (STRATA_IS_SCHEMA_REPLAY (replay), NULL);

  /* The ancestors' schema without their rows, kept by @replay between
   * checks: typing in one revision replays its ancestors once. */
  if (!(database = strata_schema_replay_open (replay, parents, cancellable, error)))
    return NULL;

  check = g_new0 (StrataSqlCheck, 1);
  check->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)problem_free);
  check_section (database, STRATA_DIRECTION_UPGRADE, upgrade_sql, check->problems, cancellable);
  check->names = read_names (database);
  check_section (database, STRATA_DIRECTION_DOWNGRADE, downgrade_sql, check->problems,
                 cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&check);
}

static void
check_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  StrataSqlCheck *check;
  GError *error = NULL;

  check = strata_sql_check (data->replay, (const char * const *)data->parents,
                            data->upgrade_sql, data->downgrade_sql, cancellable, &error);
  if (check == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, check, (GDestroyNotify)strata_sql_check_free);
}

void
strata_sql_check_async (StrataSchemaReplay  *replay,
                        const char * const  *parents,
                        const char          *upgrade_sql,
                        const char          *downgrade_sql,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (STRATA_IS_SCHEMA_REPLAY (replay));

  data = g_new0 (CheckData, 1);
  data->replay = g_object_ref (replay);
  data->parents = g_strdupv ((GStrv)parents);
  data->upgrade_sql = g_strdup (upgrade_sql);
  data->downgrade_sql = g_strdup (downgrade_sql);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_sql_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);
  g_task_run_in_thread (task, check_worker);
}

StrataSqlCheck *
strata_sql_check_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
