/* strata-table-model-filter.c: what a person types into a column's filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "strata-table-model.h"

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
