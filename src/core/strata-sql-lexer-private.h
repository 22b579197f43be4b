/* strata-sql-lexer-private.h: SQLite's tokens, for reading CREATE statements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  STRATA_SQL_TOKEN_WORD,     /* a bare identifier or a keyword */
  STRATA_SQL_TOKEN_QUOTED,   /* "x", [x] or `x` */
  STRATA_SQL_TOKEN_STRING,   /* 'x' */
  STRATA_SQL_TOKEN_BLOB,     /* x'00' */
  STRATA_SQL_TOKEN_NUMBER,
  STRATA_SQL_TOKEN_VARIABLE, /* ?, ?1, :name, @name, $name */
  STRATA_SQL_TOKEN_PUNCT,    /* operators and ( ) , ; . */
} StrataSqlTokenKind;

typedef struct
{
  StrataSqlTokenKind  kind;
  char               *text;    /* as written */
  char               *value;   /* an identifier without its quotes; else the text */
  gsize               offset;  /* byte offset in the lexed text */
  gboolean            keyword; /* a bare word SQLite knows as a keyword */
} StrataSqlToken;

void        _strata_sql_token_free      (StrataSqlToken *token);

/* Past the whitespace and comments starting at @p (an unclosed comment runs
 * to the end); the one definition of "blank" every reader of SQL uses. */
const char *_strata_sql_skip_blank      (const char     *p);
/* The kind of the token at @p, which is neither blank nor the end, and
 * where it ends; nothing is allocated. */
StrataSqlTokenKind _strata_sql_scan     (const char     *p,
                                         const char    **end);

/* Splits @sql the way SQLite's tokenizer does; whitespace and comments go.
 * Keywords are recognised with sqlite3_keyword_check(). */
GPtrArray  *_strata_sql_lex             (const char     *sql);

/* TRUE when token @index of @tokens is the bare word @word (any case). */
gboolean    _strata_sql_token_is        (GPtrArray      *tokens,
                                         guint           index,
                                         const char     *word);
/* TRUE for a word or quoted identifier: something that can name an object. */
gboolean    _strata_sql_token_is_name   (GPtrArray      *tokens,
                                         guint           index);
/* The index of the ")" closing the "(" at @open, or tokens->len. */
guint       _strata_sql_find_close      (GPtrArray      *tokens,
                                         guint           open);

/* @name as Strata writes it: bare when SQLite would read it back the same,
 * else in double quotes. */
char       *_strata_sql_identifier      (const char     *name);

/* Tokens [@start, @end) written back in one canonical spelling: keywords in
 * capitals, identifiers quoted only where needed, single spaces. With
 * @fold the result is a comparison key: identifiers are case-folded too,
 * since SQLite compares names without regard to ASCII case. */
char       *_strata_sql_normalise       (GPtrArray      *tokens,
                                         guint           start,
                                         guint           end,
                                         gboolean        fold);
/* The whole of @sql normalised; the object it creates named @name. */
char       *_strata_sql_normalise_create (const char    *sql,
                                          gboolean       fold);
/* The module of "CREATE VIRTUAL TABLE x USING module (…)", case-folded
 * ("fts5", "rtree"); NULL for any other statement. */
char       *_strata_sql_virtual_module  (const char     *sql);
/* The index of the token naming the object of a CREATE statement, or
 * tokens->len; *@name_start is set to the first token of "schema.name". */
guint       _strata_sql_create_name     (GPtrArray      *tokens,
                                         guint          *name_start);
/* TRUE when the identifier @name appears as a token of @sql (case-folded):
 * a cheap and generous "may depend on" test for views and triggers. */
gboolean    _strata_sql_mentions        (const char     *sql,
                                         const char     *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSqlToken, _strata_sql_token_free)

G_END_DECLS
