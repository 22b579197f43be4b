/* strata-lane-view.h: draws one row of the timeline's lanes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "strata-timeline-layout.h"

G_BEGIN_DECLS

#define STRATA_TYPE_LANE_VIEW (strata_lane_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataLaneView, strata_lane_view, STRATA, LANE_VIEW, GtkWidget)

GtkWidget *strata_lane_view_new     (void);
/* @row is copied; @state picks how the node is drawn (hollow when pending). */
void       strata_lane_view_set_row (StrataLaneView      *self,
                                     const StrataLaneRow *row,
                                     StrataRevisionState  state);
void       strata_lane_view_set_state (StrataLaneView      *self,
                                       StrataRevisionState  state);

/* Whether the node is a merge point (more than one parent), drawn as a
 * diamond rather than a dot. */
gboolean   strata_lane_view_get_merge (StrataLaneView *self);

G_END_DECLS
