/* strata-data-view.h: the rows of one table, paged, with a filter per column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_DATA_VIEW (strata_data_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataDataView, strata_data_view, STRATA, DATA_VIEW, GtkWidget)

GtkWidget        *strata_data_view_new       (void);
/* Shows @table of the database in @file; NULL for nothing. */
void              strata_data_view_set_table (StrataDataView *self,
                                              GFile          *file,
                                              const char     *table);
StrataTableModel *strata_data_view_get_model (StrataDataView *self);
GtkColumnView    *strata_data_view_get_column_view (StrataDataView *self);
void              strata_data_view_reload    (StrataDataView *self);

G_END_DECLS
