/* strata-sql.h: small SQL helpers that lean on SQLite itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char  *text;   /* the statement, from its first token to its ";" */
  gsize  offset; /* byte offset of its first token in the script */
  guint  line;   /* 1-based line of its first token in the script */
} StrataStatement;

void       strata_statement_free       (StrataStatement *statement);

/* Splits @sql into statements where sqlite3_complete() says one ends, so
 * strings, comments and CREATE TRIGGER bodies are never cut, with the
 * statement cursor a live run walks: each statement starts at its first
 * token, and its line is that token's. Comment-only text is dropped. */
GPtrArray *strata_sql_split            (const char      *sql);
/* The 1-based line of byte @offset in @text. */
guint      strata_sql_line_at          (const char      *text,
                                        gsize            offset);
/* "name" with embedded quotes doubled, safe to build into SQL. */
char      *strata_sql_quote_identifier (const char      *name);
/* 'text' with embedded quotes doubled, or NULL as the word NULL. */
char      *strata_sql_quote_literal    (const char      *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataStatement, strata_statement_free)

G_END_DECLS
