/* strata-timeline-layout.h: lanes of the revision timeline, like git log --graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <strata.h>

G_BEGIN_DECLS

/* Where an edge ends within a row: its top border, the node, its bottom border. */
typedef enum
{
  STRATA_LANE_TOP,
  STRATA_LANE_MIDDLE,
  STRATA_LANE_BOTTOM,
} StrataLanePosition;

typedef struct
{
  guint              from_lane;
  StrataLanePosition from_position;
  guint              to_lane;
  StrataLanePosition to_position;
} StrataLaneEdge;

/* One row of the timeline: the lane of its node, the number of lanes of the
 * whole timeline (so rows line up) and the edges to draw, lines from children
 * above and to parents below. Depends On is no edge: a line across lanes to
 * a revision of another branch, many rows away, would cross the lines of
 * every branch between, so the row names what it depends on instead. */
typedef struct
{
  guint   node_lane;
  guint   n_lanes;
  guint   n_edges;
  StrataLaneEdge *edges;
  /* The Depends On entries, a revision's full id where the entry is a
   * prefix of one in the timeline, else as written (a branch label); NULL
   * when there are none. */
  char  **depends_on;
} StrataLaneRow;

void           strata_lane_row_free          (StrataLaneRow *row);
StrataLaneRow *strata_lane_row_copy          (const StrataLaneRow *row);
gboolean       strata_lane_row_equal         (const StrataLaneRow *a,
                                              const StrataLaneRow *b);
gboolean       strata_lane_row_has_edge      (const StrataLaneRow *row,
                                              guint                from_lane,
                                              StrataLanePosition   from_position,
                                              guint                to_lane,
                                              StrataLanePosition   to_position);

/* @revisions newest first (every child before its parents). Returns one
 * StrataLaneRow per revision, in the same order. Parents are Revises only;
 * one not in @revisions (a missing file) ends its lane. Depends On
 * entries are listed on the row, never drawn as lanes. */
GPtrArray     *strata_timeline_layout_compute (GPtrArray    *revisions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLaneRow, strata_lane_row_free)

G_END_DECLS
