/* strata-timeline-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Walks the revisions newest first keeping, for each lane, the id of the
 * revision that lane is heading down to. A revision takes the first lane
 * expecting it; other lanes expecting it converge into it (a branch point
 * seen from below). Its first parent continues its lane; further parents
 * (a merge) go to a lane already expecting them or to the first free one.
 */
#include "config.h"

#include "strata-timeline-layout.h"

void
strata_lane_row_free (StrataLaneRow *row)
{
  if (row == NULL)
    return;
  g_free (row->edges);
  g_strfreev (row->depends_on);
  g_free (row);
}

StrataLaneRow *
strata_lane_row_copy (const StrataLaneRow *row)
{
  StrataLaneRow *copy = g_memdup2 (row, sizeof *row);

  copy->edges = g_memdup2 (row->edges, sizeof (StrataLaneEdge) * row->n_edges);
  copy->depends_on = g_strdupv (row->depends_on);
  return copy;
}

gboolean
strata_lane_row_equal (const StrataLaneRow *a,
                       const StrataLaneRow *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->node_lane != b->node_lane || a->n_lanes != b->n_lanes || a->n_edges != b->n_edges)
    return FALSE;
  for (guint i = 0; i < a->n_edges; i++)
    if (a->edges[i].from_lane != b->edges[i].from_lane ||
        a->edges[i].from_position != b->edges[i].from_position ||
        a->edges[i].to_lane != b->edges[i].to_lane ||
        a->edges[i].to_position != b->edges[i].to_position)
      return FALSE;
  if ((a->depends_on == NULL) != (b->depends_on == NULL))
    return FALSE;
  return a->depends_on == NULL ||
         g_strv_equal ((const char * const *)a->depends_on, (const char * const *)b->depends_on);
}

gboolean
strata_lane_row_has_edge (const StrataLaneRow *row,
                          guint                from_lane,
                          StrataLanePosition   from_position,
                          guint                to_lane,
                          StrataLanePosition   to_position)
{
  g_return_val_if_fail (row != NULL, FALSE);

  for (guint i = 0; i < row->n_edges; i++)
    {
      const StrataLaneEdge *edge = &row->edges[i];

      if (edge->from_lane == from_lane && edge->from_position == from_position &&
          edge->to_lane == to_lane && edge->to_position == to_position)
        return TRUE;
    }
  return FALSE;
}

static void
add_edge (GArray             *edges,
          guint               from_lane,
          StrataLanePosition  from_position,
          guint               to_lane,
          StrataLanePosition  to_position)
{
  StrataLaneEdge edge = { from_lane, from_position, to_lane, to_position };

  g_array_append_val (edges, edge);
}

/* A free lane for a new line below the node: never @node itself. */
static guint
free_lane (GPtrArray *lanes,
           guint      node)
{
  for (guint i = 0; i < lanes->len; i++)
    if (i != node && g_ptr_array_index (lanes, i) == NULL)
      return i;
  g_ptr_array_add (lanes, NULL);
  return lanes->len - 1;
}

static int
find_lane (GPtrArray  *lanes,
           const char *id,
           guint       skip)
{
  for (guint i = 0; i < lanes->len; i++)
    if (i != skip && g_strcmp0 (g_ptr_array_index (lanes, i), id) == 0)
      return i;
  return -1;
}

static void
trim (GPtrArray *lanes)
{
  while (lanes->len > 0 && g_ptr_array_index (lanes, lanes->len - 1) == NULL)
    g_ptr_array_set_size (lanes, lanes->len - 1);
}

static guint
take_node_lane (GPtrArray  *lanes,
                const char *id,
                GArray     *edges)
{
  int node = -1;

  for (guint i = 0; i < lanes->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (lanes, i), id) != 0)
        continue;
      if (node < 0)
        node = i;
      else
        g_ptr_array_index (lanes, i) = NULL;
      add_edge (edges, i, STRATA_LANE_TOP, node, STRATA_LANE_MIDDLE);
    }
  if (node >= 0)
    return node;

  /* Nothing above leads here: a head starts a lane of its own. */
  for (guint i = 0; i < lanes->len; i++)
    if (g_ptr_array_index (lanes, i) == NULL)
      return i;
  g_ptr_array_add (lanes, NULL);
  return lanes->len - 1;
}

static void
place_parents (GPtrArray      *lanes,
               guint           node,
               StrataRevision *revision,
               GHashTable     *known,
               GArray         *edges)
{
  const char * const *parents = strata_revision_get_down_revisions (revision);
  gboolean first = TRUE;

  g_ptr_array_index (lanes, node) = NULL;
  for (guint i = 0; parents[i] != NULL; i++)
    {
      int lane;

      if (!g_hash_table_contains (known, parents[i]))
        continue;
      if (first)
        {
          lane = node;
          first = FALSE;
        }
      else if ((lane = find_lane (lanes, parents[i], node)) < 0)
        lane = free_lane (lanes, node);
      g_ptr_array_index (lanes, lane) = (gpointer)parents[i];
      add_edge (edges, node, STRATA_LANE_MIDDLE, lane, STRATA_LANE_BOTTOM);
    }
}

/* Alembic accepts a unique prefix of an id; the row names the whole id. */
static const char *
resolve_dependency (GHashTable *known,
                    const char *name)
{
  GHashTableIter iter;
  const char *id;
  const char *found = NULL;

  if (g_hash_table_contains (known, name))
    return name;
  g_hash_table_iter_init (&iter, known);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, NULL))
    if (g_str_has_prefix (id, name))
      {
        if (found != NULL)
          return name;
        found = id;
      }
  return found != NULL ? found : name;
}

static char **
list_dependencies (StrataRevision *revision,
                   GHashTable     *known)
{
  const char * const *depends_on = strata_revision_get_depends_on (revision);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (depends_on == NULL || depends_on[0] == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; depends_on[i] != NULL; i++)
    g_strv_builder_add (builder, resolve_dependency (known, depends_on[i]));
  return g_strv_builder_end (builder);
}

static StrataLaneRow *
layout_row (GPtrArray      *lanes,
            StrataRevision *revision,
            GHashTable     *known)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (StrataLaneEdge));
  StrataLaneRow *row = g_new0 (StrataLaneRow, 1);
  guint n_top = lanes->len;
  guint node;

  node = take_node_lane (lanes, strata_revision_get_id (revision), edges);
  for (guint i = 0; i < n_top; i++)
    if (i != node && g_ptr_array_index (lanes, i) != NULL)
      add_edge (edges, i, STRATA_LANE_TOP, i, STRATA_LANE_BOTTOM);
  place_parents (lanes, node, revision, known, edges);

  row->node_lane = node;
  row->depends_on = list_dependencies (revision, known);
  row->n_lanes = MAX (MAX (n_top, lanes->len), node + 1);
  trim (lanes);
  row->n_edges = edges->len;
  row->edges = (StrataLaneEdge *)(gpointer)g_array_free (g_steal_pointer (&edges), FALSE);
  return row;
}

GPtrArray *
strata_timeline_layout_compute (GPtrArray *revisions)
{
  g_autoptr(GPtrArray) lanes = g_ptr_array_new ();
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  guint max_lanes = 1;
  GPtrArray *rows;

  g_return_val_if_fail (revisions != NULL, NULL);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lane_row_free);
  for (guint i = 0; i < revisions->len; i++)
    g_hash_table_add (known, (gpointer)strata_revision_get_id (g_ptr_array_index (revisions, i)));
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataLaneRow *row = layout_row (lanes, g_ptr_array_index (revisions, i), known);

      max_lanes = MAX (max_lanes, row->n_lanes);
      g_ptr_array_add (rows, row);
    }
  /* Every row as wide as the widest, so messages line up in one column. */
  for (guint i = 0; i < rows->len; i++)
    ((StrataLaneRow *)g_ptr_array_index (rows, i))->n_lanes = max_lanes;
  return rows;
}
