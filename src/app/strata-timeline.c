/* strata-timeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-timeline.h"
#include "strata-timeline-item.h"
#include "strata-timeline-row.h"

struct _StrataTimeline
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
  GListStore         *store;
};

G_DEFINE_FINAL_TYPE (StrataTimeline, strata_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_REVISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
selection_changed_cb (StrataTimeline *self)
{
  g_assert (STRATA_IS_TIMELINE (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REVISION]);
}

static void
strata_timeline_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_TIMELINE);

  G_OBJECT_CLASS (strata_timeline_parent_class)->dispose (object);
}

static void
strata_timeline_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StrataTimeline *self = STRATA_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_REVISION:
      g_value_set_object (value, strata_timeline_get_selected_revision (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_timeline_class_init (StrataTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_timeline_dispose;
  object_class->get_property = strata_timeline_get_property;

  properties[PROP_SELECTED_REVISION] =
    g_param_spec_object ("selected-revision", NULL, NULL, STRATA_TYPE_REVISION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataTimeline, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataTimeline, list_view);
  gtk_widget_class_bind_template_child (widget_class, StrataTimeline, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataTimeline, store);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timeline");

  g_type_ensure (STRATA_TYPE_TIMELINE_ITEM);
  g_type_ensure (STRATA_TYPE_TIMELINE_ROW);
}

static void
strata_timeline_init (StrataTimeline *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
strata_timeline_new (void)
{
  return g_object_new (STRATA_TYPE_TIMELINE, NULL);
}

GListModel *
strata_timeline_get_model (StrataTimeline *self)
{
  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);
  return G_LIST_MODEL (self->store);
}

StrataRevision *
strata_timeline_get_selected_revision (StrataTimeline *self)
{
  StrataTimelineItem *item;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item ? strata_timeline_item_get_revision (item) : NULL;
}

static guint
find_position (StrataTimeline *self,
               const char     *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; id != NULL && i < n; i++)
    {
      g_autoptr(StrataTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (strata_revision_get_id (strata_timeline_item_get_revision (item)), id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

gboolean
strata_timeline_select (StrataTimeline *self,
                        const char     *id)
{
  guint position;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), FALSE);

  position = find_position (self, id);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  return TRUE;
}

/* Whether @items show the same revisions in the same places as the rows. */
static gboolean
same_shape (StrataTimeline *self,
            GPtrArray      *items)
{
  GListModel *model = G_LIST_MODEL (self->store);

  if (g_list_model_get_n_items (model) != items->len)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(StrataTimelineItem) row = g_list_model_get_item (model, i);

      if (!strata_timeline_item_same_place (row, g_ptr_array_index (items, i)))
        return FALSE;
    }
  return TRUE;
}

static void
replace_items (StrataTimeline *self,
               GPtrArray      *items)
{
  g_autofree char *selected_id = NULL;
  StrataRevision *selected;

  if ((selected = strata_timeline_get_selected_revision (self)))
    selected_id = g_strdup (strata_revision_get_id (selected));

  /* One splice: the view sees one change and keeps its scroll position. */
  g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->selection, find_position (self, selected_id));
  g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REVISION]);
}

gboolean
strata_timeline_set_items (StrataTimeline *self,
                           GPtrArray      *items)
{
  StrataRevision *selected;

  g_return_val_if_fail (STRATA_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  if (!same_shape (self, items))
    {
      replace_items (self, items);
      return TRUE;
    }

  /* A step finished, or the files were read again unchanged: the rows stay,
   * and only those whose state (or revision object) changed draw again.
   * Rebuilding a thousand rows per step froze the window for minutes. */
  selected = strata_timeline_get_selected_revision (self);
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(StrataTimelineItem) row = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      strata_timeline_item_update (row, g_ptr_array_index (items, i));
    }
  if (selected != strata_timeline_get_selected_revision (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REVISION]);
  return FALSE;
}

/* The state of @item once the database is at @tips (revisions of @graph
 * named by @heads): applied below a tip, current at one. Whether it was
 * edited since it was applied is kept only while it stays applied. */
static StrataRevisionState
state_at_heads (StrataTimelineItem  *item,
                StrataRevisionGraph *graph,
                GPtrArray           *tips,
                const char * const  *heads)
{
  StrataRevision *revision = strata_timeline_item_get_revision (item);
  StrataRevisionState old = strata_timeline_item_get_state (item);
  StrataRevisionState state = old & STRATA_REVISION_STATE_MISSING;
  gboolean applied = FALSE;

  for (guint i = 0; i < tips->len && !applied; i++)
    applied = strata_revision_graph_is_ancestor (graph, revision, g_ptr_array_index (tips, i));
  if (applied)
    state |= STRATA_REVISION_STATE_APPLIED | (old & STRATA_REVISION_STATE_APPLIED ?
                                              old & STRATA_REVISION_STATE_EDITED : 0);
  else
    state |= STRATA_REVISION_STATE_PENDING;
  if (g_strv_contains (heads, strata_revision_get_id (revision)))
    state |= STRATA_REVISION_STATE_CURRENT;
  return state;
}

void
strata_timeline_set_heads (StrataTimeline      *self,
                           StrataRevisionGraph *graph,
                           const char * const  *heads)
{
  GListModel *model;
  g_autoptr(GPtrArray) tips = g_ptr_array_new ();

  g_return_if_fail (STRATA_IS_TIMELINE (self));
  g_return_if_fail (STRATA_IS_REVISION_GRAPH (graph));
  g_return_if_fail (heads != NULL);

  model = G_LIST_MODEL (self->store);
  for (guint i = 0; heads[i] != NULL; i++)
    {
      StrataRevision *tip = strata_revision_graph_lookup (graph, heads[i]);

      if (tip != NULL)
        g_ptr_array_add (tips, tip);
    }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataTimelineItem) item = g_list_model_get_item (model, i);

      strata_timeline_item_set_state (item, state_at_heads (item, graph, tips, heads));
    }
}

void
strata_timeline_set_graph (StrataTimeline      *self,
                           StrataRevisionGraph *graph,
                           StrataStatus        *status)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (STRATA_IS_TIMELINE (self));
  g_return_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph));
  g_return_if_fail (!status || STRATA_IS_STATUS (status));

  items = strata_timeline_item_build_all (graph, status);
  strata_timeline_set_items (self, items);
}

void
strata_timeline_select_first (StrataTimeline *self)
{
  g_return_if_fail (STRATA_IS_TIMELINE (self));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}
