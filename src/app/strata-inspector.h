/* strata-inspector.h: the tables, views, indexes and triggers of the database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <strata.h>

#include "strata-data-view.h"

G_BEGIN_DECLS

#define STRATA_TYPE_INSPECTOR (strata_inspector_get_type ())

G_DECLARE_FINAL_TYPE (StrataInspector, strata_inspector, STRATA, INSPECTOR, GtkWidget)

GtkWidget      *strata_inspector_new           (void);
/* Reads the schema of @file through its own read-only connection, on a worker. */
void            strata_inspector_set_database  (StrataInspector *self,
                                                GFile           *file);
/* Reads it again (after a migration), keeping the selected object. */
void            strata_inspector_reload        (StrataInspector *self);
/* NULL until the first read completes (notify::schema). */
StrataSchema   *strata_inspector_get_schema    (StrataInspector *self);
gboolean        strata_inspector_select        (StrataInspector *self,
                                                const char      *name);
const char     *strata_inspector_get_selected  (StrataInspector *self);
StrataDataView *strata_inspector_get_data_view (StrataInspector *self);
/* The columns of the selected table or view as shown (StrataSchemaColumn). */
GListModel     *strata_inspector_get_columns   (StrataInspector *self);
/* "structure", "data" or "sql". */
void            strata_inspector_show_page     (StrataInspector *self,
                                                const char      *page);

G_END_DECLS
