/* strata-lane-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-lane-view.h"

#define LANE_WIDTH  16
#define NODE_RADIUS 5.0
#define LINE_WIDTH  2.0

struct _StrataLaneView
{
  GtkWidget            parent_instance;
  StrataLaneRow       *row;
  StrataRevisionState  state;
};

G_DEFINE_FINAL_TYPE (StrataLaneView, strata_lane_view, GTK_TYPE_WIDGET)

/* The GNOME palette's strong colours, one per lane, repeating. */
static const char *lane_colors[] = {
  "#3584e4", "#e66100", "#9141ac", "#26a269", "#c01c28", "#986a44", "#1c71d8",
};

static void
lane_color (guint    lane,
            GdkRGBA *rgba)
{
  gdk_rgba_parse (rgba, lane_colors[lane % G_N_ELEMENTS (lane_colors)]);
}

static double
lane_x (guint lane)
{
  return LANE_WIDTH * lane + LANE_WIDTH / 2.0 + 4;
}

static double
position_y (StrataLanePosition position,
            double             height)
{
  switch (position)
    {
    case STRATA_LANE_TOP:    return 0;
    case STRATA_LANE_MIDDLE: return height / 2.0;
    case STRATA_LANE_BOTTOM: return height;
    default:                 g_return_val_if_reached (0);
    }
}

static void
draw_edge (cairo_t              *cr,
           const StrataLaneEdge *edge,
           double                height)
{
  double x1 = lane_x (edge->from_lane), y1 = position_y (edge->from_position, height);
  double x2 = lane_x (edge->to_lane), y2 = position_y (edge->to_position, height);
  GdkRGBA color;

  /* A line takes the colour of the lane it runs in below the node: a branch
   * keeps its colour down to where it forks off. */
  lane_color (edge->to_position == STRATA_LANE_MIDDLE ? edge->from_lane : edge->to_lane, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_move_to (cr, x1, y1);
  if (x1 == x2)
    cairo_line_to (cr, x2, y2);
  else
    cairo_curve_to (cr, x1, (y1 + y2) / 2, x2, (y1 + y2) / 2, x2, y2);
  cairo_stroke (cr);
}

/* The lines leaving the node downwards, one per parent. */
static guint
count_parents (const StrataLaneRow *row)
{
  guint n = 0;

  for (guint i = 0; i < row->n_edges; i++)
    if (row->edges[i].from_position == STRATA_LANE_MIDDLE && row->edges[i].from_lane == row->node_lane &&
        row->edges[i].to_position == STRATA_LANE_BOTTOM)
      n++;
  return n;
}

static void
draw_node (StrataLaneView *self,
           cairo_t        *cr,
           double          height)
{
  double x = lane_x (self->row->node_lane), y = height / 2.0;
  GdkRGBA color;

  lane_color (self->row->node_lane, &color);
  /* A merge point is a diamond, a little larger than a revision's dot. */
  if (count_parents (self->row) > 1)
    {
      double r = NODE_RADIUS + 1.5;

      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r, y);
      cairo_line_to (cr, x, y + r);
      cairo_line_to (cr, x - r, y);
      cairo_close_path (cr);
    }
  else
    cairo_arc (cr, x, y, NODE_RADIUS, 0, 2 * G_PI);
  if (self->state & STRATA_REVISION_STATE_APPLIED)
    {
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill (cr);
    }
  else
    {
      GdkRGBA background = { 1, 1, 1, 1 };

      /* A pending revision is a hollow ring, so the difference is not colour alone. */
      gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                      "view_bg_color", &background);
      gdk_cairo_set_source_rgba (cr, &background);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_stroke (cr);
    }
  if (self->state & STRATA_REVISION_STATE_CURRENT)
    {
      cairo_arc (cr, x, y, NODE_RADIUS + 3, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_stroke (cr);
    }
}

static void
strata_lane_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  StrataLaneView *self = STRATA_LANE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->row == NULL || width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < self->row->n_edges; i++)
    draw_edge (cr, &self->row->edges[i], height);
  draw_node (self, cr, height);
  cairo_destroy (cr);
}

static void
strata_lane_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  StrataLaneView *self = STRATA_LANE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = LANE_WIDTH * (self->row ? self->row->n_lanes : 1) + 8;
  else
    *minimum = *natural = 2 * (NODE_RADIUS + 4);
}

static void
strata_lane_view_finalize (GObject *object)
{
  StrataLaneView *self = (StrataLaneView *)object;

  g_clear_pointer (&self->row, strata_lane_row_free);

  G_OBJECT_CLASS (strata_lane_view_parent_class)->finalize (object);
}

static void
strata_lane_view_class_init (StrataLaneViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = strata_lane_view_finalize;
  widget_class->snapshot = strata_lane_view_snapshot;
  widget_class->measure = strata_lane_view_measure;
  gtk_widget_class_set_css_name (widget_class, "laneview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
strata_lane_view_init (StrataLaneView *self)
{
}

GtkWidget *
strata_lane_view_new (void)
{
  return g_object_new (STRATA_TYPE_LANE_VIEW, NULL);
}

/* gtk_widget_set_tooltip_text() on a shown widget asks the display where the
 * pointer is, a round trip to the X server each time, even for the same
 * text; a row bound while scrolling, or redrawn as a step finishes, must
 * not pay it. */
static void
set_tooltip (StrataLaneView *self,
             const char     *text)
{
  const char *old = gtk_widget_get_tooltip_text (GTK_WIDGET (self));

  if (g_strcmp0 (old, text) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
}

static void
update_tooltip (StrataLaneView *self)
{
  g_autofree char *tooltip = NULL;

  if (strata_lane_view_get_merge (self))
    {
      guint n = count_parents (self->row);

      /* Translators: the tooltip of a merge point's node in the timeline */
      tooltip = g_strdup_printf (ngettext ("Merge point: joins %u branch",
                                           "Merge point: joins %u branches", n), n);
    }
  set_tooltip (self, tooltip);
}

void
strata_lane_view_set_row (StrataLaneView      *self,
                          const StrataLaneRow *row,
                          StrataRevisionState  state)
{
  guint n_lanes;

  g_return_if_fail (STRATA_IS_LANE_VIEW (self));

  if (row == self->row ||
      (row != NULL && self->row != NULL && strata_lane_row_equal (row, self->row)))
    {
      strata_lane_view_set_state (self, state);
      return;
    }
  n_lanes = self->row != NULL ? self->row->n_lanes : 0;
  g_clear_pointer (&self->row, strata_lane_row_free);
  if (row != NULL)
    self->row = strata_lane_row_copy (row);
  self->state = state;
  update_tooltip (self);
  /* Rows of one timeline share a width: only another graph changes it. */
  if ((self->row != NULL ? self->row->n_lanes : 0) != n_lanes)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A step finished: the node is filled or ringed, nothing moves. */
void
strata_lane_view_set_state (StrataLaneView      *self,
                            StrataRevisionState  state)
{
  g_return_if_fail (STRATA_IS_LANE_VIEW (self));

  if (self->state == state)
    return;
  self->state = state;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
strata_lane_view_get_merge (StrataLaneView *self)
{
  g_return_val_if_fail (STRATA_IS_LANE_VIEW (self), FALSE);
  return self->row != NULL && count_parents (self->row) > 1;
}
