/* strata-timeline-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-lane-view.h"
#include "strata-timeline-row.h"

struct _StrataTimelineRow
{
  GtkWidget           parent_instance;

  StrataTimelineItem *item;

  GtkWidget          *box;
  StrataLaneView     *lanes;
  GtkLabel           *message;
  GtkLabel           *short_id;
  GtkLabel           *date;
  GtkBox             *labels;
  GtkLabel           *depends_on;
  GtkWidget          *state_pill;
  GtkImage           *state_icon;
  GtkLabel           *state_label;
  GtkWidget          *edited_pill;
  GtkLabel           *edited_label;
  const char         *state_css;   /* the state pill's class, a static string */
};

G_DEFINE_FINAL_TYPE (StrataTimelineRow, strata_timeline_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* Tooltips here are given when asked for (query-tooltip) or set once while
 * their widget is hidden: gtk_widget_set_tooltip_text() on a shown widget
 * asks the display where the pointer is, a round trip to the X server
 * each time, and rows are bound by the dozen as the list scrolls. */
static gboolean
query_label_tooltip_cb (GtkLabel   *label,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_text (label);

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
query_message_tooltip_cb (StrataTimelineRow *self,
                          int                x,
                          int                y,
                          gboolean           keyboard,
                          GtkTooltip        *tooltip)
{
  return query_label_tooltip_cb (self->message, x, y, keyboard, tooltip);
}

/* The pills are the template's: a step that finishes changes an icon, a
 * text and a class, and makes or destroys no widget. */
static void
update_pills (StrataTimelineRow   *self,
              StrataRevisionState  state)
{
  const char *css = strata_revision_state_to_css (state);
  gboolean edited = (state & STRATA_REVISION_STATE_EDITED) != 0;

  gtk_image_set_from_icon_name (self->state_icon, strata_revision_state_to_icon (state));
  gtk_label_set_text (self->state_label, strata_revision_state_to_label (state));
  if (css != self->state_css)
    {
      if (self->state_css != NULL)
        gtk_widget_remove_css_class (self->state_pill, self->state_css);
      gtk_widget_add_css_class (self->state_pill, css);
      self->state_css = css;
    }
  if (edited == gtk_widget_get_visible (self->edited_pill))
    return;
  /* Only a shown pill carries the class, so that it finds the rows that
   * show it. */
  if (edited)
    gtk_widget_add_css_class (self->edited_pill, "edited");
  else
    gtk_widget_remove_css_class (self->edited_pill, "edited");
  gtk_widget_set_visible (self->edited_pill, edited);
}

static void
update_labels (StrataTimelineRow *self,
               StrataRevision    *revision)
{
  const char * const *labels = strata_revision_get_branch_labels (revision);

  clear_box (self->labels);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (labels[i]);

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (query_label_tooltip_cb), NULL);
      gtk_widget_add_css_class (label, "branch-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (self->labels, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->labels), labels[0] != NULL);
}

/* Depends On is named on the row rather than drawn across the lanes (see
 * strata-timeline-layout.h). */
static void
update_depends_on (StrataTimelineRow   *self,
                   const StrataLaneRow *lanes)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; lanes != NULL && lanes->depends_on && lanes->depends_on[i]; i++)
    {
      g_autofree char *short_name = g_utf8_substring (lanes->depends_on[i], 0, 12);

      g_string_append_printf (names, "%s%s", i ? ", " : "", short_name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->depends_on), names->len > 0);
  if (names->len == 0)
    return;
  /* Translators: under a timeline row; %s lists revision ids or branch labels */
  text = g_strdup_printf (_("Depends on %s"), names->str);
  gtk_label_set_text (self->depends_on, text);
}

static void
update_accessible (StrataTimelineRow *self,
                   StrataRevision    *revision,
                   StrataRevisionState state)
{
  g_autofree char *description = NULL;

  /* Translators: read by a screen reader for a timeline row: message, state, id */
  description = g_strdup_printf (_("%s, %s, revision %s"),
                                 strata_revision_get_message (revision),
                                 strata_revision_state_to_label (state),
                                 strata_revision_get_id (revision));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
update (StrataTimelineRow *self)
{
  StrataRevision *revision;
  StrataRevisionState state;
  g_autofree char *short_id = NULL;
  g_autofree char *date = NULL;

  if (self->item == NULL)
    return;

  revision = strata_timeline_item_get_revision (self->item);
  state = strata_timeline_item_get_state (self->item);
  short_id = strata_timeline_item_dup_short_id (self->item);
  date = strata_timeline_item_dup_date (self->item);

  strata_lane_view_set_row (self->lanes, strata_timeline_item_get_lanes (self->item), state);
  gtk_label_set_text (self->message, strata_revision_get_message (revision));
  gtk_label_set_text (self->short_id, short_id);
  gtk_label_set_text (self->date, date ? date : "");
  gtk_widget_set_visible (GTK_WIDGET (self->date), date != NULL);
  update_labels (self, revision);
  update_depends_on (self, strata_timeline_item_get_lanes (self->item));
  update_pills (self, state);
  update_accessible (self, revision, state);
}

static void
item_changed_cb (StrataTimelineRow *self)
{
  g_assert (STRATA_IS_TIMELINE_ROW (self));

  update (self);
}

/* A step finished: only what shows the state changes. */
static void
state_changed_cb (StrataTimelineRow *self)
{
  StrataRevisionState state;

  g_assert (STRATA_IS_TIMELINE_ROW (self));

  state = strata_timeline_item_get_state (self->item);
  strata_lane_view_set_state (self->lanes, state);
  update_pills (self, state);
  update_accessible (self, strata_timeline_item_get_revision (self->item), state);
}

static void
unwatch_item (StrataTimelineRow *self)
{
  if (self->item == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->item, item_changed_cb, self);
  g_signal_handlers_disconnect_by_func (self->item, state_changed_cb, self);
}

static void
strata_timeline_row_dispose (GObject *object)
{
  StrataTimelineRow *self = (StrataTimelineRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_TIMELINE_ROW);
  unwatch_item (self);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (strata_timeline_row_parent_class)->dispose (object);
}

static void
strata_timeline_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataTimelineRow *self = STRATA_TIMELINE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_timeline_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StrataTimelineRow *self = STRATA_TIMELINE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      strata_timeline_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_timeline_row_class_init (StrataTimelineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_timeline_row_dispose;
  object_class->get_property = strata_timeline_row_get_property;
  object_class->set_property = strata_timeline_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, STRATA_TYPE_TIMELINE_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-timeline-row.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, box);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, lanes);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, message);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, short_id);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, date);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, labels);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, depends_on);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, state_pill);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, edited_pill);
  gtk_widget_class_bind_template_child (widget_class, StrataTimelineRow, edited_label);
  gtk_widget_class_bind_template_callback (widget_class, query_message_tooltip_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timelinerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (STRATA_TYPE_LANE_VIEW);
}

static void
strata_timeline_row_init (StrataTimelineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_text (self->edited_label, _("Edited"));
  /* Both are hidden until a revision needs them: no round trip (see above). */
  g_assert (!gtk_widget_get_visible (self->edited_pill));
  g_assert (!gtk_widget_get_visible (GTK_WIDGET (self->depends_on)));
  /* "Edited" alone does not say since when, nor why it matters. */
  gtk_widget_set_tooltip_text (self->edited_pill,
                               _("Edited since it was applied: the SQL in its file "
                                 "differs from the SQL that ran on this database"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->depends_on),
                               _("Upgrading to this revision applies these first"));
}

GtkWidget *
strata_timeline_row_new (void)
{
  return g_object_new (STRATA_TYPE_TIMELINE_ROW, NULL);
}

StrataTimelineItem *
strata_timeline_row_get_item (StrataTimelineRow *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE_ROW (self), NULL);
  return self->item;
}

void
strata_timeline_row_set_item (StrataTimelineRow  *self,
                              StrataTimelineItem *item)
{
  g_return_if_fail (STRATA_IS_TIMELINE_ROW (self));
  g_return_if_fail (!item || STRATA_IS_TIMELINE_ITEM (item));

  if (self->item == item)
    return;
  unwatch_item (self);
  g_set_object (&self->item, item);
  /* Items change in place as steps finish: the row follows. */
  if (item != NULL)
    {
      g_signal_connect_swapped (item, "notify::state", G_CALLBACK (state_changed_cb), self);
      g_signal_connect_swapped (item, "notify::revision", G_CALLBACK (item_changed_cb), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
