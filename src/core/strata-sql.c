/* strata-sql.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>
#include <string.h>

#include "strata-sql.h"

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

/* A statement made only of whitespace, comments and semicolons runs nothing;
 * sqlite3_prepare_v2() gives no statement for it either. */
static gboolean
is_blank (const char *sql)
{
  const char *p = sql;

  while (*p != '\0')
    {
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");
          p = end != NULL ? end + 2 : p + strlen (p);
        }
      else
        {
          if (!g_ascii_isspace (*p) && *p != ';')
            return FALSE;
          p++;
        }
    }
  return TRUE;
}

static gsize
skip_space (const char *sql,
            gsize       offset)
{
  while (sql[offset] != '\0' && g_ascii_isspace (sql[offset]))
    offset++;
  return offset;
}

static void
add_statement (GPtrArray  *statements,
               const char *sql,
               gsize       start,
               gsize       end)
{
  g_autofree char *text = NULL;
  StrataStatement *statement;

  start = skip_space (sql, start);
  if (end <= start)
    return;
  text = g_strndup (sql + start, end - start);
  g_strchomp (text);
  if (is_blank (text))
    return;

  statement = g_new0 (StrataStatement, 1);
  statement->text = g_steal_pointer (&text);
  statement->offset = start;
  statement->line = strata_sql_line_at (sql, start);
  g_ptr_array_add (statements, statement);
}

GPtrArray *
strata_sql_split (const char *sql)
{
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  gsize start = 0;

  g_return_val_if_fail (sql != NULL, NULL);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_statement_free);

  /* sqlite3_complete() knows strings, identifiers, comments and trigger bodies;
   * we ask it at every ";" whether the text so far is a whole statement. */
  for (gsize i = 0; sql[i] != '\0'; i++)
    {
      g_string_append_c (pending, sql[i]);
      if (sql[i] != ';' || !sqlite3_complete (pending->str))
        continue;
      add_statement (statements, sql, start, i + 1);
      start = i + 1;
      g_string_truncate (pending, 0);
    }
  add_statement (statements, sql, start, strlen (sql));

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
