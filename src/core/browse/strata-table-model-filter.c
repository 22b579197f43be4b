/* strata-table-model-filter.c: what a person types into a column's filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-sql.h"
#include "strata-table-model-private.h"

static const struct {
  const char           *prefix;
  StrataFilterOperator  op;
} comparisons[] = {
  /* Longest first, so that ">=" is not read as ">" and "=". */
  { ">=", STRATA_FILTER_GREATER_OR_EQUAL },
  { "<=", STRATA_FILTER_LESS_OR_EQUAL },
  { "!=", STRATA_FILTER_NOT_EQUAL },
  { "<>", STRATA_FILTER_NOT_EQUAL },
  { "==", STRATA_FILTER_EQUAL },
  { "=", STRATA_FILTER_EQUAL },
  { "<", STRATA_FILTER_LESS },
  { ">", STRATA_FILTER_GREATER },
};

gboolean
strata_table_model_parse_filter (const char            *text,
                                 StrataFilterOperator  *op,
                                 char                 **value)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  *value = NULL;
  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (trimmed[0] == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (trimmed, "null") == 0 || g_ascii_strcasecmp (trimmed, "is null") == 0)
    {
      *op = STRATA_FILTER_IS_NULL;
      return TRUE;
    }
  if (g_ascii_strcasecmp (trimmed, "not null") == 0 ||
      g_ascii_strcasecmp (trimmed, "is not null") == 0)
    {
      *op = STRATA_FILTER_IS_NOT_NULL;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (comparisons); i++)
    if (g_str_has_prefix (trimmed, comparisons[i].prefix))
      {
        *op = comparisons[i].op;
        *value = g_strstrip (g_strdup (trimmed + strlen (comparisons[i].prefix)));
        return TRUE;
      }

  *op = STRATA_FILTER_LIKE;
  if (strpbrk (trimmed, "%_") != NULL)
    *value = g_steal_pointer (&trimmed);
  else
    *value = g_strdup_printf ("%%%s%%", trimmed);
  return TRUE;
}

/* The SQL of filters */

void
_strata_table_filter_free (StrataTableFilter *filter)
{
  g_free (filter->column);
  g_free (filter->value);
  g_free (filter);
}

gpointer
_strata_table_filter_copy (gconstpointer data,
                           gpointer      user_data)
{
  const StrataTableFilter *filter = data;
  StrataTableFilter *copy = g_new0 (StrataTableFilter, 1);

  copy->column = g_strdup (filter->column);
  copy->op = filter->op;
  copy->value = g_strdup (filter->value);
  return copy;
}

static const char *
operator_sql (StrataFilterOperator op)
{
  switch (op)
    {
    case STRATA_FILTER_LIKE:             return "LIKE ?";
    case STRATA_FILTER_EQUAL:            return "= ?";
    case STRATA_FILTER_NOT_EQUAL:        return "IS NOT ?";
    case STRATA_FILTER_LESS:             return "< ?";
    case STRATA_FILTER_LESS_OR_EQUAL:    return "<= ?";
    case STRATA_FILTER_GREATER:          return "> ?";
    case STRATA_FILTER_GREATER_OR_EQUAL: return ">= ?";
    case STRATA_FILTER_IS_NULL:          return "IS NULL";
    case STRATA_FILTER_IS_NOT_NULL:      return "IS NOT NULL";
    default:                             g_return_val_if_reached ("IS NULL");
    }
}

gboolean
_strata_table_filter_takes_value (StrataFilterOperator op)
{
  return op != STRATA_FILTER_IS_NULL && op != STRATA_FILTER_IS_NOT_NULL;
}

static gboolean
has_column (GPtrArray  *columns,
            const char *name)
{
  for (guint i = 0; i < columns->len; i++)
    if (g_ascii_strcasecmp (columns->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* The search finds its text literally: % and _ typed into it are escaped. */
static char *
search_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

static void
append_search (GString    *where,
               const char *text,
               GPtrArray  *search_columns,
               GPtrArray  *values)
{
  if (search_columns->len == 0)
    return;
  g_string_append (where, " AND (");
  for (guint i = 0; i < search_columns->len; i++)
    {
      g_autofree char *quoted = strata_sql_quote_identifier (search_columns->pdata[i]);

      g_string_append_printf (where, "%s%s LIKE ? ESCAPE '\\'", i > 0 ? " OR " : "", quoted);
      g_ptr_array_add (values, search_pattern (text));
    }
  g_string_append_c (where, ')');
}

char *
_strata_table_filter_where (GPtrArray *filters,
                            GPtrArray *columns,
                            GPtrArray *search_columns,
                            GPtrArray *values)
{
  GString *where = g_string_new ("1");

  for (guint i = 0; filters != NULL && i < filters->len; i++)
    {
      StrataTableFilter *filter = g_ptr_array_index (filters, i);
      g_autofree char *quoted = NULL;

      if (filter->column == NULL)
        {
          append_search (where, filter->value, search_columns, values);
          continue;
        }
      /* A column that no longer exists (after a migration) filters nothing. */
      if (!has_column (columns, filter->column))
        continue;
      quoted = strata_sql_quote_identifier (filter->column);
      g_string_append_printf (where, " AND %s %s", quoted, operator_sql (filter->op));
      if (_strata_table_filter_takes_value (filter->op))
        g_ptr_array_add (values, g_strdup (filter->value));
    }
  return g_string_free (where, FALSE);
}

gboolean
_strata_table_type_is_text (const char *type)
{
  g_autofree char *upper = g_ascii_strup (type != NULL ? type : "", -1);

  /* An INT type is an integer even when it says CHAR too ("CHARINT"). */
  if (strstr (upper, "INT") != NULL)
    return FALSE;
  return upper[0] == '\0' || strstr (upper, "CHAR") != NULL ||
         strstr (upper, "CLOB") != NULL || strstr (upper, "TEXT") != NULL;
}
