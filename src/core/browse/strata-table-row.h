/* strata-table-row.h: one row of a StrataTableModel, its values as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_TABLE_ROW (strata_table_row_get_type ())

G_DECLARE_FINAL_TYPE (StrataTableRow, strata_table_row, STRATA, TABLE_ROW, GObject)

guint               strata_table_row_get_position       (StrataTableRow        *self);
gboolean            strata_table_row_get_loaded         (StrataTableRow        *self);
guint               strata_table_row_get_n_values       (StrataTableRow        *self);
/* The value of column @column as text; NULL for SQL NULL (and before loading).
 * A blob reads as "BLOB (N bytes)". */
const char         *strata_table_row_get_value          (StrataTableRow        *self,
                                                         guint                  column);

G_END_DECLS
