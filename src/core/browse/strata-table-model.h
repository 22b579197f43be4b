/* strata-table-model.h: the rows of a table as a lazy GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-table-row.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TABLE_MODEL (strata_table_model_get_type ())

G_DECLARE_FINAL_TYPE (StrataTableModel, strata_table_model, STRATA, TABLE_MODEL, GObject)

typedef enum
{
  STRATA_FILTER_LIKE,
  STRATA_FILTER_EQUAL,
  STRATA_FILTER_NOT_EQUAL,
  STRATA_FILTER_LESS,
  STRATA_FILTER_LESS_OR_EQUAL,
  STRATA_FILTER_GREATER,
  STRATA_FILTER_GREATER_OR_EQUAL,
  STRATA_FILTER_IS_NULL,
  STRATA_FILTER_IS_NOT_NULL,
} StrataFilterOperator;

/* How many rows one worker query loads, and how many such pages stay cached. */
#define STRATA_TABLE_MODEL_PAGE_SIZE 256
#define STRATA_TABLE_MODEL_MAX_PAGES 32

/* A GListModel of StrataTableRow over @table of the database in @file. A
 * worker thread with its own read-only connection pages rows by key (rowid, or
 * the primary key of a WITHOUT ROWID table), never by OFFSET, and only a
 * bounded cache of pages is kept. Rows not loaded yet are placeholders
 * (strata_table_row_get_loaded() is FALSE); when their page arrives the model
 * emits one items-changed for the whole page. An open (or a reload, or a new
 * filter) reads the first page before it counts: n-items first grows to the
 * first page's rows (at most STRATA_TABLE_MODEL_PAGE_SIZE, all loaded), then,
 * with a second items-changed that adds the rows after them, to the count.
 * "loading" is TRUE until the count has arrived. */
StrataTableModel   *strata_table_model_new              (GFile                 *file,
                                                         const char            *table);
GFile              *strata_table_model_get_file         (StrataTableModel      *self);
const char         *strata_table_model_get_table        (StrataTableModel      *self);
/* The column names, once loaded (notify::columns); NULL before. */
const char * const *strata_table_model_get_columns      (StrataTableModel      *self);
/* TRUE until the count is known; rows of the first page may show meanwhile. */
gboolean            strata_table_model_get_loading      (StrataTableModel      *self);
/* The columns the search looks in, once counted (loading FALSE): those
 * holding text by their declared type, or every column when none does. */
const char * const *strata_table_model_get_search_columns (StrataTableModel   *self);
/* The longest value of each column among rows sampled across the whole
 * table (its start, its end and runs between), to size columns by; NULL
 * until counted (notify::widest-values). SQL NULL counts as "NULL". */
const char * const *strata_table_model_get_widest_values (StrataTableModel    *self);
/* Why the rows could not be read (notify::error-message); NULL when they could. */
const char         *strata_table_model_get_error_message (StrataTableModel     *self);

/* Sets the filter of @column (replacing its previous one); a NULL @value with a
 * comparison clears it. Identifiers are quoted and values bound as parameters.
 * The model reloads: n-items changes once the new count is known. */
void                strata_table_model_set_filter       (StrataTableModel      *self,
                                                         const char            *column,
                                                         StrataFilterOperator   op,
                                                         const char            *value);
/* Keeps the rows where any search column contains @text (literally, ignoring
 * ASCII case), along with the column filters; NULL or "" for no search. */
void                strata_table_model_set_search       (StrataTableModel      *self,
                                                         const char            *text);
const char         *strata_table_model_get_search       (StrataTableModel      *self);
/* Clears the column filters and the search. */
void                strata_table_model_clear_filters    (StrataTableModel      *self);
/* Drops every cached page and reads the table again (after a migration). */
void                strata_table_model_reload           (StrataTableModel      *self);

/* Reads what a person types in a filter field: "> 5", "<= 2021", "= abc",
 * "!= x", "null", "not null", or text to find (LIKE %text%, or the text as a
 * pattern when it holds % or _). FALSE for empty text (no filter). */
gboolean            strata_table_model_parse_filter     (const char            *text,
                                                         StrataFilterOperator  *op,
                                                         char                 **value);


G_END_DECLS
