/* strata-timeline-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-timeline-item.h"

struct _StrataTimelineItem
{
  GObject              parent_instance;
  StrataRevision      *revision;
  StrataLaneRow       *lanes;
  StrataRevisionState  state;
};

G_DEFINE_FINAL_TYPE (StrataTimelineItem, strata_timeline_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REVISION,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
strata_timeline_item_finalize (GObject *object)
{
  StrataTimelineItem *self = (StrataTimelineItem *)object;

  g_clear_object (&self->revision);
  g_clear_pointer (&self->lanes, strata_lane_row_free);

  G_OBJECT_CLASS (strata_timeline_item_parent_class)->finalize (object);
}

static void
strata_timeline_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataTimelineItem *self = STRATA_TIMELINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_REVISION:
      g_value_set_object (value, self->revision);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_timeline_item_class_init (StrataTimelineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_timeline_item_finalize;
  object_class->get_property = strata_timeline_item_get_property;

  properties[PROP_REVISION] =
    g_param_spec_object ("revision", NULL, NULL, STRATA_TYPE_REVISION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* StrataRevisionState bits. */
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_timeline_item_init (StrataTimelineItem *self)
{
}

StrataTimelineItem *
strata_timeline_item_new (StrataRevision      *revision,
                          StrataRevisionState  state,
                          const StrataLaneRow *lanes)
{
  StrataTimelineItem *self;

  g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);
  g_return_val_if_fail (lanes != NULL, NULL);

  self = g_object_new (STRATA_TYPE_TIMELINE_ITEM, NULL);
  self->revision = g_object_ref (revision);
  self->state = state;
  self->lanes = strata_lane_row_copy (lanes);
  return self;
}

gboolean
strata_timeline_item_same_place (StrataTimelineItem *self,
                                 StrataTimelineItem *other)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), FALSE);
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (other), FALSE);

  return g_str_equal (strata_revision_get_id (self->revision),
                      strata_revision_get_id (other->revision)) &&
         strata_lane_row_equal (self->lanes, other->lanes);
}

/* What a row shows of a revision: its message, date and branch labels (the
 * id and lanes are compared by strata_timeline_item_same_place()). */
static gboolean
looks_the_same (StrataRevision *a,
                StrataRevision *b)
{
  return g_strcmp0 (strata_revision_get_message (a), strata_revision_get_message (b)) == 0 &&
         g_strcmp0 (strata_revision_get_create_date (a),
                    strata_revision_get_create_date (b)) == 0 &&
         g_strv_equal (strata_revision_get_branch_labels (a),
                       strata_revision_get_branch_labels (b));
}

void
strata_timeline_item_update (StrataTimelineItem *self,
                             StrataTimelineItem *from)
{
  g_return_if_fail (STRATA_IS_TIMELINE_ITEM (self));
  g_return_if_fail (STRATA_IS_TIMELINE_ITEM (from));

  /* Rows listen to these two: a finished step changes a state, and only
   * the rows whose state changed draw again. The files read again give new
   * revision objects; a row draws again only if what it shows changed. */
  if (self->revision != from->revision)
    {
      gboolean shown = !looks_the_same (self->revision, from->revision);

      g_set_object (&self->revision, from->revision);
      if (shown)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
    }
  if (self->state != from->state)
    {
      self->state = from->state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

void
strata_timeline_item_set_state (StrataTimelineItem  *self,
                                StrataRevisionState  state)
{
  g_return_if_fail (STRATA_IS_TIMELINE_ITEM (self));

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

GPtrArray *
strata_timeline_item_build_all (StrataRevisionGraph *graph,
                                StrataStatus        *status)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *sorted;

  g_return_val_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph), NULL);
  g_return_val_if_fail (!status || STRATA_IS_STATUS (status), NULL);

  if (graph == NULL)
    return items;
  sorted = strata_revision_graph_get_revisions (graph);
  /* The graph lists bases first; the timeline shows the newest on top. */
  for (guint i = sorted->len; i > 0; i--)
    g_ptr_array_add (revisions, g_ptr_array_index (sorted, i - 1));
  rows = strata_timeline_layout_compute (revisions);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      StrataRevisionState state = STRATA_REVISION_STATE_PENDING;

      if (status != NULL)
        state = strata_status_get_state (status, graph, revision);
      g_ptr_array_add (items, strata_timeline_item_new (revision, state,
                                                        g_ptr_array_index (rows, i)));
    }
  return items;
}

StrataRevision *
strata_timeline_item_get_revision (StrataTimelineItem *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), NULL);
  return self->revision;
}

StrataRevisionState
strata_timeline_item_get_state (StrataTimelineItem *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), 0);
  return self->state;
}

const StrataLaneRow *
strata_timeline_item_get_lanes (StrataTimelineItem *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), NULL);
  return self->lanes;
}

char *
strata_timeline_item_dup_short_id (StrataTimelineItem *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), NULL);
  return g_utf8_substring (strata_revision_get_id (self->revision), 0, 12);
}

char *
strata_timeline_item_dup_date (StrataTimelineItem *self)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;
  const char *text;

  g_return_val_if_fail (STRATA_IS_TIMELINE_ITEM (self), NULL);

  text = strata_revision_get_create_date (self->revision);
  if (text == NULL || text[0] == '\0')
    return NULL;

  /* Alembic writes "2021-09-12 08:15:00.331702", local time, no zone. */
  iso = g_strdelimit (g_strdup (text), " ", 'T');
  date = g_date_time_new_from_iso8601 (iso, local);
  if (date == NULL)
    return g_strdup (text);
  /* Translators: the date of a revision in the timeline; see g_date_time_format() */
  return g_date_time_format (date, _("%-d %b %Y"));
}

const char *
strata_revision_state_to_label (StrataRevisionState state)
{
  if (state & STRATA_REVISION_STATE_MISSING)
    return _("Missing");
  if (state & STRATA_REVISION_STATE_CURRENT)
    return _("Current");
  if (state & STRATA_REVISION_STATE_APPLIED)
    return _("Applied");
  return _("Pending");
}

const char *
strata_revision_state_to_icon (StrataRevisionState state)
{
  if (state & STRATA_REVISION_STATE_MISSING)
    return "dialog-warning-symbolic";
  if (state & STRATA_REVISION_STATE_CURRENT)
    return "starred-symbolic";
  if (state & STRATA_REVISION_STATE_APPLIED)
    return "object-select-symbolic";
  return "content-loading-symbolic";
}

const char *
strata_revision_state_to_css (StrataRevisionState state)
{
  if (state & STRATA_REVISION_STATE_MISSING)
    return "missing";
  if (state & STRATA_REVISION_STATE_CURRENT)
    return "current";
  if (state & STRATA_REVISION_STATE_APPLIED)
    return "applied";
  return "pending";
}
