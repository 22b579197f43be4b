/* strata-table-model-private.h: the filters of StrataTableModel, shared by its
 * worker (strata-table-model.c) and their SQL (strata-table-model-filter.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "strata-table-model.h"

G_BEGIN_DECLS

/* One column's filter; a NULL column is the search across the text columns,
 * whose value is the text to find (not a pattern). */
typedef struct
{
  char                 *column;
  StrataFilterOperator  op;
  char                 *value;
} StrataTableFilter;

void      _strata_table_filter_free   (StrataTableFilter *filter);
gpointer  _strata_table_filter_copy   (gconstpointer      data,
                                       gpointer           user_data);
gboolean  _strata_table_filter_takes_value (StrataFilterOperator op);
/* The WHERE clause ("1" for no filter) of @filters over a table with
 * @columns, the values to bind in order appended to @values. Filters of
 * columns the table no longer has filter nothing. */
char     *_strata_table_filter_where  (GPtrArray          *filters,
                                       GPtrArray          *columns,
                                       GPtrArray          *search_columns,
                                       GPtrArray          *values);
/* Whether a column declared as @type holds text: TEXT affinity (CHAR, CLOB,
 * TEXT) or no declared type at all, as SQLite's affinity rules read it. */
gboolean  _strata_table_type_is_text  (const char         *type);

/* A cell as the grid shows it: NULL for SQL NULL, a size for a BLOB. */
char     *_strata_table_value_to_text (sqlite3_stmt      *stmt,
                                       int                column);
/* The longest value of each of @n_columns @columns (as text, at most 256
 * characters) among rows at the start and end of @key's order and, when
 * @rowid (@key being the rowid), runs spread between. */
GStrv     _strata_table_sample_widest (sqlite3           *db,
                                       guint              n_columns,
                                       const char        *columns,
                                       const char        *quoted_table,
                                       const char        *key,
                                       const char        *key_descending,
                                       gboolean           rowid);

G_END_DECLS
