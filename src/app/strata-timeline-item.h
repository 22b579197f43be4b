/* strata-timeline-item.h: one revision of the timeline, with its state and lanes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <strata.h>

#include "strata-timeline-layout.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TIMELINE_ITEM (strata_timeline_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataTimelineItem, strata_timeline_item, STRATA, TIMELINE_ITEM, GObject)

StrataTimelineItem  *strata_timeline_item_new          (StrataRevision      *revision,
                                                        StrataRevisionState  state,
                                                        const StrataLaneRow *lanes);
StrataRevision      *strata_timeline_item_get_revision (StrataTimelineItem  *self);
StrataRevisionState  strata_timeline_item_get_state    (StrataTimelineItem  *self);
const StrataLaneRow *strata_timeline_item_get_lanes    (StrataTimelineItem  *self);
/* Whether @other shows the same revision id with the same lanes, so that
 * @self can take its revision and state in place. */
gboolean             strata_timeline_item_same_place   (StrataTimelineItem  *self,
                                                        StrataTimelineItem  *other);
void                 strata_timeline_item_set_state    (StrataTimelineItem  *self,
                                                        StrataRevisionState  state);
/* Takes @from's revision and state, notifying "revision" and "state" when
 * they change. */
void                 strata_timeline_item_update       (StrataTimelineItem  *self,
                                                        StrataTimelineItem  *from);
/* One item per revision of @graph, newest first, with its lanes and its
 * state in @status (pending without one). Touches no widget, so a worker
 * thread can build them; the graph is only read. */
GPtrArray           *strata_timeline_item_build_all    (StrataRevisionGraph *graph,
                                                        StrataStatus        *status);
/* The first twelve characters of the id. */
char                *strata_timeline_item_dup_short_id (StrataTimelineItem  *self);
/* The create date in the locale's words ("12 Sep 2021"); NULL when unknown. */
char                *strata_timeline_item_dup_date     (StrataTimelineItem  *self);

/* The state that matters most, as a word, an icon name and a CSS class: a
 * missing file, then the current head, applied, pending. */
const char          *strata_revision_state_to_label    (StrataRevisionState  state);
const char          *strata_revision_state_to_icon     (StrataRevisionState  state);
const char          *strata_revision_state_to_css      (StrataRevisionState  state);

G_END_DECLS
