/* strata-schema-file.c: schema.sql run into a database, every error at its line
 *
 * schema.sql is the schema as it should be, and autogenerate compares it with
 * head: what is not a CREATE statement would change nothing there, so rows,
 * settings or steps in it would be silently lost. They are refused instead,
 * each at its line. SQLite accepts a view or a trigger whose body names a
 * table or column that does not exist, and says so only when it is used: the
 * file is checked once it has all run (a view may come before its table), so
 * that the message names the statement, not an in-memory database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-schema-file-private.h"
#include "strata-sql.h"

typedef struct
{
  char  *type;
  char  *name;
  char  *display_name;
  guint  line;
} Created;

struct _StrataSchemaOrigins
{
  GPtrArray     *created; /* Created, oldest first */
  sqlite3_int64  last;    /* the schema table's last rowid seen */
};

static void
created_free (gpointer data)
{
  Created *created = data;

  g_free (created->type);
  g_free (created->name);
  g_free (created->display_name);
  g_free (created);
}

StrataSchemaOrigins *
_strata_schema_origins_new (void)
{
  StrataSchemaOrigins *self = g_new0 (StrataSchemaOrigins, 1);

  self->created = g_ptr_array_new_with_free_func (created_free);
  return self;
}

void
_strata_schema_origins_free (StrataSchemaOrigins *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->created);
  g_free (self);
}

/* The @n-th word (from 0) of @text, upper case, past blanks and comments. */
static char *
nth_word (const char *p,
          guint       n)
{
  for (;;)
    {
      const char *start;

      while (g_ascii_isspace (*p))
        p++;
      if (p[0] == '-' && p[1] == '-')
        {
          p += strcspn (p, "\n");
          continue;
        }
      if (p[0] == '/' && p[1] == '*')
        {
          const char *close = strstr (p + 2, "*/");
          p = close != NULL ? close + 2 : p + strlen (p);
          continue;
        }
      for (start = p; g_ascii_isalpha (*p); p++)
        ;
      if (p == start)
        return g_strdup ("");
      if (n-- == 0)
        return g_ascii_strup (start, p - start);
    }
}

static gboolean
is_one_of (const char         *word,
           const char * const *words)
{
  return g_strv_contains (words, word);
}

/* TRUE for a statement that has its place in schema.sql; else sets @error
 * to what is wrong with the one at @line and what to do. */
static gboolean
check_kind (const char  *text,
            const char  *display_name,
            guint        line,
            GError     **error)
{
  static const char * const rows[] = {
    "INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "VALUES", "WITH", NULL
  };
  static const char * const steps[] = { "ALTER", "DROP", NULL };
  g_autofree char *word = nth_word (text, 0);
  g_autofree char *second = NULL;

  if (strcmp (word, "CREATE") == 0)
    {
      second = nth_word (text, 1);
      if (strcmp (second, "TEMP") != 0 && strcmp (second, "TEMPORARY") != 0)
        return TRUE;
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                   _("%s:%u: CREATE %s makes an object that lasts one connection and is "
                     "not part of the database’s schema; remove %s, or drop the word"),
                   display_name, line, second, second);
    }
  else if (is_one_of (word, rows))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                 _("%s:%u: %s works on rows, and %s holds the schema only (CREATE "
                   "statements), so it would be ignored: rows belong in a revision; move "
                   "this statement into one (strata-cli revision -m MESSAGE)"),
                 display_name, line, word, display_name);
  else if (is_one_of (word, steps))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                 _("%s:%u: %s in %s, which is the schema as it should be, not the steps "
                   "to it: write each object as it should end up, in its CREATE statement"),
                 display_name, line, word, display_name);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                 _("%s:%u: %s has no place in %s, which holds the schema only (CREATE "
                   "statements) and would ignore it: remove it; settings and data belong "
                   "in a revision"),
                 display_name, line, *word != '\0' ? word : text, display_name);
  return FALSE;
}

/* The line of @sql where @create (as sqlite_schema keeps it: the statement
 * as written) starts; @first_line when it is not found (ALTER TABLE rewrote
 * it since). */
static guint
line_of (const char *sql,
         const char *create,
         guint       first_line)
{
  const char *at = create != NULL ? strstr (sql, create) : NULL;
  guint line = first_line;

  for (const char *p = sql; at != NULL && p < at; p++)
    if (*p == '\n')
      line++;
  return line;
}

void
_strata_schema_origins_note (StrataSchemaOrigins *self,
                             StrataDatabase      *database,
                             const char          *sql,
                             const char          *display_name,
                             guint                first_line)
{
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3_stmt *stmt = NULL;

  g_return_if_fail (self != NULL && sql != NULL && display_name != NULL);

  /* What was made since the last note is past the last rowid seen. */
  if (sqlite3_prepare_v2 (db, "SELECT rowid, type, name, sql FROM main.sqlite_schema "
                              "WHERE rowid > ?1 ORDER BY rowid", -1, &stmt, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64 (stmt, 1, self->last);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *)sqlite3_column_text (stmt, 1);
      Created *item;

      self->last = sqlite3_column_int64 (stmt, 0);
      if (g_strcmp0 (type, "view") != 0 && g_strcmp0 (type, "trigger") != 0)
        continue;
      item = g_new0 (Created, 1);
      item->type = g_strdup (type);
      item->name = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      item->display_name = g_strdup (display_name);
      item->line = line_of (sql, (const char *)sqlite3_column_text (stmt, 3), first_line);
      g_ptr_array_add (self->created, item);
    }
  sqlite3_finalize (stmt);
}

static gboolean
run_statements (StrataDatabase       *database,
                const char           *sql,
                const char           *display_name,
                StrataSchemaOrigins  *origins,
                GError              **error)
{
  g_autoptr(GPtrArray) statements = strata_sql_split (sql);
  sqlite3 *db = strata_database_get_handle (database);

  for (guint i = 0; i < statements->len; i++)
    {
      StrataStatement *statement = g_ptr_array_index (statements, i);

      if (!check_kind (statement->text, display_name, statement->line, error))
        return FALSE;
      if (sqlite3_exec (db, statement->text, NULL, NULL, NULL) != SQLITE_OK)
        {
          /* The sqlite3 shell's .schema prints the tables SQLite and the
           * virtual tables make for themselves (sqlite_sequence for
           * AUTOINCREMENT, doc_fts_data for an FTS5 table doc_fts), which no
           * statement may create: they say nothing the others do not. */
          if (g_str_has_prefix (sqlite3_errmsg (db), "object name reserved for internal use: "))
            continue;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL, "%s:%u: %s", display_name,
                       statement->line, sqlite3_errmsg (db));
          return FALSE;
        }
      _strata_schema_origins_note (origins, database, statement->text, display_name,
                                   statement->line);
    }
  return TRUE;
}

/* SQLite checks every view and trigger of the schema when a table is
 * renamed (unless legacy_alter_table is on), and names the first that does
 * not resolve: "error in view v: no such table: main.missing". A table made
 * for the purpose is renamed inside a savepoint that is rolled back. */
static char *
try_rename (sqlite3 *db)
{
  char *message = NULL;

  if (sqlite3_exec (db, "SAVEPOINT strata_schema_file;"
                        "CREATE TABLE \"strata schema file\" (x);"
                        "ALTER TABLE \"strata schema file\" RENAME TO \"strata schema file 2\";",
                    NULL, NULL, NULL) != SQLITE_OK)
    message = g_strdup (sqlite3_errmsg (db));
  sqlite3_exec (db, "ROLLBACK TO strata_schema_file; RELEASE strata_schema_file;",
                NULL, NULL, NULL);
  return message;
}

/* A view over an FTS or R*Tree table is refused with trusted_schema off
 * until such tables are trusted (strata-database-trust.c). */
static char *
find_broken (sqlite3 *db)
{
  char *message = try_rename (db);
  g_autoptr(StrataTrust) trust = NULL;
  char *second;

  if (!_strata_database_is_storage_refusal (message))
    return message;
  trust = _strata_database_trust_storage (db);
  second = try_rename (db);
  /* Refused for another reason too: SQLite's first answer is the one told. */
  if (second != NULL && strstr (second, "not authorized") != NULL)
    {
      g_free (second);
      return message;
    }
  g_free (message);
  return second;
}

gboolean
_strata_schema_origins_check (StrataSchemaOrigins  *self,
                              StrataDatabase       *database,
                              const char           *display_name,
                              GError              **error)
{
  g_autofree char *message = find_broken (strata_database_get_handle (database));

  g_return_val_if_fail (self != NULL, FALSE);

  if (message == NULL)
    return TRUE;
  /* The newest object of that name: an older one may have been dropped. */
  for (guint i = self->created->len; i > 0; i--)
    {
      Created *item = g_ptr_array_index (self->created, i - 1);
      g_autofree char *prefix = g_strdup_printf ("error in %s %s", item->type, item->name);
      const char *rest = message + strlen (prefix);

      if (!g_str_has_prefix (message, prefix) || (*rest != ':' && *rest != ' '))
        continue;
      rest = strstr (rest, ": ");
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                   /* Translators: the last %s is SQLite's message. */
                   strcmp (item->type, "view") == 0
                   ? _("%s:%u: view “%s”: %s; create what it names, or correct it")
                   : _("%s:%u: trigger “%s”: %s; create what it names, or correct it"),
                   item->display_name, item->line, item->name,
                   rest != NULL ? rest + 2 : message);
      return FALSE;
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL, "%s: %s", display_name, message);
  return FALSE;
}

gboolean
_strata_schema_file_load (StrataDatabase  *database,
                          const char      *sql,
                          const char      *display_name,
                          GError         **error)
{
  g_autoptr(StrataSchemaOrigins) origins = _strata_schema_origins_new ();

  g_return_val_if_fail (STRATA_IS_DATABASE (database), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  return run_statements (database, sql, display_name, origins, error) &&
         _strata_schema_origins_check (origins, database, display_name, error);
}
