/* strata-timeline.h: the revisions of a project, newest on top, drawn as a graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_TIMELINE (strata_timeline_get_type ())

G_DECLARE_FINAL_TYPE (StrataTimeline, strata_timeline, STRATA, TIMELINE, GtkWidget)

GtkWidget      *strata_timeline_new                   (void);
/* Rebuilds the rows from @graph and the states from @status, keeping the
 * selection when its revision is still there. */
void            strata_timeline_set_graph             (StrataTimeline      *self,
                                                       StrataRevisionGraph *graph,
                                                       StrataStatus        *status);
/* Shows @items (strata_timeline_item_build_all()). When they hold the same
 * revisions in the same places as the rows, the rows stay and take the new
 * states in place; otherwise they are replaced. Returns whether they were. */
gboolean        strata_timeline_set_items             (StrataTimeline      *self,
                                                       GPtrArray           *items);
/* Sets the rows' states as the database would have them at @heads (ids of
 * @graph, the graph the rows show), in place, without reading it. */
void            strata_timeline_set_heads             (StrataTimeline      *self,
                                                       StrataRevisionGraph *graph,
                                                       const char * const  *heads);
/* StrataTimelineItem, newest first. */
GListModel     *strata_timeline_get_model             (StrataTimeline      *self);
StrataRevision *strata_timeline_get_selected_revision (StrataTimeline      *self);
gboolean        strata_timeline_select                (StrataTimeline      *self,
                                                       const char          *id);
void            strata_timeline_select_first          (StrataTimeline      *self);

G_END_DECLS
