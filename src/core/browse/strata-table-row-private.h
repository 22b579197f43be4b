/* strata-table-row-private.h: how StrataTableModel makes its rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-table-row.h"

G_BEGIN_DECLS

/* Takes @values (n_values strings, NULL entries for SQL NULL); NULL @values
 * makes a placeholder row that is not loaded yet. */
StrataTableRow *_strata_table_row_new (guint   position,
                                       guint   n_values,
                                       char  **values);

G_END_DECLS
