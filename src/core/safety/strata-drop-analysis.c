/* strata-drop-analysis.c: what a section of SQL drops, read from its tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-drop-analysis-private.h"
#include "strata-revision.h"
#include "strata-sql.h"
#include "strata-sql-lexer-private.h"

static const char *
value_at (GPtrArray *tokens,
          guint      index)
{
  if (index >= tokens->len)
    return NULL;
  return ((StrataSqlToken *)g_ptr_array_index (tokens, index))->value;
}

/* The index of the name in "[schema.]name" starting at @start: the schema
 * is the database file, not what the person reads as the table. */
static guint
object_name (GPtrArray *tokens,
             guint      start)
{
  return _strata_sql_token_is (tokens, start + 1, ".") ? start + 2 : start;
}

static void
add_name (GPtrArray  *names,
          const char *name)
{
  if (names == NULL || name == NULL)
    return;
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return;
  g_ptr_array_add (names, g_strdup (name));
}

/* DROP TABLE [IF EXISTS] [schema.]name */
static gboolean
scan_drop_table (GPtrArray *tokens,
                 GPtrArray *tables)
{
  guint name = 2;

  g_assert (tokens != NULL);

  if (!_strata_sql_token_is (tokens, 0, "DROP") || !_strata_sql_token_is (tokens, 1, "TABLE"))
    return FALSE;
  if (_strata_sql_token_is (tokens, 2, "IF") && _strata_sql_token_is (tokens, 3, "EXISTS"))
    name = 4;
  add_name (tables, value_at (tokens, object_name (tokens, name)));
  return TRUE;
}

/* ALTER TABLE [schema.]name DROP [COLUMN] column */
static gboolean
scan_drop_column (GPtrArray *tokens,
                  GPtrArray *columns)
{
  guint table;
  guint column;
  g_autofree char *name = NULL;

  g_assert (tokens != NULL);

  if (!_strata_sql_token_is (tokens, 0, "ALTER") || !_strata_sql_token_is (tokens, 1, "TABLE"))
    return FALSE;
  table = object_name (tokens, 2);
  if (!_strata_sql_token_is (tokens, table + 1, "DROP"))
    return FALSE;
  column = table + (_strata_sql_token_is (tokens, table + 2, "COLUMN") ? 3 : 2);
  if (!_strata_sql_token_is_name (tokens, column))
    return TRUE;
  name = g_strdup_printf ("%s.%s", value_at (tokens, table), value_at (tokens, column));
  add_name (columns, name);
  return TRUE;
}

gboolean
_strata_drop_analysis_scan (const char *sql,
                            GPtrArray  *tables,
                            GPtrArray  *columns)
{
  g_autoptr(GPtrArray) statements = strata_sql_split (sql != NULL ? sql : "");
  gboolean drops = FALSE;

  for (guint i = 0; i < statements->len; i++)
    {
      StrataStatement *statement = g_ptr_array_index (statements, i);
      g_autoptr(GPtrArray) tokens = _strata_sql_lex (statement->text);

      if (scan_drop_table (tokens, tables) || scan_drop_column (tokens, columns))
        drops = TRUE;
    }
  return drops;
}

gboolean
_strata_drop_analysis_scan_section (StrataRevision  *revision,
                                    StrataDirection  direction,
                                    GPtrArray       *tables,
                                    GPtrArray       *columns)
{
  g_return_val_if_fail (STRATA_IS_REVISION (revision), FALSE);

  if (direction == STRATA_DIRECTION_STAMP)
    return FALSE;
  return _strata_drop_analysis_scan (strata_revision_get_sql (revision, direction),
                                     tables, columns);
}
