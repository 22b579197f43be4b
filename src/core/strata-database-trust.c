/* strata-database-trust.c: FTS and R*Tree tables in the user's own triggers
 * and views, with trusted_schema off
 *
 * Every connection runs with trusted_schema off, so that a view or trigger of
 * someone else's schema cannot reach outside the database. SQLite 3.40's FTS3,
 * FTS4, FTS5 and R*Tree modules do not declare themselves innocuous, and a
 * module cannot be changed from outside, so with the setting off the usual
 * sync trigger of an external-content index (AFTER INSERT ON doc BEGIN INSERT
 * INTO doc_fts …) makes every statement that fires it fail to prepare with
 * "unsafe use of virtual table", and so does a view over such a table.
 *
 * Those modules keep their data in shadow tables of the same database and do
 * nothing else, which is all that "innocuous" promises. So a statement refused
 * for that reason is prepared again, and run, with the schema trusted but an
 * authorizer that refuses what trusted_schema off would have refused besides
 * them: a function SQLite does not mark innocuous (they are checked at the
 * same moment, while the statement is prepared), a virtual table of any other
 * module, a table-valued function other than json_each, json_tree and the
 * pragma ones (the modules' own functions, MATCH, bm25() or snippet(), are
 * theirs and allowed). The schema was already read with the setting off before the
 * first attempt, so a CHECK or an index of the file is never read trusted. The
 * authorizer is stricter than SQLite itself in one way: it also refuses an
 * unmarked function called directly by the statement, which only costs a
 * statement that fires such a trigger and calls one. See docs/reliability.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-sql.h"

#ifndef SQLITE_INNOCUOUS
# define SQLITE_INNOCUOUS 0x000200000
#endif

struct _StrataTrust
{
  sqlite3    *db;
  GHashTable *innocuous; /* function names, lower case */
  GHashTable *tables;    /* every table and view of every schema, lower case */
  GHashTable *refused;   /* virtual tables of other modules, lower case */
  int         schema_version; /* of main and temp when the two above were read */
};

static const char * const storage_modules[] = {
  "fts3", "fts4", "fts5", "rtree", "rtree_i32", "geopoly", NULL
};

/* Their functions (MATCH is one), which read the index and nothing else. */
static const char * const storage_functions[] = {
  "match", "bm25", "highlight", "snippet", "matchinfo", "offsets", "optimize",
  "rtreecheck", "rtreedepth", "rtreenode", NULL
};

/* Names SQLite keeps out of sqlite_schema. */
static const char * const internal_tables[] = {
  "sqlite_schema", "sqlite_master", "sqlite_temp_schema", "sqlite_temp_master",
  "json_each", "json_tree", NULL
};

gboolean
_strata_database_is_storage_refusal (const char *message)
{
  return message != NULL && strstr (message, "unsafe use of virtual table") != NULL;
}

static void
add_lower (GHashTable *set,
           const char *name)
{
  if (name != NULL)
    g_hash_table_add (set, g_ascii_strdown (name, -1));
}

static void
read_schema (StrataTrust *trust,
             const char  *schema)
{
  g_autofree char *quoted = strata_sql_quote_identifier (schema);
  g_autofree char *sql = g_strdup_printf ("SELECT name, type, sql FROM %s.sqlite_schema",
                                          quoted);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (trust->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 0);
      const char *create = (const char *)sqlite3_column_text (stmt, 2);
      g_autofree char *module = NULL;

      add_lower (trust->tables, name);
      if (create == NULL || g_ascii_strncasecmp (create, "CREATE VIRTUAL", 14) != 0)
        continue;
      module = _strata_sql_virtual_module (create);
      if (module == NULL || !g_strv_contains (storage_modules, module))
        add_lower (trust->refused, name);
    }
  sqlite3_finalize (stmt);
}

static void
read_functions (StrataTrust *trust)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (trust->db, "SELECT name FROM pragma_function_list WHERE flags & ?1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, SQLITE_INNOCUOUS);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        add_lower (trust->innocuous, (const char *)sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
}

static int
schema_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "SELECT (SELECT schema_version FROM pragma_schema_version) + "
                              "(SELECT schema_version FROM temp.pragma_schema_version)",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* The tables and views of every schema, read again when a statement run
 * trusted changed them (a revision's next statement may use a new table). */
static void
read_schemas (StrataTrust *trust)
{
  sqlite3_stmt *stmt = NULL;
  int version = schema_version (trust->db);

  if (version == trust->schema_version && version != -1)
    return;
  trust->schema_version = version;
  g_hash_table_remove_all (trust->tables);
  g_hash_table_remove_all (trust->refused);
  for (guint i = 0; internal_tables[i] != NULL; i++)
    add_lower (trust->tables, internal_tables[i]);
  if (sqlite3_prepare_v2 (trust->db, "SELECT name FROM pragma_database_list", -1, &stmt,
                          NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      read_schema (trust, (const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
}

static gboolean
table_allowed (StrataTrust *trust,
               const char  *name)
{
  g_autofree char *lower = NULL;

  if (name == NULL)
    return TRUE;
  lower = g_ascii_strdown (name, -1);
  if (g_hash_table_contains (trust->refused, lower))
    return FALSE;
  /* Anything else that sqlite_schema does not list is a table-valued
   * function (an eponymous virtual table). */
  return g_hash_table_contains (trust->tables, lower) || g_str_has_prefix (lower, "pragma_");
}

static int
authorize_cb (void       *data,
              int         action,
              const char *first,
              const char *second,
              const char *schema,
              const char *inner)
{
  StrataTrust *trust = data;
  g_autofree char *lower = NULL;

  switch (action)
    {
    case SQLITE_FUNCTION:
      lower = g_ascii_strdown (second != NULL ? second : "", -1);
      /* ALTER TABLE's own helpers, which only SQLite's nested SQL can call. */
      /* The JSON aggregates are as pure as the JSON functions that
       * strata-json-functions.c marks innocuous (SQLite 3.40 leaves them
       * unmarked); a statement trusted since an earlier one may call them. */
      if (g_str_has_prefix (lower, "sqlite_rename_") ||
          strcmp (lower, "sqlite_drop_column") == 0 ||
          g_strv_contains (storage_functions, lower) ||
          g_str_has_prefix (lower, "json_group_"))
        return SQLITE_OK;
      return g_hash_table_contains (trust->innocuous, lower) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_READ:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      return table_allowed (trust, first) ? SQLITE_OK : SQLITE_DENY;
    default:
      return SQLITE_OK;
    }
}

StrataTrust *
_strata_database_trust_storage (sqlite3 *db)
{
  StrataTrust *trust;

  g_return_val_if_fail (db != NULL, NULL);

  trust = g_new0 (StrataTrust, 1);
  trust->db = db;
  trust->innocuous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trust->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trust->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trust->schema_version = -1;
  read_functions (trust);
  read_schemas (trust);
  sqlite3_set_authorizer (db, authorize_cb, trust);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  return trust;
}

void
_strata_trust_end (StrataTrust *trust)
{
  if (trust == NULL)
    return;
  /* Statements prepared trusted are expired by this, and prepared again
   * untrusted should they ever run again. */
  sqlite3_db_config (trust->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_set_authorizer (trust->db, NULL, NULL);
  g_hash_table_unref (trust->innocuous);
  g_hash_table_unref (trust->tables);
  g_hash_table_unref (trust->refused);
  g_free (trust);
}

int
_strata_database_prepare (sqlite3       *db,
                          const char    *sql,
                          int            length,
                          sqlite3_stmt **stmt,
                          const char   **tail,
                          StrataTrust  **trust)
{
  int rc;

  g_return_val_if_fail (db != NULL && trust != NULL, SQLITE_MISUSE);

  /* Trusted since an earlier statement: the next ones are prepared so too,
   * which spares expiring every statement (FTS5's own) twice a statement. */
  if (*trust != NULL)
    {
      read_schemas (*trust);
      if ((rc = sqlite3_prepare_v2 (db, sql, length, stmt, tail)) == SQLITE_OK)
        return rc;
      /* The authorizer refused it: it may need no trust at all. */
      g_clear_pointer (trust, _strata_trust_end);
      return sqlite3_prepare_v2 (db, sql, length, stmt, tail);
    }
  rc = sqlite3_prepare_v2 (db, sql, length, stmt, tail);
  if (rc == SQLITE_OK || !_strata_database_is_storage_refusal (sqlite3_errmsg (db)))
    return rc;
  *trust = _strata_database_trust_storage (db);
  if ((rc = sqlite3_prepare_v2 (db, sql, length, stmt, tail)) == SQLITE_OK)
    return rc;
  g_clear_pointer (trust, _strata_trust_end);
  /* Refused for another reason too: SQLite's first answer is the one told. */
  return sqlite3_prepare_v2 (db, sql, length, stmt, tail);
}

int
_strata_database_step (sqlite3       *db,
                       sqlite3_stmt **stmt,
                       StrataTrust  **trust)
{
  sqlite3_stmt *again = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && stmt != NULL && *stmt != NULL, SQLITE_MISUSE);
  g_return_val_if_fail (trust != NULL, SQLITE_MISUSE);

  while ((rc = sqlite3_step (*stmt)) == SQLITE_ROW)
    ;
  if (rc == SQLITE_DONE || *trust != NULL ||
      !_strata_database_is_storage_refusal (sqlite3_errmsg (db)))
    return rc;
  /* ALTER TABLE checks the views and triggers as it runs, and a statement
   * that stops on an error undoes what it did: it runs again, trusted. */
  *trust = _strata_database_trust_storage (db);
  if (sqlite3_prepare_v2 (db, sqlite3_sql (*stmt), -1, &again, NULL) != SQLITE_OK ||
      again == NULL)
    {
      sqlite3_finalize (again);
          g_clear_pointer (trust, _strata_trust_end);
      /* Puts the statement's own message back into sqlite3_errmsg(). */
      return sqlite3_reset (*stmt);
    }
  sqlite3_finalize (*stmt);
  *stmt = again;
  while ((rc = sqlite3_step (*stmt)) == SQLITE_ROW)
    ;
  return rc;
}

int
_strata_database_exec (sqlite3    *db,
                       const char *sql)
{
  const char *next = sql;
  int rc = SQLITE_OK;

  g_return_val_if_fail (db != NULL && sql != NULL, SQLITE_MISUSE);

  g_autoptr(StrataTrust) trust = NULL;

  while (rc == SQLITE_OK && *next != '\0')
    {
      sqlite3_stmt *stmt = NULL;

      if ((rc = _strata_database_prepare (db, next, -1, &stmt, &next, &trust)) != SQLITE_OK ||
          stmt == NULL)
        break;
      rc = _strata_database_step (db, &stmt, &trust);
      /* sqlite3_errmsg() still holds the step's message after this. */
      sqlite3_finalize (stmt);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  return rc;
}
