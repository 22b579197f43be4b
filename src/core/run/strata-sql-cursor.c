/* strata-sql-cursor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-sql-cursor-private.h"
#include "strata-sql-lexer-private.h"

/* sqlite3_complete()'s state machine, over whole tokens: a ";" ends a
 * statement unless it is inside CREATE [TEMP] TRIGGER, whose body ends
 * with a ";" right after an END that itself follows a ";". */
typedef enum
{
  STATE_START,
  STATE_NORMAL,
  STATE_EXPLAIN,
  STATE_CREATE,
  STATE_TRIGGER,
  STATE_SEMI,
  STATE_END,
} State;

typedef enum
{
  TOKEN_SEMI,
  TOKEN_OTHER,
  TOKEN_EXPLAIN,
  TOKEN_CREATE,
  TOKEN_TEMP,
  TOKEN_TRIGGER,
  TOKEN_END,
} Token;

static const State transitions[][7] = {
  /*                SEMI          OTHER          EXPLAIN        CREATE         TEMP           TRIGGER        END */
  [STATE_START]   = { STATE_START, STATE_NORMAL,  STATE_EXPLAIN, STATE_CREATE,  STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL },
  [STATE_NORMAL]  = { STATE_START, STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL },
  [STATE_EXPLAIN] = { STATE_START, STATE_EXPLAIN, STATE_NORMAL,  STATE_CREATE,  STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL },
  [STATE_CREATE]  = { STATE_START, STATE_NORMAL,  STATE_NORMAL,  STATE_NORMAL,  STATE_CREATE,  STATE_TRIGGER, STATE_NORMAL },
  [STATE_TRIGGER] = { STATE_SEMI,  STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER },
  [STATE_SEMI]    = { STATE_SEMI,  STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_END },
  [STATE_END]     = { STATE_START, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER, STATE_TRIGGER },
};

static gboolean
word_is (const char *p,
         const char *end,
         const char *word)
{
  gsize len = strlen (word);
  return (gsize)(end - p) == len && g_ascii_strncasecmp (p, word, len) == 0;
}

static Token
classify (StrataSqlTokenKind  kind,
          const char         *p,
          const char         *end)
{
  if (kind == STRATA_SQL_TOKEN_PUNCT && *p == ';')
    return TOKEN_SEMI;
  /* Most words are none of these; their first letter says so cheaply. */
  if (kind != STRATA_SQL_TOKEN_WORD || strchr ("ECTect", *p) == NULL)
    return TOKEN_OTHER;
  if (word_is (p, end, "EXPLAIN"))
    return TOKEN_EXPLAIN;
  if (word_is (p, end, "CREATE"))
    return TOKEN_CREATE;
  if (word_is (p, end, "TEMP") || word_is (p, end, "TEMPORARY"))
    return TOKEN_TEMP;
  if (word_is (p, end, "TRIGGER"))
    return TOKEN_TRIGGER;
  if (word_is (p, end, "END"))
    return TOKEN_END;
  return TOKEN_OTHER;
}

gboolean
_strata_sql_word_is_control (const char *word,
                             gsize       length)
{
  static const char *words[] = { "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
                                 NULL };

  for (guint i = 0; words[i] != NULL; i++)
    if (word_is (word, word + length, words[i]))
      return TRUE;
  return FALSE;
}

static guint
count_newlines (const char *p,
                const char *end)
{
  guint lines = 0;

  while (p < end && (p = memchr (p, '\n', end - p)) != NULL)
    {
      lines++;
      p++;
    }
  return lines;
}

void
_strata_sql_cursor_init (StrataSqlCursor *cursor,
                         const char      *sql,
                         guint            first_line)
{
  g_return_if_fail (cursor != NULL);

  memset (cursor, 0, sizeof *cursor);
  cursor->sql = sql != NULL ? sql : "";
  cursor->tail = cursor->sql;
  cursor->tail_line = MAX (1, first_line);
}

/* Moves the tail past blanks and empty statements, keeping its line. */
static void
skip_to_statement (StrataSqlCursor *cursor)
{
  for (;;)
    {
      const char *start = _strata_sql_skip_blank (cursor->tail);

      cursor->tail_line += count_newlines (cursor->tail, start);
      cursor->tail = start;
      if (*start != ';')
        return;
      cursor->tail++;
    }
}

gboolean
_strata_sql_cursor_next (StrataSqlCursor *cursor)
{
  State state = STATE_START;
  const char *p;
  const char *last_end;

  g_return_val_if_fail (cursor != NULL && cursor->sql != NULL, FALSE);

  skip_to_statement (cursor);
  if (*cursor->tail == '\0')
    return FALSE;

  p = last_end = cursor->tail;
  do
    {
      const char *end = NULL;
      StrataSqlTokenKind kind = _strata_sql_scan (p, &end);

      if (p == cursor->tail)
        cursor->control = kind == STRATA_SQL_TOKEN_WORD &&
                          _strata_sql_word_is_control (p, end - p);
      state = transitions[state][classify (kind, p, end)];
      last_end = end;
      p = _strata_sql_skip_blank (end);
    }
  while (state != STATE_START && *p != '\0');

  cursor->text = cursor->tail;
  cursor->length = last_end - cursor->tail;
  cursor->offset = cursor->tail - cursor->sql;
  cursor->line = cursor->tail_line;
  cursor->tail_line += count_newlines (cursor->tail, last_end);
  cursor->tail = last_end;
  return TRUE;
}
