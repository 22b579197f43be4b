/* strata-table-definition.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-sql-lexer-private.h"
#include "strata-table-definition-private.h"

/* The order constraints of a column are written in canonically, so that
 * "NOT NULL DEFAULT 0" and "DEFAULT 0 NOT NULL" compare equal. */
typedef enum
{
  CLAUSE_PRIMARY_KEY,
  CLAUSE_NULL,
  CLAUSE_UNIQUE,
  CLAUSE_CHECK,
  CLAUSE_DEFAULT,
  CLAUSE_COLLATE,
  CLAUSE_REFERENCES,
  CLAUSE_GENERATED,
} ClauseKind;

typedef struct
{
  ClauseKind kind;
  guint      start;  /* CONSTRAINT name included */
  guint      word;   /* the clause's first keyword */
  guint      end;
  guint      order;
} Clause;

static void
column_free (StrataColumnDefinition *column)
{
  g_free (column->name);
  g_free (column->type);
  g_free (column->definition);
  g_free (column->key);
  g_free (column->default_sql);
  g_free (column->collation);
  g_free (column->generated);
  g_free (column->references);
  g_clear_pointer (&column->checks, g_ptr_array_unref);
  g_free (column);
}

void
_strata_table_definition_free (StrataTableDefinition *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->constraints, g_ptr_array_unref);
  g_clear_pointer (&self->constraint_keys, g_ptr_array_unref);
  g_free (self);
}

static gboolean
starts_clause (GPtrArray *tokens,
               guint      i)
{
  static const char *words[] = { "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "DEFAULT",
                                 "COLLATE", "REFERENCES", "GENERATED", "AS", "NULL", "NOT",
                                 NULL };
  gboolean after_set = i > 0 && _strata_sql_token_is (tokens, i - 1, "SET");

  if (_strata_sql_token_is (tokens, i, "NOT"))
    return _strata_sql_token_is (tokens, i + 1, "NULL");
  if (_strata_sql_token_is (tokens, i, "NULL"))
    return !after_set && !_strata_sql_token_is (tokens, i - 1, "NOT");
  if (_strata_sql_token_is (tokens, i, "DEFAULT"))
    return !after_set;
  if (_strata_sql_token_is (tokens, i, "AS"))
    return !_strata_sql_token_is (tokens, i - 1, "ALWAYS");
  for (guint w = 0; words[w] != NULL; w++)
    if (_strata_sql_token_is (tokens, i, words[w]))
      return TRUE;
  return FALSE;
}

static guint
skip_group (GPtrArray *tokens,
            guint      i)
{
  if (_strata_sql_token_is (tokens, i, "("))
    return _strata_sql_find_close (tokens, i) + 1;
  return i + 1;
}

static ClauseKind
clause_kind (GPtrArray *tokens,
             guint      word)
{
  if (_strata_sql_token_is (tokens, word, "PRIMARY"))
    return CLAUSE_PRIMARY_KEY;
  if (_strata_sql_token_is (tokens, word, "UNIQUE"))
    return CLAUSE_UNIQUE;
  if (_strata_sql_token_is (tokens, word, "CHECK"))
    return CLAUSE_CHECK;
  if (_strata_sql_token_is (tokens, word, "DEFAULT"))
    return CLAUSE_DEFAULT;
  if (_strata_sql_token_is (tokens, word, "COLLATE"))
    return CLAUSE_COLLATE;
  if (_strata_sql_token_is (tokens, word, "REFERENCES"))
    return CLAUSE_REFERENCES;
  if (_strata_sql_token_is (tokens, word, "GENERATED") ||
      _strata_sql_token_is (tokens, word, "AS"))
    return CLAUSE_GENERATED;
  return CLAUSE_NULL;
}

/* DEFAULT takes one value: a parenthesised expression, a signed number or
 * one literal, so a NULL after it is its value, not a constraint. */
static guint
default_end (GPtrArray *tokens,
             guint      word,
             guint      end)
{
  guint i = word + 1;

  if (_strata_sql_token_is (tokens, i, "+") || _strata_sql_token_is (tokens, i, "-"))
    i++;
  return MIN (skip_group (tokens, i), end);
}

static guint
clause_end (GPtrArray *tokens,
            guint      word,
            guint      end)
{
  guint i = word + 1;

  if (_strata_sql_token_is (tokens, word, "DEFAULT"))
    return default_end (tokens, word, end);
  while (i < end && !starts_clause (tokens, i))
    i = skip_group (tokens, i);
  return MIN (i, end);
}

static GArray *
split_clauses (GPtrArray *tokens,
               guint      start,
               guint      end)
{
  GArray *clauses = g_array_new (FALSE, TRUE, sizeof (Clause));
  guint i = start;

  while (i < end)
    {
      Clause clause = { 0, i, i, 0, clauses->len };

      if (_strata_sql_token_is (tokens, i, "CONSTRAINT"))
        clause.word = i + 2;
      clause.kind = clause_kind (tokens, clause.word);
      clause.end = clause_end (tokens, clause.word, end);
      g_array_append_val (clauses, clause);
      i = MAX (clause.end, i + 1);
    }
  return clauses;
}

static int
compare_clauses (gconstpointer a,
                 gconstpointer b)
{
  const Clause *ca = a;
  const Clause *cb = b;

  if (ca->kind != cb->kind)
    return ca->kind < cb->kind ? -1 : 1;
  return ca->order < cb->order ? -1 : ca->order > cb->order;
}

/* The expression between the parentheses that follow @i. */
static char *
group_text (GPtrArray *tokens,
            guint      i,
            guint      end)
{
  while (i < end && !_strata_sql_token_is (tokens, i, "("))
    i++;
  if (i >= end)
    return g_strdup ("");
  return _strata_sql_normalise (tokens, i + 1, _strata_sql_find_close (tokens, i), FALSE);
}

static gboolean
clause_has (GPtrArray *tokens,
            Clause    *clause,
            const char *word)
{
  for (guint i = clause->word; i < clause->end; i++)
    if (_strata_sql_token_is (tokens, i, word))
      return TRUE;
  return FALSE;
}

/* Generated columns are written in full, "GENERATED ALWAYS AS (…) VIRTUAL",
 * whichever short form was used. */
static char *
generated_text (StrataColumnDefinition *column,
                GPtrArray              *tokens,
                Clause                 *clause)
{
  g_autofree char *name = NULL;

  column->generated = group_text (tokens, clause->word, clause->end);
  column->stored = clause_has (tokens, clause, "STORED");
  if (clause->start != clause->word)
    name = _strata_sql_normalise (tokens, clause->start, clause->word, FALSE);
  return g_strdup_printf ("%s%sGENERATED ALWAYS AS (%s) %s", name ? name : "", name ? " " : "",
                          column->generated, column->stored ? "STORED" : "VIRTUAL");
}

static void
read_clause (StrataColumnDefinition *column,
             GPtrArray              *tokens,
             Clause                 *clause)
{
  switch (clause->kind)
    {
    case CLAUSE_PRIMARY_KEY:
      column->primary_key = TRUE;
      column->autoincrement = clause_has (tokens, clause, "AUTOINCREMENT");
      break;
    case CLAUSE_NULL:
      column->not_null = _strata_sql_token_is (tokens, clause->word, "NOT");
      break;
    case CLAUSE_UNIQUE:
      column->unique = TRUE;
      break;
    case CLAUSE_CHECK:
      g_ptr_array_add (column->checks, group_text (tokens, clause->word, clause->end));
      break;
    case CLAUSE_DEFAULT:
      column->default_sql = _strata_sql_normalise (tokens, clause->word + 1, clause->end, FALSE);
      break;
    case CLAUSE_COLLATE:
      column->collation = _strata_sql_normalise (tokens, clause->word + 1, clause->end, FALSE);
      break;
    case CLAUSE_REFERENCES:
      column->references = _strata_sql_normalise (tokens, clause->word, clause->end, FALSE);
      break;
    case CLAUSE_GENERATED:
    default:
      break;
    }
}

static guint
type_end (GPtrArray *tokens,
          guint      start,
          guint      end)
{
  guint i = start;

  while (i < end && !starts_clause (tokens, i))
    i = skip_group (tokens, i);
  return MIN (i, end);
}

static StrataColumnDefinition *
parse_column (GPtrArray *tokens,
              guint      start,
              guint      end)
{
  StrataColumnDefinition *column = g_new0 (StrataColumnDefinition, 1);
  StrataSqlToken *name = g_ptr_array_index (tokens, start);
  guint types = type_end (tokens, start + 1, end);
  g_autofree char *type = _strata_sql_normalise (tokens, start + 1, types, FALSE);
  g_autoptr(GArray) clauses = split_clauses (tokens, types, end);
  g_autoptr(GString) definition = NULL;
  g_autofree char *ident = _strata_sql_identifier (name->value);

  column->name = g_strdup (name->value);
  column->type = g_ascii_strup (type, -1);
  column->checks = g_ptr_array_new_with_free_func (g_free);
  definition = g_string_new (ident);
  if (column->type[0] != '\0')
    g_string_append_printf (definition, " %s", column->type);

  g_array_sort (clauses, compare_clauses);
  for (guint c = 0; c < clauses->len; c++)
    {
      Clause *clause = &g_array_index (clauses, Clause, c);
      g_autofree char *text = NULL;

      read_clause (column, tokens, clause);
      if (clause->kind == CLAUSE_GENERATED)
        text = generated_text (column, tokens, clause);
      else
        text = _strata_sql_normalise (tokens, clause->start, clause->end, FALSE);
      g_string_append_printf (definition, " %s", text);
    }
  column->definition = g_string_free (g_steal_pointer (&definition), FALSE);
  column->key = g_ascii_strdown (column->definition, -1);
  return column;
}

static gboolean
is_table_constraint (GPtrArray *tokens,
                     guint      start)
{
  return _strata_sql_token_is (tokens, start, "CONSTRAINT") ||
         _strata_sql_token_is (tokens, start, "PRIMARY") ||
         _strata_sql_token_is (tokens, start, "UNIQUE") ||
         _strata_sql_token_is (tokens, start, "CHECK") ||
         _strata_sql_token_is (tokens, start, "FOREIGN");
}

static void
add_element (StrataTableDefinition *self,
             GPtrArray             *tokens,
             guint                  start,
             guint                  end)
{
  if (start >= end)
    return;
  if (is_table_constraint (tokens, start) || self->constraints->len > 0)
    {
      g_ptr_array_add (self->constraints, _strata_sql_normalise (tokens, start, end, FALSE));
      g_ptr_array_add (self->constraint_keys, _strata_sql_normalise (tokens, start, end, TRUE));
      for (guint i = start; i < end; i++)
        if (_strata_sql_token_is (tokens, i, "AUTOINCREMENT"))
          self->autoincrement = TRUE;
      return;
    }
  g_ptr_array_add (self->columns, parse_column (tokens, start, end));
}

static void
read_options (StrataTableDefinition *self,
              GPtrArray             *tokens,
              guint                  start)
{
  for (guint i = start; i < tokens->len; i++)
    {
      if (_strata_sql_token_is (tokens, i, "STRICT"))
        self->strict = TRUE;
      else if (_strata_sql_token_is (tokens, i, "ROWID"))
        self->without_rowid = TRUE;
    }
}

StrataTableDefinition *
_strata_table_definition_parse (const char *sql)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql);
  g_autoptr(StrataTableDefinition) self = g_new0 (StrataTableDefinition, 1);
  guint name = _strata_sql_create_name (tokens, NULL);
  guint open = name + 1;
  guint close;
  guint start;

  if (!_strata_sql_token_is (tokens, 0, "CREATE") || !_strata_sql_token_is (tokens, open, "("))
    return NULL;
  close = _strata_sql_find_close (tokens, open);
  self->name = g_strdup (((StrataSqlToken *)g_ptr_array_index (tokens, name))->value);
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify)column_free);
  self->constraints = g_ptr_array_new_with_free_func (g_free);
  self->constraint_keys = g_ptr_array_new_with_free_func (g_free);

  start = open + 1;
  for (guint i = start; i < close; i = skip_group (tokens, i))
    if (_strata_sql_token_is (tokens, i, ","))
      {
        add_element (self, tokens, start, i);
        start = i + 1;
      }
  add_element (self, tokens, start, close);
  read_options (self, tokens, close + 1);
  for (guint i = 0; i < self->columns->len; i++)
    if (((StrataColumnDefinition *)g_ptr_array_index (self->columns, i))->autoincrement)
      self->autoincrement = TRUE;
  return g_steal_pointer (&self);
}

char *
_strata_table_definition_to_sql (StrataTableDefinition *self,
                                 gboolean               pretty,
                                 gboolean               fold)
{
  g_autoptr(GString) sql = g_string_new ("CREATE TABLE ");
  g_autofree char *name = _strata_sql_identifier (self->name);
  const char *separator = pretty ? ",\n  " : ", ";
  guint n = 0;

  g_string_append (sql, name);
  g_string_append (sql, pretty ? " (\n  " : " (");
  for (guint i = 0; i < self->columns->len; i++, n++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (self->columns, i);
      g_string_append_printf (sql, "%s%s", n ? separator : "",
                              fold ? column->key : column->definition);
    }
  for (guint i = 0; i < self->constraints->len; i++, n++)
    g_string_append_printf (sql, "%s%s", n ? separator : "",
                            (char *)g_ptr_array_index (fold ? self->constraint_keys
                                                            : self->constraints, i));
  g_string_append (sql, pretty ? "\n)" : ")");
  if (self->strict)
    g_string_append (sql, " STRICT");
  if (self->without_rowid)
    g_string_append (sql, self->strict ? ", WITHOUT ROWID" : " WITHOUT ROWID");
  if (fold)
    {
      g_autofree char *folded = g_ascii_strdown (sql->str, -1);
      return g_steal_pointer (&folded);
    }
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

StrataColumnDefinition *
_strata_table_definition_lookup (StrataTableDefinition *self,
                                 const char            *column)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      StrataColumnDefinition *candidate = g_ptr_array_index (self->columns, i);

      if (g_ascii_strcasecmp (candidate->name, column) == 0)
        return candidate;
    }
  return NULL;
}

char *
_strata_table_sql_rename (const char *sql,
                          const char *name)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql);
  g_autofree char *quoted = _strata_sql_identifier (name);
  guint name_start;
  guint name_index = _strata_sql_create_name (tokens, &name_start);
  StrataSqlToken *first;
  StrataSqlToken *last;
  g_autoptr(GString) text = NULL;

  if (name_index >= tokens->len)
    return g_strdup (sql);
  first = g_ptr_array_index (tokens, name_start);
  last = g_ptr_array_index (tokens, name_index);
  text = g_string_new_len (sql, first->offset);
  g_string_append (text, quoted);
  g_string_append (text, sql + last->offset + strlen (last->text));
  return g_string_free (g_steal_pointer (&text), FALSE);
}
