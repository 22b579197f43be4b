/* strata-json-functions.c: SQLite's JSON functions, usable in a schema with
 * trusted_schema off
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-json-functions-private.h"

/* SQLite's own flag values, spelled out for SQLite versions whose header
 * lacks them; they are part of the stable C interface. */
#ifndef SQLITE_INNOCUOUS
# define SQLITE_INNOCUOUS 0x000200000
#endif
#define JSON_SUBTYPE 'J'

/* SQLite 3.40 (Debian 12) builds its JSON functions without SQLITE_INNOCUOUS,
 * so with trusted_schema off a CHECK, an index or a generated column that
 * calls json_valid() makes the whole schema unreadable. They are pure
 * functions of their arguments, with no side effect, so each connection gets
 * its own copies of them marked innocuous. A copy cannot reach the built-in
 * code directly, so it asks a private in-memory connection, where the
 * built-ins are still the ones found, to evaluate the same call. Only the
 * functions that the running SQLite leaves unmarked are replaced; a newer
 * SQLite that marks them needs nothing. See docs/reliability.md. */

typedef struct
{
  char *name;
  int   n_arg;
} JsonFunction;

typedef struct
{
  gint        ref_count;
  sqlite3    *helper;
  GHashTable *statements;
} Bridge;

typedef struct
{
  Bridge *bridge;
  char   *name;
} Wrapper;

static Bridge *
bridge_ref (Bridge *bridge)
{
  g_atomic_int_inc (&bridge->ref_count);
  return bridge;
}

static void
bridge_unref (Bridge *bridge)
{
  if (!g_atomic_int_dec_and_test (&bridge->ref_count))
    return;
  g_clear_pointer (&bridge->statements, g_hash_table_unref);
  g_clear_pointer (&bridge->helper, sqlite3_close_v2);
  g_free (bridge);
}

static void
wrapper_free (void *data)
{
  Wrapper *wrapper = data;

  bridge_unref (wrapper->bridge);
  g_free (wrapper->name);
  g_free (wrapper);
}

static gboolean
is_operator (const char *name)
{
  return name[0] == '-';
}

/* The call as the helper evaluates it. An argument that is JSON produced by
 * another JSON function (subtype 'J') is passed through json() again, since a
 * bound parameter loses its subtype: json_object('a', json('[1]')) still
 * nests an array rather than a string. */
static char *
call_sql (const char     *name,
          int             argc,
          sqlite3_value **argv)
{
  GString *sql = g_string_new ("SELECT ");

  g_assert (name != NULL);

  if (!is_operator (name))
    g_string_append_printf (sql, "%s(", name);
  for (int i = 0; i < argc; i++)
    {
      if (i > 0)
        g_string_append (sql, is_operator (name) ? name : ", ");
      if (sqlite3_value_subtype (argv[i]) == JSON_SUBTYPE)
        g_string_append_printf (sql, "json(?%d)", i + 1);
      else
        g_string_append_printf (sql, "?%d", i + 1);
    }
  if (!is_operator (name))
    g_string_append_c (sql, ')');
  return g_string_free (sql, FALSE);
}

static sqlite3_stmt *
statement_for (Bridge     *bridge,
               const char *sql)
{
  sqlite3_stmt *stmt;

  g_assert (bridge != NULL);

  if (bridge->helper == NULL &&
      sqlite3_open_v2 (":memory:", &bridge->helper,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return NULL;
  stmt = g_hash_table_lookup (bridge->statements, sql);
  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (bridge->helper, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
      != SQLITE_OK)
    return NULL;
  g_hash_table_insert (bridge->statements, g_strdup (sql), stmt);
  return stmt;
}

static void
report_failure (sqlite3_context *context,
                Bridge          *bridge)
{
  int rc = bridge->helper != NULL ? sqlite3_errcode (bridge->helper) : SQLITE_NOMEM;

  if (rc == SQLITE_NOMEM)
    sqlite3_result_error_nomem (context);
  else if (rc == SQLITE_TOOBIG)
    sqlite3_result_error_toobig (context);
  else
    sqlite3_result_error (context, sqlite3_errmsg (bridge->helper), -1);
}

static void
call_cb (sqlite3_context  *context,
         int               argc,
         sqlite3_value   **argv)
{
  Wrapper *wrapper = sqlite3_user_data (context);
  g_autofree char *sql = call_sql (wrapper->name, argc, argv);
  sqlite3_stmt *stmt = statement_for (wrapper->bridge, sql);
  int rc = SQLITE_ERROR;

  if (stmt == NULL)
    {
      report_failure (context, wrapper->bridge);
      return;
    }
  for (int i = 0; i < argc; i++)
    sqlite3_bind_value (stmt, i + 1, argv[i]);
  rc = sqlite3_step (stmt);
  /* sqlite3_result_value() copies the value and its subtype, so the result
   * outlives the reset below and still reads as JSON to an outer call. */
  if (rc == SQLITE_ROW)
    sqlite3_result_value (context, sqlite3_column_value (stmt, 0));
  else
    report_failure (context, wrapper->bridge);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Read once per process, on a connection of our own, so the list is the
 * built-ins' and never a connection's replacements. */
static GArray *
unmarked_functions (void)
{
  static GArray *functions = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (!g_once_init_enter (&functions))
    return functions;

  {
    GArray *found = g_array_new (FALSE, TRUE, sizeof (JsonFunction));

    if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
        == SQLITE_OK &&
        sqlite3_prepare_v2 (db,
                            "SELECT name, narg FROM pragma_function_list "
                            "WHERE type = 's' AND (name LIKE 'json%' OR name IN ('->', '->>')) "
                            "AND flags & ?1 = 0 AND flags & ?2 != 0",
                            -1, &stmt, NULL) == SQLITE_OK)
      {
        sqlite3_bind_int (stmt, 1, SQLITE_INNOCUOUS);
        sqlite3_bind_int (stmt, 2, SQLITE_DETERMINISTIC);
        while (sqlite3_step (stmt) == SQLITE_ROW)
          {
            JsonFunction function = {
              g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
              sqlite3_column_int (stmt, 1),
            };
            g_array_append_val (found, function);
          }
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_once_init_leave (&functions, found);
  }
  return functions;
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static Bridge *
bridge_new (void)
{
  Bridge *bridge = g_new0 (Bridge, 1);

  bridge->ref_count = 1;
  bridge->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              statement_free);
  return bridge;
}

int
_strata_json_functions_register (sqlite3 *db)
{
  GArray *functions = unmarked_functions ();
  Bridge *bridge;
  int rc = SQLITE_OK;

  g_return_val_if_fail (db != NULL, SQLITE_MISUSE);

  if (functions->len == 0)
    return SQLITE_OK;
  bridge = bridge_new ();
  for (guint i = 0; i < functions->len && rc == SQLITE_OK; i++)
    {
      const JsonFunction *function = &g_array_index (functions, JsonFunction, i);
      Wrapper *wrapper = g_new0 (Wrapper, 1);

      wrapper->bridge = bridge_ref (bridge);
      wrapper->name = g_strdup (function->name);
      /* On failure SQLite calls wrapper_free itself. */
      rc = sqlite3_create_function_v2 (db, function->name, function->n_arg,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                       wrapper, call_cb, NULL, NULL, wrapper_free);
    }
  bridge_unref (bridge);
  return rc;
}
