/* strata-sql.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <string.h>

#include "strata-sql.h"
#include "strata-sql-cursor-private.h"

void
strata_statement_free (StrataStatement *statement)
{
  if (statement == NULL)
    return;
  g_free (statement->text);
  g_free (statement);
}

guint
strata_sql_line_at (const char *text,
                    gsize       offset)
{
  guint line = 1;

  g_return_val_if_fail (text != NULL, 0);

  for (gsize i = 0; i < offset && text[i] != '\0'; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

GPtrArray *
strata_sql_split (const char *sql)
{
  g_autoptr(GPtrArray) statements = NULL;
  StrataSqlCursor cursor;

  g_return_val_if_fail (sql != NULL, NULL);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_statement_free);
  /* The cursor a live run walks, so that both cut and number alike; it
   * counts lines as it goes, where counting from the start for each
   * statement made 20,000 statements take seconds. */
  _strata_sql_cursor_init (&cursor, sql, 1);
  while (_strata_sql_cursor_next (&cursor))
    {
      StrataStatement *statement = g_new0 (StrataStatement, 1);

      statement->text = g_strndup (cursor.text, cursor.length);
      statement->offset = cursor.offset;
      statement->line = cursor.line;
      g_ptr_array_add (statements, statement);
    }
  return g_steal_pointer (&statements);
}

/* SQLite's own printf knows its quoting: %w doubles the double quotes of an
 * identifier, %Q the single quotes of a literal and writes NULL for NULL. */
static char *
sqlite_printf (const char *format,
               const char *text)
{
  char *quoted = sqlite3_mprintf (format, text);
  char *copy;

  if (quoted == NULL)
    g_error ("out of memory quoting SQL");
  copy = g_strdup (quoted);
  sqlite3_free (quoted);
  return copy;
}

char *
strata_sql_quote_identifier (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return sqlite_printf ("\"%w\"", name);
}

char *
strata_sql_quote_literal (const char *text)
{
  return sqlite_printf ("%Q", text);
}
