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

/* A streaming cursor's window at first; it grows only for a statement longer
 * than half of it. */
#define WINDOW_SIZE (256 * 1024)

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
  cursor->eof = TRUE;
}

void
_strata_sql_cursor_init_stream (StrataSqlCursor     *cursor,
                                StrataSqlCursorFill  fill,
                                gpointer             fill_data,
                                guint                first_line)
{
  g_return_if_fail (cursor != NULL);
  g_return_if_fail (fill != NULL);

  memset (cursor, 0, sizeof *cursor);
  cursor->fill = fill;
  cursor->fill_data = fill_data;
  cursor->window_size = WINDOW_SIZE;
  cursor->window = g_malloc (cursor->window_size + 1);
  cursor->window[0] = '\0';
  cursor->window_end = cursor->window;
  cursor->sql = cursor->tail = cursor->window;
  cursor->tail_line = MAX (1, first_line);
}

void
_strata_sql_cursor_clear (StrataSqlCursor *cursor)
{
  g_return_if_fail (cursor != NULL);

  g_clear_pointer (&cursor->window, g_free);
  g_clear_error (&cursor->error);
  cursor->sql = cursor->tail = cursor->window_end = NULL;
}

const GError *
_strata_sql_cursor_get_error (const StrataSqlCursor *cursor)
{
  g_return_val_if_fail (cursor != NULL, NULL);
  return cursor->error;
}

/* Keeps the window's text from the tail on and reads more after it. */
static void
refill (StrataSqlCursor *cursor)
{
  gsize kept = cursor->window_end - cursor->tail;
  gssize n;

  g_assert (cursor->fill != NULL && !cursor->eof);

  cursor->window_offset += cursor->tail - cursor->window;
  memmove (cursor->window, cursor->tail, kept);
  /* Every read adds at least half a window, so a statement of any length
   * is cut after a number of reads in proportion to it. */
  if (kept > cursor->window_size / 2)
    {
      cursor->window_size *= 2;
      cursor->window = g_realloc (cursor->window, cursor->window_size + 1);
    }
  n = cursor->fill (cursor->fill_data, cursor->window + kept, cursor->window_size - kept,
                    &cursor->error);
  if (n <= 0)
    {
      cursor->eof = TRUE;
      n = 0;
    }
  cursor->sql = cursor->tail = cursor->window;
  cursor->window_end = cursor->window + kept + n;
  *cursor->window_end = '\0';
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

/* TRUE with the next statement. FALSE, with nothing moved, when the text
 * held so far ends first: at the end of the text, or (streaming) before
 * what follows can be told apart, a statement, a string or a comment cut
 * by the window's end. */
static gboolean
cut_statement (StrataSqlCursor *cursor)
{
  const char *start = cursor->tail;
  guint start_line = cursor->tail_line;
  State state = STATE_START;
  const char *p;
  const char *last_end;

  skip_to_statement (cursor);
  if (*cursor->tail == '\0')
    goto more;

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
  if (state != STATE_START && !cursor->eof)
    goto more;

  cursor->text = cursor->tail;
  cursor->length = last_end - cursor->tail;
  cursor->offset = cursor->window_offset + (cursor->tail - cursor->sql);
  cursor->line = cursor->tail_line;
  cursor->tail_line += count_newlines (cursor->tail, last_end);
  cursor->tail = last_end;
  return TRUE;

more:
  cursor->tail = start;
  cursor->tail_line = start_line;
  return FALSE;
}

gboolean
_strata_sql_cursor_next (StrataSqlCursor *cursor)
{
  g_return_val_if_fail (cursor != NULL && cursor->sql != NULL, FALSE);

  for (;;)
    {
      if (cursor->error != NULL)
        return FALSE;
      if (cut_statement (cursor))
        return TRUE;
      if (cursor->eof)
        return FALSE;
      refill (cursor);
    }
}
