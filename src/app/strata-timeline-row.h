/* strata-timeline-row.h: one row of the revision timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "strata-timeline-item.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TIMELINE_ROW (strata_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (StrataTimelineRow, strata_timeline_row, STRATA, TIMELINE_ROW, GtkWidget)

GtkWidget          *strata_timeline_row_new      (void);
StrataTimelineItem *strata_timeline_row_get_item (StrataTimelineRow  *self);
void                strata_timeline_row_set_item (StrataTimelineRow  *self,
                                                  StrataTimelineItem *item);

G_END_DECLS
