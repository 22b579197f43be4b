/* strata-sql-cursor-private.h: a section's statements, one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Walks SQL text statement by statement with the lexer's tokens, ending a
 * statement where sqlite3_complete() would (at a ";" outside strings,
 * comments and CREATE TRIGGER … BEGIN … END bodies). Each statement carries
 * the line of its first token in the file, counted as the cursor moves on,
 * so a section of any number of statements is read in one pass. Nothing is
 * copied: a statement points into the text it was cut from.
 *
 * A cursor made with _strata_sql_cursor_init_stream() reads its text in
 * pieces instead, through @fill, into a window of its own that holds the
 * statement being cut and what follows it: a section of any size costs
 * memory in proportion to its largest statement, never to the section. A
 * statement then points into the window, and is valid until the next call.
 *
 * Lives on the stack:
 *   StrataSqlCursor cursor;
 *   _strata_sql_cursor_init (&cursor, sql, first_line);
 *   while (_strata_sql_cursor_next (&cursor))
 *     use (cursor.text, cursor.length, cursor.line);
 */
/* Reads at most @size bytes of the text into @buffer: 0 at its end, -1 with
 * @error set when it cannot be read. The text must hold no NUL byte. */
typedef gssize (*StrataSqlCursorFill) (gpointer   data,
                                       char      *buffer,
                                       gsize      size,
                                       GError   **error);

typedef struct
{
  /* After _strata_sql_cursor_next() returned TRUE: */
  const char *text;     /* from its first token to its ";" (or its last token) */
  gsize       length;   /* in bytes; text is not NUL-terminated there */
  gsize       offset;   /* of text in the SQL given to init, or read through fill */
  guint       line;     /* of text's first byte in the file */
  gboolean    control;  /* BEGIN, COMMIT, END, ROLLBACK [TO], SAVEPOINT or RELEASE */

  /*< private >*/
  const char *sql;
  const char *tail;
  guint       tail_line;
  /* Streaming: the window, its size, and where the text read so far ends. */
  StrataSqlCursorFill fill;
  gpointer    fill_data;
  char       *window;
  gsize       window_size;
  gsize       window_offset;  /* of window[0] in the text read through fill */
  char       *window_end;
  gboolean    eof;
  GError     *error;
} StrataSqlCursor;

/* TRUE when a statement starting with the bare word @word takes part in
 * transaction control: inside a revision's own transaction and savepoint,
 * any of them would commit or undo part of the revision behind the
 * runner's back. The one list every reader of a revision uses. */
gboolean  _strata_sql_word_is_control (const char *word,
                                       gsize       length);

/* @sql is NUL-terminated; @first_line is the file line of its first byte. */
void      _strata_sql_cursor_init  (StrataSqlCursor *cursor,
                                    const char      *sql,
                                    guint            first_line);
/* The text is read through @fill, a window at a time. */
void      _strata_sql_cursor_init_stream (StrataSqlCursor     *cursor,
                                          StrataSqlCursorFill  fill,
                                          gpointer             fill_data,
                                          guint                first_line);
/* FALSE when only blanks, comments and empty statements (";") are left, or
 * when @fill failed (then _strata_sql_cursor_get_error() says why). */
gboolean  _strata_sql_cursor_next  (StrataSqlCursor *cursor);
const GError *_strata_sql_cursor_get_error (const StrataSqlCursor *cursor);
/* Frees a streaming cursor's window; nothing for a cursor over text. */
void      _strata_sql_cursor_clear (StrataSqlCursor *cursor);

G_END_DECLS
