/* strata-copy-failure.c: a rebuild's copy failing, told in the user's names
 *
 * Autogenerate rebuilds a table as SQLite advises: create new_account, copy
 * the rows into it, drop account, rename new_account. A row the new table
 * refuses then makes SQLite say "NOT NULL constraint failed:
 * new_account.email", a table the user never wrote. This names account
 * instead, and counts the rows at fault.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-copy-failure-private.h"
#include "strata-sql-lexer-private.h"

typedef struct
{
  char      *into;     /* the scratch table */
  char      *from;     /* the user's table */
  GPtrArray *columns;  /* of the INSERT */
  GPtrArray *values;   /* the SELECT's expressions, normalised */
} Copy;

static void
copy_clear (Copy *copy)
{
  g_clear_pointer (&copy->into, g_free);
  g_clear_pointer (&copy->from, g_free);
  g_clear_pointer (&copy->columns, g_ptr_array_unref);
  g_clear_pointer (&copy->values, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Copy, copy_clear)

static const char *
value_at (GPtrArray *tokens,
          guint      index)
{
  StrataSqlToken *token = g_ptr_array_index (tokens, index);
  return token->value;
}

static gboolean
is_punct (GPtrArray  *tokens,
          guint       index,
          const char *text)
{
  StrataSqlToken *token;

  if (index >= tokens->len)
    return FALSE;
  token = g_ptr_array_index (tokens, index);
  return token->kind == STRATA_SQL_TOKEN_PUNCT && strcmp (token->text, text) == 0;
}

/* Tokens [@start, @end) split at the commas outside parentheses. */
static GPtrArray *
split_list (GPtrArray *tokens,
            guint      start,
            guint      end)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  guint depth = 0;
  guint item = start;

  for (guint i = start; i <= end; i++)
    {
      if (i == end || (depth == 0 && is_punct (tokens, i, ",")))
        {
          g_ptr_array_add (items, _strata_sql_normalise (tokens, item, i, FALSE));
          item = i + 1;
        }
      else if (is_punct (tokens, i, "("))
        depth++;
      else if (is_punct (tokens, i, ")"))
        depth--;
    }
  return items;
}

/* INSERT INTO a (…) SELECT … FROM b, and nothing after b. */
static gboolean
parse_copy (const char *statement,
            Copy       *copy)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (statement);
  guint close, from = 0, depth = 0, end;

  if (tokens->len < 9 || !_strata_sql_token_is (tokens, 0, "INSERT") ||
      !_strata_sql_token_is (tokens, 1, "INTO") || !_strata_sql_token_is_name (tokens, 2) ||
      !is_punct (tokens, 3, "(") || (close = _strata_sql_find_close (tokens, 3)) >= tokens->len ||
      !_strata_sql_token_is (tokens, close + 1, "SELECT"))
    return FALSE;
  for (guint i = close + 2; i < tokens->len && from == 0; i++)
    {
      if (is_punct (tokens, i, "("))
        depth++;
      else if (is_punct (tokens, i, ")"))
        depth--;
      else if (depth == 0 && _strata_sql_token_is (tokens, i, "FROM"))
        from = i;
    }
  end = tokens->len - (is_punct (tokens, tokens->len - 1, ";") ? 1 : 0);
  if (from == 0 || from + 2 != end || !_strata_sql_token_is_name (tokens, from + 1))
    return FALSE;
  copy->into = g_strdup (value_at (tokens, 2));
  copy->from = g_strdup (value_at (tokens, from + 1));
  copy->columns = split_list (tokens, 4, close);
  copy->values = split_list (tokens, close + 2, from);
  return copy->columns->len == copy->values->len;
}

static gint64
count_nulls (sqlite3    *db,
             Copy       *copy,
             const char *column)
{
  g_autofree char *table = _strata_sql_identifier (copy->from);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  for (guint i = 0; i < copy->columns->len; i++)
    {
      g_autofree char *name = _strata_sql_identifier (column);

      if (g_ascii_strcasecmp (g_ptr_array_index (copy->columns, i), name) != 0)
        continue;
      sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE (%s) IS NULL", table,
                             (char *)g_ptr_array_index (copy->values, i));
    }
  if (sql != NULL && sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* @message with "into." made "from." wherever it names the scratch table. */
static char *
rename_scratch (Copy       *copy,
                const char *message)
{
  g_autofree char *scratch = g_strdup_printf ("%s.", copy->into);
  g_autofree char *user = g_strdup_printf ("%s.", copy->from);
  g_autoptr(GString) text = g_string_new (message);

  g_string_replace (text, scratch, user, 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The expression a copy writes into @column of its new table, or the
 * column itself when @copy is NULL (a CREATE UNIQUE INDEX over the table). */
static char *
source_of (Copy       *copy,
           const char *column)
{
  g_autofree char *name = _strata_sql_identifier (column);

  for (guint i = 0; copy != NULL && i < copy->columns->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (copy->columns, i), name) == 0)
      return g_strdup (g_ptr_array_index (copy->values, i));
  return copy == NULL ? g_steal_pointer (&name) : NULL;
}

/* "UNIQUE constraint failed: t.a, t.b" (the user's names already): how
 * many values of (a, b) the rows of t hold more than once, and the query
 * that lists them; @message unchanged when they cannot be counted (an
 * expression index, a collation the plain comparison does not share). */
static char *
explain_unique (sqlite3    *db,
                Copy       *copy,
                const char *message)
{
  const char *prefix = "UNIQUE constraint failed: ";
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) terms = g_string_new (NULL);
  g_autoptr(GString) present = g_string_new (NULL);
  g_autofree char *table = NULL;
  g_autofree char *table_id = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (!g_str_has_prefix (message, prefix))
    return g_strdup (message);
  parts = g_strsplit (message + strlen (prefix), ", ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *dot = strchr (parts[i], '.');
      g_autofree char *source = NULL;

      if (dot == NULL || (table != NULL && strncmp (table, parts[i], dot - parts[i]) != 0) ||
          !(source = source_of (copy, dot + 1)))
        return g_strdup (message);
      if (table == NULL)
        table = g_strndup (parts[i], dot - parts[i]);
      g_string_append_printf (terms, "%s%s", terms->len ? ", " : "", source);
      g_string_append_printf (present, "%s(%s) IS NOT NULL", present->len ? " AND " : "", source);
    }
  if (table == NULL)
    return g_strdup (message);
  table_id = _strata_sql_identifier (copy != NULL ? copy->from : table);
  sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s GROUP BY %s HAVING "
                         "count(*) > 1)", table_id, present->str, terms->str);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (n <= 0)
    return g_strdup (message);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s: %lld value of (%s) occurs more than once in table "
                                       "“%s”; remove the duplicates first (list them with: "
                                       "SELECT %s, count(*) FROM %s WHERE %s GROUP BY %s HAVING "
                                       "count(*) > 1;)",
                                       "%s: %lld values of (%s) occur more than once in table "
                                       "“%s”; remove the duplicates first (list them with: "
                                       "SELECT %s, count(*) FROM %s WHERE %s GROUP BY %s HAVING "
                                       "count(*) > 1;)",
                                       (gulong)n),
                          message, (long long)n, terms->str, copy != NULL ? copy->from : table,
                          terms->str, table_id, present->str, terms->str);
}

char *
_strata_copy_failure_explain (sqlite3    *db,
                              const char *statement,
                              const char *message)
{
  g_auto(Copy) copy = { NULL };
  g_autofree char *renamed = NULL;
  g_autofree char *prefix = NULL;
  const char *column;
  gint64 n;

  g_return_val_if_fail (message != NULL, NULL);

  if (statement == NULL || !parse_copy (statement, &copy))
    return explain_unique (db, NULL, message);
  renamed = rename_scratch (&copy, message);
  if (g_str_has_prefix (renamed, "UNIQUE constraint failed: "))
    {
      g_autofree char *explained = explain_unique (db, &copy, renamed);

      if (g_strcmp0 (explained, renamed) != 0)
        return g_steal_pointer (&explained);
    }
  prefix = g_strdup_printf ("NOT NULL constraint failed: %s.", copy.from);
  if (!g_str_has_prefix (renamed, prefix))
    return g_strdup_printf (_("%s (while copying the rows of table “%s” into its new "
                              "definition)"), renamed, copy.from);
  column = renamed + strlen (prefix);
  if ((n = count_nulls (db, &copy, column)) <= 0)
    return g_steal_pointer (&renamed);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s: %lld row of table “%s” holds NULL in column “%s”, "
                                       "which becomes NOT NULL; set it first, or generate the "
                                       "revision again with a value for it (strata-cli: "
                                       "--fill %s.%s=VALUE)",
                                       "%s: %lld rows of table “%s” hold NULL in column “%s”, "
                                       "which becomes NOT NULL; set them first, or generate the "
                                       "revision again with a value for them (strata-cli: "
                                       "--fill %s.%s=VALUE)",
                                       (gulong)n),
                          renamed, (long long)n, copy.from, column, copy.from, column);
}

char *
_strata_copy_failure_in_script (const char *script,
                                const char *message)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  text = g_string_new (message);
  if (script == NULL)
    return g_string_free (g_steal_pointer (&text), FALSE);
  tokens = _strata_sql_lex (script);
  /* ALTER TABLE new_x RENAME TO x: the scratch table and the user's. */
  for (guint i = 0; i + 5 < tokens->len; i++)
    if (_strata_sql_token_is (tokens, i, "ALTER") && _strata_sql_token_is (tokens, i + 1, "TABLE") &&
        _strata_sql_token_is_name (tokens, i + 2) &&
        _strata_sql_token_is (tokens, i + 3, "RENAME") &&
        _strata_sql_token_is (tokens, i + 4, "TO") && _strata_sql_token_is_name (tokens, i + 5))
      {
        g_autofree char *scratch = g_strdup_printf ("%s.", value_at (tokens, i + 2));
        g_autofree char *user = g_strdup_printf ("%s.", value_at (tokens, i + 5));

        g_string_replace (text, scratch, user, 0);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
