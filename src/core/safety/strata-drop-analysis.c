/* strata-drop-analysis.c: what a section of SQL drops, read from its tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-drop-analysis-private.h"
#include "strata-revision.h"
#include "strata-section-private.h"
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

typedef struct
{
  GPtrArray *tables;
  GPtrArray *columns;
  gboolean   drops;
} Scan;

static gboolean
starts_with_word (const StrataSqlCursor *statement,
                  const char            *word)
{
  gsize length = strlen (word);

  return statement->length >= length && g_ascii_strncasecmp (statement->text, word, length) == 0;
}

static gboolean
scan_statement_cb (const StrataSqlCursor *statement,
                   gpointer               data)
{
  Scan *scan = data;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) tokens = NULL;

  /* Only DROP and ALTER drop anything: the rows of a big revision's INSERTs
   * are not worth lexing. */
  if (!starts_with_word (statement, "DROP") && !starts_with_word (statement, "ALTER"))
    return TRUE;
  text = g_strndup (statement->text, statement->length);
  tokens = _strata_sql_lex (text);
  if (scan_drop_table (tokens, scan->tables) || scan_drop_column (tokens, scan->columns))
    scan->drops = TRUE;
  return TRUE;
}

static gboolean
scan_section (const StrataSection *section,
              GPtrArray           *tables,
              GPtrArray           *columns)
{
  g_auto(StrataSectionFailure) failure = { 0 };
  Scan scan = { tables, columns, FALSE };

  /* A file that cannot be read again as it was will not run either; until
   * then it counts as dropping, so that a backup is taken rather than not. */
  if (!_strata_section_foreach (section, scan_statement_cb, &scan, &failure))
    return TRUE;
  return scan.drops;
}

gboolean
_strata_drop_analysis_scan (const char *sql,
                            GPtrArray  *tables,
                            GPtrArray  *columns)
{
  StrataSection section;

  _strata_section_init_text (&section, sql, STRATA_DIRECTION_UPGRADE);
  return scan_section (&section, tables, columns);
}

gboolean
_strata_drop_analysis_scan_section (StrataRevision  *revision,
                                    StrataDirection  direction,
                                    GPtrArray       *tables,
                                    GPtrArray       *columns)
{
  StrataSection section;

  g_return_val_if_fail (STRATA_IS_REVISION (revision), FALSE);

  if (direction == STRATA_DIRECTION_STAMP)
    return FALSE;
  _strata_section_init (&section, revision, direction);
  return scan_section (&section, tables, columns);
}
