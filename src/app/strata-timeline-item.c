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

static void
strata_timeline_item_finalize (GObject *object)
{
  StrataTimelineItem *self = (StrataTimelineItem *)object;

  g_clear_object (&self->revision);
  g_clear_pointer (&self->lanes, strata_lane_row_free);

  G_OBJECT_CLASS (strata_timeline_item_parent_class)->finalize (object);
}

static void
strata_timeline_item_class_init (StrataTimelineItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_timeline_item_finalize;
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
