/* strata-foreign-keys.c: a revision answers only for the dangling rows it adds
 *
 * SQLite does not enforce foreign keys unless asked, so a database that years
 * of use left behind often holds rows pointing at rows deleted long ago. The
 * run checks PRAGMA foreign_key_check after each revision; counted against
 * what the same check found before the revision, a revision is refused only
 * for the rows it leaves dangling itself, and the old ones become a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-foreign-keys-private.h"
#include "strata-migration-private.h"
#include "strata-sql.h"

#define STATE_KEY "strata-foreign-keys"
#define SEPARATOR '\037'

/* What the check found last on one connection. */
typedef struct
{
  GHashTable *counts;        /* "table\037parent" → count */
  GHashTable *tables;        /* the tables then, case-folded */
  gint64      data_version;
  gboolean    valid;
} State;

static void
state_free (gpointer data)
{
  State *state = data;

  g_clear_pointer (&state->counts, g_hash_table_unref);
  g_clear_pointer (&state->tables, g_hash_table_unref);
  g_free (state);
}

/* A rolled-back transaction takes back what the last check saw. */
static void
rollback_cb (void *data)
{
  State *state = data;

  state->valid = FALSE;
}

static void
no_op_cb (sqlite3_context  *context,
          int               argc,
          sqlite3_value   **argv)
{
}

/* The state lives exactly as long as the connection, which may outlive the
 * StrataDatabase (sqlite3_close_v2() waits for its last statement) and roll
 * back as it closes: SQLite frees it with a function of its own, the only
 * per-connection data a SQLite 3.40 connection can own. */
static State *
state_for (StrataDatabase *database)
{
  State *state = g_object_get_data (G_OBJECT (database), STATE_KEY);
  sqlite3 *db = strata_database_get_handle (database);

  g_assert (STRATA_IS_DATABASE (database));

  if (state != NULL)
    return state;
  state = g_new0 (State, 1);
  if (sqlite3_create_function_v2 (db, "strata_foreign_keys_state", 0,
                                  SQLITE_UTF8 | SQLITE_DIRECTONLY, state, no_op_cb, NULL, NULL,
                                  state_free) != SQLITE_OK)
    {
      /* SQLite freed it: keep no state, and count every time. */
      return NULL;
    }
  g_object_set_data (G_OBJECT (database), STATE_KEY, state);
  sqlite3_rollback_hook (db, rollback_cb, state);
  return state;
}

/* PRAGMA data_version moves only when another connection commits. */
static gint64
data_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

GHashTable *
_strata_foreign_keys_count (StrataDatabase  *database,
                            GError         **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, NULL);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *key = g_strdup_printf ("%s%c%s", sqlite3_column_text (stmt, 0),
                                              SEPARATOR, sqlite3_column_text (stmt, 2));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

      g_hash_table_replace (counts, g_steal_pointer (&key), GUINT_TO_POINTER (count + 1));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, NULL);
      return NULL;
    }
  return g_steal_pointer (&counts);
}

/* What tells a table renamed with ALTER TABLE from another: it keeps its
 * root page, and its CREATE statement changes only in the name. */
typedef struct
{
  char   *name;       /* as sqlite_schema spells it, which foreign_key_check uses */
  gint64  rootpage;
  char   *body;       /* the CREATE statement from its first "(" */
} Shape;

static void
shape_free (gpointer data)
{
  Shape *shape = data;

  g_free (shape->name);
  g_free (shape->body);
  g_free (shape);
}

/* The tables, case-folded name → Shape. */
static GHashTable *
list_tables (sqlite3 *db)
{
  GHashTable *tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shape_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT name, rootpage, substr(sql, instr(sql, '(')) FROM "
                              "sqlite_schema WHERE type = 'table'", -1, &stmt,
                          NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        Shape *shape = g_new0 (Shape, 1);

        shape->name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
        shape->rootpage = sqlite3_column_int64 (stmt, 1);
        shape->body = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
        g_hash_table_replace (tables,
                              g_ascii_strdown ((const char *)sqlite3_column_text (stmt, 0), -1),
                              shape);
      }
  sqlite3_finalize (stmt);
  return tables;
}

/* Old name → new name of each table of @before renamed into @now. */
static GHashTable *
find_renames (GHashTable *before,
              GHashTable *now)
{
  GHashTable *renames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter old_iter;
  gpointer old_name, old_shape;

  g_hash_table_iter_init (&old_iter, before);
  while (g_hash_table_iter_next (&old_iter, &old_name, &old_shape))
    {
      GHashTableIter new_iter;
      gpointer new_name, new_shape;

      if (g_hash_table_contains (now, old_name))
        continue;
      g_hash_table_iter_init (&new_iter, now);
      while (g_hash_table_iter_next (&new_iter, &new_name, &new_shape))
        if (!g_hash_table_contains (before, new_name) &&
            ((Shape *)new_shape)->rootpage == ((Shape *)old_shape)->rootpage &&
            g_strcmp0 (((Shape *)new_shape)->body, ((Shape *)old_shape)->body) == 0)
          {
            g_hash_table_insert (renames, g_strdup (old_name),
                                 g_strdup (((Shape *)new_shape)->name));
            break;
          }
    }
  return renames;
}

static char *
renamed (GHashTable *renames,
         const char *name,
         gssize      length)
{
  g_autofree char *folded = g_ascii_strdown (name, length);
  const char *now = g_hash_table_lookup (renames, folded);

  return now != NULL ? g_strdup (now) : g_strndup (name, length < 0 ? strlen (name) : (gsize)length);
}

/* @counts and @tables of before a revision, with the tables it renamed
 * under their new names: rows that dangled before, in a table since
 * renamed (posts to articles), or towards one (users to accounts), are the
 * same rows, not new ones. @tables may be NULL. */
static void
follow_renames (GHashTable  *counts,
                GHashTable  *tables,
                GHashTable  *tables_now,
                GHashTable **counts_out,
                GHashTable **tables_out)
{
  g_autoptr(GHashTable) renames = NULL;
  GHashTableIter iter;
  gpointer key, value;

  *counts_out = g_hash_table_ref (counts);
  *tables_out = tables != NULL ? g_hash_table_ref (tables) : NULL;
  if (tables == NULL || tables_now == NULL ||
      g_hash_table_size (renames = find_renames (tables, tables_now)) == 0)
    return;

  g_hash_table_unref (*counts_out);
  *counts_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *separator = strchr (key, SEPARATOR);
      g_autofree char *child = renamed (renames, key, separator - (const char *)key);
      g_autofree char *parent = renamed (renames, separator + 1, -1);

      g_hash_table_replace (*counts_out, g_strdup_printf ("%s%c%s", child, SEPARATOR, parent),
                            value);
    }
  g_hash_table_unref (*tables_out);
  *tables_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, tables);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *name = renamed (renames, key, -1);

      g_hash_table_add (*tables_out, g_ascii_strdown (name, -1));
    }
}

static void
remember (State      *state,
          GHashTable *counts,
          sqlite3    *db)
{
  g_clear_pointer (&state->counts, g_hash_table_unref);
  g_clear_pointer (&state->tables, g_hash_table_unref);
  state->counts = g_hash_table_ref (counts);
  state->tables = list_tables (db);
  state->data_version = data_version (db);
  state->valid = TRUE;
}

static gboolean parent_came_or_went (const char *key,
                                     GHashTable *tables_before,
                                     GHashTable *tables_now);

GHashTable *
_strata_foreign_keys_list_tables (StrataDatabase *database)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);
  return list_tables (strata_database_get_handle (database));
}

guint
_strata_foreign_keys_count_added (GHashTable *before,
                                  GHashTable *after,
                                  GHashTable *tables_before,
                                  GHashTable *tables_after)
{
  GHashTableIter iter;
  gpointer key, value;
  guint added = 0;

  g_autoptr(GHashTable) counts_before = NULL;
  g_autoptr(GHashTable) tables_then = NULL;

  g_return_val_if_fail (before != NULL && after != NULL, 0);

  follow_renames (before, tables_before, tables_after, &counts_before, &tables_then);
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint was = GPOINTER_TO_UINT (g_hash_table_lookup (counts_before, key));

      if (parent_came_or_went (key, tables_then, tables_after))
        continue;
      added += GPOINTER_TO_UINT (value) > was ? GPOINTER_TO_UINT (value) - was : 0;
    }
  return added;
}

gboolean
_strata_foreign_keys_note (StrataDatabase  *database,
                           GError         **error)
{
  State *state;
  g_autoptr(GHashTable) counts = NULL;

  g_return_val_if_fail (STRATA_IS_DATABASE (database), FALSE);

  state = state_for (database);
  /* What the previous check saw still holds if only this connection wrote
   * since, and that write was not rolled back. */
  if (state != NULL && state->valid &&
      state->data_version == data_version (strata_database_get_handle (database)))
    return TRUE;
  if (!(counts = _strata_foreign_keys_count (database, error)))
    return FALSE;
  if (state != NULL)
    remember (state, counts, strata_database_get_handle (database));
  return TRUE;
}

char *
_strata_foreign_keys_describe_existing (const char *table,
                                        const char *parent,
                                        guint       count)
{
  g_autofree char *quoted = strata_sql_quote_identifier (table);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u row of table “%s” points at missing rows of “%s”; "
                                       "it was there before this run and is left as it is "
                                       "(list it with: PRAGMA foreign_key_check(%s);)",
                                       "%u rows of table “%s” point at missing rows of “%s”; "
                                       "they were there before this run and are left as they "
                                       "are (list them with: PRAGMA foreign_key_check(%s);)",
                                       count),
                          count, table, parent, quoted);
}

static void
warn_existing (StrataMigration *migration,
               const char      *key,
               guint            count)
{
  g_auto(GStrv) names = g_strsplit_set (key, "\037", 2);
  g_autofree char *text = _strata_foreign_keys_describe_existing (names[0], names[1], count);

  _strata_migration_set_warning (migration, key, text);
}

/* Each table and parent with more dangling rows than before: the first one
 * is named, the others counted. */
/* TRUE when the parent of @key ("table\037parent") is a table the
 * revision dropped, or created (empty), while the child table was there
 * before it: what an autogenerated revision dropping a table that others
 * refer to does, and its downgrade. No revision could keep those rows
 * pointing at something; they are warned about, not refused. Rows a
 * revision adds, to a table it creates, still count against it. */
static gboolean
parent_came_or_went (const char *key,
                     GHashTable *tables_before,
                     GHashTable *tables_now)
{
  g_autofree char *child = NULL;
  g_autofree char *parent = NULL;
  const char *separator = strchr (key, SEPARATOR);

  if (tables_before == NULL || tables_now == NULL)
    return FALSE;
  child = g_ascii_strdown (key, separator - key);
  parent = g_ascii_strdown (separator + 1, -1);
  return g_hash_table_contains (tables_before, child) &&
         g_hash_table_contains (tables_before, parent) !=
         g_hash_table_contains (tables_now, parent);
}

static void
warn_parent_gone (StrataMigration *migration,
                  const char      *key,
                  guint            count)
{
  g_auto(GStrv) names = g_strsplit_set (key, "\037", 2);
  g_autofree char *quoted = strata_sql_quote_identifier (names[0]);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u row of table “%s” points at nothing in “%s”, which "
                                       "the revision dropped or brought back empty; the rows "
                                       "of “%s” are only in the backup taken before it was "
                                       "dropped (list the row with: PRAGMA "
                                       "foreign_key_check(%s);)",
                                       "%u rows of table “%s” point at nothing in “%s”, which "
                                       "the revision dropped or brought back empty; the rows "
                                       "of “%s” are only in the backup taken before it was "
                                       "dropped (list the rows with: PRAGMA "
                                       "foreign_key_check(%s);)",
                                       count),
                          count, names[0], names[1], names[1], quoted);
  _strata_migration_set_warning (migration, key, text);
}

static gboolean
refuse_added (GHashTable  *counts,
              GHashTable  *before,
              GHashTable  *tables_before,
              GHashTable  *tables_now,
              const char  *revision,
              const char  *heads,
              GError     **error)
{
  g_autofree char *first = NULL;
  guint first_added = 0;
  guint total_added = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint was = before ? GPOINTER_TO_UINT (g_hash_table_lookup (before, key)) : 0;
      guint now = GPOINTER_TO_UINT (value);

      if (now <= was || parent_came_or_went (key, tables_before, tables_now))
        continue;
      total_added += now - was;
      if (first == NULL || strcmp (key, first) < 0)
        {
          g_free (first);
          first = g_strdup (key);
          first_added = now - was;
        }
    }
  if (first == NULL)
    return TRUE;
  {
    g_auto(GStrv) names = g_strsplit_set (first, "\037", 2);

    g_set_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY,
                 _("%s: the revision leaves %u rows of table “%s” pointing at missing rows of "
                   "“%s” (%u foreign key violations in all); it was rolled back and the "
                   "database stays at %s"),
                 revision, first_added, names[0], names[1], total_added, heads);
  }
  return FALSE;
}

gboolean
_strata_foreign_keys_check (StrataDatabase   *database,
                            StrataMigration  *migration,
                            const char       *revision,
                            const char       *heads,
                            GError          **error)
{
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GHashTable) tables_now = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) tables_before = NULL;
  GHashTableIter iter;
  gpointer key, value;
  State *state;

  g_return_val_if_fail (STRATA_IS_DATABASE (database), FALSE);
  g_return_val_if_fail (STRATA_IS_MIGRATION (migration), FALSE);

  if (!(counts = _strata_foreign_keys_count (database, error)))
    return FALSE;
  state = state_for (database);
  tables_now = list_tables (strata_database_get_handle (database));
  /* Nothing noted (a stamp runs no SQL): whatever is there was there. */
  follow_renames (state != NULL && state->valid ? state->counts : counts,
                  state != NULL && state->valid ? state->tables : NULL,
                  tables_now, &before, &tables_before);
  if (!refuse_added (counts, before, tables_before, tables_now, revision, heads, error))
    {
      if (state != NULL)
        state->valid = FALSE;
      return FALSE;
    }

  /* A revision may have mended some: their warning goes. So does one under
   * a table's old name. */
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (counts, key))
      _strata_migration_set_warning (migration, key, NULL);
  if (state != NULL && state->valid)
    {
      g_hash_table_iter_init (&iter, state->counts);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (counts, key))
          _strata_migration_set_warning (migration, key, NULL);
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > GPOINTER_TO_UINT (g_hash_table_lookup (before, key)) &&
        parent_came_or_went (key, tables_before, tables_now))
      warn_parent_gone (migration, key, GPOINTER_TO_UINT (value));
    else
      warn_existing (migration, key, GPOINTER_TO_UINT (value));
  if (state != NULL)
    remember (state, counts, strata_database_get_handle (database));
  return TRUE;
}
