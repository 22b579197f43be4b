/* strata-sql-lexer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "strata-sql-lexer-private.h"
#include "strata-sql.h"

void
_strata_sql_token_free (StrataSqlToken *token)
{
  if (token == NULL)
    return;
  g_free (token->text);
  g_free (token->value);
  g_free (token);
}

static gboolean
is_word_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || (guchar)c >= 0x80;
}

static gboolean
is_word_char (char c)
{
  return is_word_start (c) || g_ascii_isdigit (c) || c == '$';
}

const char *
_strata_sql_skip_blank (const char *p)
{
  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (p[0] == '-' && p[1] == '-')
        p += strcspn (p, "\n");
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");
          p = end != NULL ? end + 2 : p + strlen (p);
        }
      else
        return p;
    }
}

/* The end of a quoted run starting at @p with @close as closing quote; a
 * doubled closing quote stands for itself (except in brackets). */
static const char *
quoted_end (const char *p,
            char        close)
{
  p++;
  while (*p != '\0')
    {
      if (*p == close && close != ']' && p[1] == close)
        p += 2;
      else if (*p == close)
        return p + 1;
      else
        p++;
    }
  return p;
}

static char *
unquote (const char *text,
         gsize       len)
{
  g_autoptr(GString) value = g_string_new (NULL);
  char close = text[0] == '[' ? ']' : text[0];

  for (gsize i = 1; i + 1 < len || (i < len && text[i] != close); i++)
    {
      if (text[i] == close && close != ']' && i + 1 < len && text[i + 1] == close)
        i++;
      else if (text[i] == close)
        break;
      g_string_append_c (value, text[i]);
    }
  return g_string_free (g_steal_pointer (&value), FALSE);
}

static const char *
number_end (const char *p)
{
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
      p += 2;
      while (g_ascii_isxdigit (*p))
        p++;
      return p;
    }
  while (g_ascii_isdigit (*p) || *p == '.' || *p == '_')
    p++;
  if ((*p == 'e' || *p == 'E') &&
      (g_ascii_isdigit (p[1]) || ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
    {
      p += 2;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return p;
}

/* Operators of two or three characters, else one: "->>", "||", "<=", … */
static const char *
punct_end (const char *p)
{
  switch (p[0])
    {
    case '-':
      if (p[1] == '>')
        return p[2] == '>' ? p + 3 : p + 2;
      break;
    case '|':
      if (p[1] == '|')
        return p + 2;
      break;
    case '<':
      if (p[1] == '=' || p[1] == '>' || p[1] == '<')
        return p + 2;
      break;
    case '>':
      if (p[1] == '=' || p[1] == '>')
        return p + 2;
      break;
    case '=':
    case '!':
      if (p[1] == '=')
        return p + 2;
      break;
    default:
      break;
    }
  return p + 1;
}

StrataSqlTokenKind
_strata_sql_scan (const char  *p,
                  const char **end)
{
  if ((*p == 'x' || *p == 'X') && p[1] == '\'')
    {
      *end = quoted_end (p + 1, '\'');
      return STRATA_SQL_TOKEN_BLOB;
    }
  if (is_word_start (*p))
    {
      for (*end = p; is_word_char (**end); (*end)++)
        ;
      return STRATA_SQL_TOKEN_WORD;
    }
  if (*p == '\'')
    {
      *end = quoted_end (p, '\'');
      return STRATA_SQL_TOKEN_STRING;
    }
  if (*p == '"' || *p == '`' || *p == '[')
    {
      *end = quoted_end (p, *p == '[' ? ']' : *p);
      return STRATA_SQL_TOKEN_QUOTED;
    }
  if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
    {
      *end = number_end (p);
      return STRATA_SQL_TOKEN_NUMBER;
    }
  if (*p == '?' || *p == ':' || *p == '@' || *p == '$')
    {
      for (*end = p + 1; is_word_char (**end); (*end)++)
        ;
      return STRATA_SQL_TOKEN_VARIABLE;
    }
  *end = punct_end (p);
  return STRATA_SQL_TOKEN_PUNCT;
}

GPtrArray *
_strata_sql_lex (const char *sql)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify)_strata_sql_token_free);
  const char *p = sql;

  g_return_val_if_fail (sql != NULL, tokens);

  while (*(p = _strata_sql_skip_blank (p)) != '\0')
    {
      StrataSqlToken *token = g_new0 (StrataSqlToken, 1);
      const char *end = NULL;

      token->kind = _strata_sql_scan (p, &end);
      token->text = g_strndup (p, end - p);
      token->offset = p - sql;
      if (token->kind == STRATA_SQL_TOKEN_QUOTED)
        token->value = unquote (p, end - p);
      else
        token->value = g_strdup (token->text);
      token->keyword = token->kind == STRATA_SQL_TOKEN_WORD &&
                       sqlite3_keyword_check (p, (int)(end - p));
      g_ptr_array_add (tokens, token);
      p = end;
    }
  return tokens;
}

static StrataSqlToken *
token_at (GPtrArray *tokens,
          guint      index)
{
  return index < tokens->len ? g_ptr_array_index (tokens, index) : NULL;
}

gboolean
_strata_sql_token_is (GPtrArray  *tokens,
                      guint       index,
                      const char *word)
{
  StrataSqlToken *token = token_at (tokens, index);

  if (token == NULL)
    return FALSE;
  if (token->kind == STRATA_SQL_TOKEN_PUNCT)
    return strcmp (token->text, word) == 0;
  return token->kind == STRATA_SQL_TOKEN_WORD && g_ascii_strcasecmp (token->text, word) == 0;
}

gboolean
_strata_sql_token_is_name (GPtrArray *tokens,
                           guint      index)
{
  StrataSqlToken *token = token_at (tokens, index);

  return token != NULL && (token->kind == STRATA_SQL_TOKEN_WORD ||
                           token->kind == STRATA_SQL_TOKEN_QUOTED ||
                           token->kind == STRATA_SQL_TOKEN_STRING);
}

guint
_strata_sql_find_close (GPtrArray *tokens,
                        guint      open)
{
  int depth = 0;

  for (guint i = open; i < tokens->len; i++)
    {
      if (_strata_sql_token_is (tokens, i, "("))
        depth++;
      else if (_strata_sql_token_is (tokens, i, ")") && --depth == 0)
        return i;
    }
  return tokens->len;
}

static gboolean
is_plain_identifier (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return !sqlite3_keyword_check (name, (int)strlen (name));
}

char *
_strata_sql_identifier (const char *name)
{
  if (is_plain_identifier (name))
    return g_strdup (name);
  return strata_sql_quote_identifier (name);
}

static char *
spell_token (StrataSqlToken *token,
             gboolean        fold)
{
  g_autofree char *spelled = NULL;

  switch (token->kind)
    {
    case STRATA_SQL_TOKEN_WORD:
      if (token->keyword)
        return g_ascii_strup (token->text, -1);
      spelled = g_strdup (token->text);
      break;
    case STRATA_SQL_TOKEN_QUOTED:
      spelled = _strata_sql_identifier (token->value);
      break;
    case STRATA_SQL_TOKEN_BLOB:
      return g_ascii_strup (token->text, -1);
    default:
      return g_strdup (token->text);
    }
  return fold ? g_ascii_strdown (spelled, -1) : g_steal_pointer (&spelled);
}

/* No space after "(" and ".", none before ")", "," ";" and ".", and none
 * between a name and the "(" of its arguments: "count(*)", "VARCHAR(50)". */
static gboolean
needs_space (StrataSqlToken *previous,
             StrataSqlToken *token)
{
  if (previous == NULL)
    return FALSE;
  if (previous->kind == STRATA_SQL_TOKEN_PUNCT &&
      (strcmp (previous->text, "(") == 0 || strcmp (previous->text, ".") == 0))
    return FALSE;
  if (token->kind == STRATA_SQL_TOKEN_PUNCT &&
      (strcmp (token->text, ")") == 0 || strcmp (token->text, ",") == 0 ||
       strcmp (token->text, ";") == 0 || strcmp (token->text, ".") == 0))
    return FALSE;
  if (token->kind == STRATA_SQL_TOKEN_PUNCT && strcmp (token->text, "(") == 0 &&
      (previous->kind == STRATA_SQL_TOKEN_QUOTED ||
       (previous->kind == STRATA_SQL_TOKEN_WORD && !previous->keyword)))
    return FALSE;
  return TRUE;
}

/* A sign is unary after an operator, a keyword, "(" or at the start:
 * "DEFAULT -1", "(-x)"; it then sticks to what follows. */
static gboolean
is_unary_sign (GPtrArray *tokens,
               guint      i,
               guint      start)
{
  StrataSqlToken *before;

  if (!_strata_sql_token_is (tokens, i, "-") && !_strata_sql_token_is (tokens, i, "+"))
    return FALSE;
  if (i == start)
    return TRUE;
  before = g_ptr_array_index (tokens, i - 1);
  if (before->kind == STRATA_SQL_TOKEN_PUNCT)
    return strcmp (before->text, ")") != 0;
  return before->kind == STRATA_SQL_TOKEN_WORD && before->keyword;
}

char *
_strata_sql_normalise (GPtrArray *tokens,
                       guint      start,
                       guint      end,
                       gboolean   fold)
{
  g_autoptr(GString) text = g_string_new (NULL);
  StrataSqlToken *previous = NULL;

  for (guint i = start; i < end && i < tokens->len; i++)
    {
      StrataSqlToken *token = g_ptr_array_index (tokens, i);
      g_autofree char *spelled = spell_token (token, fold);
      gboolean unary = i > start && is_unary_sign (tokens, i - 1, start);

      if (!unary && needs_space (previous, token))
        g_string_append_c (text, ' ');
      g_string_append (text, spelled);
      previous = token;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

guint
_strata_sql_create_name (GPtrArray *tokens,
                         guint     *name_start)
{
  guint i = 1;

  /* CREATE [UNIQUE | TEMP | TEMPORARY | VIRTUAL] TABLE|INDEX|VIEW|TRIGGER */
  while (i < tokens->len && !_strata_sql_token_is (tokens, i, "TABLE") &&
         !_strata_sql_token_is (tokens, i, "INDEX") && !_strata_sql_token_is (tokens, i, "VIEW") &&
         !_strata_sql_token_is (tokens, i, "TRIGGER") && i < 3)
    i++;
  i++;
  if (_strata_sql_token_is (tokens, i, "IF") && _strata_sql_token_is (tokens, i + 1, "NOT") &&
      _strata_sql_token_is (tokens, i + 2, "EXISTS"))
    i += 3;
  if (name_start != NULL)
    *name_start = i;
  if (_strata_sql_token_is (tokens, i + 1, "."))
    i += 2;
  return MIN (i, tokens->len);
}

char *
_strata_sql_virtual_module (const char *sql)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql != NULL ? sql : "");

  if (!_strata_sql_token_is (tokens, 0, "CREATE") || !_strata_sql_token_is (tokens, 1, "VIRTUAL"))
    return NULL;
  for (guint i = 2; i + 1 < tokens->len; i++)
    if (_strata_sql_token_is (tokens, i, "USING"))
      return g_ascii_strdown (((StrataSqlToken *)g_ptr_array_index (tokens, i + 1))->value, -1);
  return NULL;
}

char *
_strata_sql_normalise_create (const char *sql,
                              gboolean    fold)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql);
  g_autoptr(GString) text = NULL;
  g_autofree char *head = NULL;
  g_autofree char *name = NULL;
  g_autofree char *rest = NULL;
  guint name_start;
  guint name_index = _strata_sql_create_name (tokens, &name_start);
  guint head_end = name_start;

  if (name_index >= tokens->len)
    return _strata_sql_normalise (tokens, 0, tokens->len, fold);

  /* "IF NOT EXISTS" and "main." change nothing that SQLite keeps. */
  if (_strata_sql_token_is (tokens, head_end - 1, "EXISTS"))
    head_end -= 3;
  head = _strata_sql_normalise (tokens, 0, head_end, fold);
  name = _strata_sql_normalise (tokens, name_index, name_index + 1, fold);
  rest = _strata_sql_normalise (tokens, name_index + 1, tokens->len, fold);
  while (g_str_has_suffix (rest, ";"))
    rest[strlen (rest) - 1] = '\0';
  g_strchomp (rest);

  text = g_string_new (head);
  g_string_append_printf (text, " %s", name);
  if (rest[0] != '\0' && rest[0] != '(' && rest[0] != ',')
    g_string_append_c (text, ' ');
  g_string_append (text, rest);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
_strata_sql_mentions (const char *sql,
                      const char *name)
{
  g_autoptr(GPtrArray) tokens = NULL;

  if (sql == NULL)
    return FALSE;
  tokens = _strata_sql_lex (sql);
  for (guint i = 0; i < tokens->len; i++)
    {
      StrataSqlToken *token = g_ptr_array_index (tokens, i);

      if ((token->kind == STRATA_SQL_TOKEN_WORD || token->kind == STRATA_SQL_TOKEN_QUOTED ||
           token->kind == STRATA_SQL_TOKEN_STRING) &&
          g_ascii_strcasecmp (token->value, name) == 0)
        return TRUE;
    }
  return FALSE;
}
