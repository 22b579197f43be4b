/* strata-reflow.c
 *
 * AdwBreakpoint (libadwaita 1.4) would switch layouts at a fixed window
 * width; on 1.2 this widget decides from its own width instead: the wide
 * child whenever it gets at least its minimum width, the narrow one
 * otherwise. Unlike AdwSqueezer, it answers a height-for-width question
 * with the child that width would show, so a scrolled window around it
 * never lays out the wrong child's height for a frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-reflow.h"

struct _StrataReflow
{
  GtkWidget  parent_instance;

  GtkWidget *wide;
  GtkWidget *narrow;
  gboolean   is_narrow;
};

G_DEFINE_FINAL_TYPE (StrataReflow, strata_reflow, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_WIDE_CHILD,
  PROP_NARROW_CHILD,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
wide_minimum (StrataReflow *self)
{
  int minimum = 0;

  g_assert (STRATA_IS_REFLOW (self));

  if (self->wide != NULL)
    gtk_widget_measure (self->wide, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

/* The child that @width shows; -1 (no width yet) asks for the wide one. */
static GtkWidget *
child_for_width (StrataReflow *self,
                 int           width)
{
  g_assert (STRATA_IS_REFLOW (self));

  if (self->narrow == NULL)
    return self->wide;
  if (self->wide == NULL || (width >= 0 && width < wide_minimum (self)))
    return self->narrow;
  return self->wide;
}

static void
strata_reflow_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  StrataReflow *self = STRATA_REFLOW (widget);
  GtkWidget *child;

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the narrow child, as wide as the wide one would like. */
      GtkWidget *children[] = { self->narrow, self->wide };
      int child_minimum, child_natural;

      *minimum = G_MAXINT;
      for (guint i = 0; i < G_N_ELEMENTS (children); i++)
        if (children[i] != NULL)
          {
            gtk_widget_measure (children[i], orientation, -1, &child_minimum, &child_natural,
                                NULL, NULL);
            *minimum = MIN (*minimum, child_minimum);
            *natural = MAX (*natural, child_natural);
          }
      if (*minimum == G_MAXINT)
        *minimum = 0;
      return;
    }
  child = child_for_width (self, for_size);
  if (child != NULL)
    gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
}

static void
strata_reflow_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  StrataReflow *self = STRATA_REFLOW (widget);
  GtkWidget *child = child_for_width (self, width);
  gboolean is_narrow = child != NULL && child == self->narrow;

  if (self->wide != NULL)
    gtk_widget_set_child_visible (self->wide, child == self->wide);
  if (self->narrow != NULL)
    gtk_widget_set_child_visible (self->narrow, child == self->narrow);
  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
  if (is_narrow != self->is_narrow)
    {
      self->is_narrow = is_narrow;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
    }
}

static GtkSizeRequestMode
strata_reflow_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
set_child (StrataReflow  *self,
           GtkWidget    **slot,
           GtkWidget     *child,
           GParamSpec    *pspec)
{
  g_assert (STRATA_IS_REFLOW (self));

  if (*slot == child)
    return;
  g_clear_pointer (slot, gtk_widget_unparent);
  if (child != NULL)
    {
      *slot = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
strata_reflow_dispose (GObject *object)
{
  StrataReflow *self = STRATA_REFLOW (object);

  g_clear_pointer (&self->wide, gtk_widget_unparent);
  g_clear_pointer (&self->narrow, gtk_widget_unparent);

  G_OBJECT_CLASS (strata_reflow_parent_class)->dispose (object);
}

static void
strata_reflow_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataReflow *self = STRATA_REFLOW (object);

  switch (prop_id)
    {
    case PROP_WIDE_CHILD:
      g_value_set_object (value, self->wide);
      break;
    case PROP_NARROW_CHILD:
      g_value_set_object (value, self->narrow);
      break;
    case PROP_NARROW:
      g_value_set_boolean (value, self->is_narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_reflow_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StrataReflow *self = STRATA_REFLOW (object);

  switch (prop_id)
    {
    case PROP_WIDE_CHILD:
      strata_reflow_set_wide_child (self, g_value_get_object (value));
      break;
    case PROP_NARROW_CHILD:
      strata_reflow_set_narrow_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_reflow_class_init (StrataReflowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_reflow_dispose;
  object_class->get_property = strata_reflow_get_property;
  object_class->set_property = strata_reflow_set_property;
  widget_class->measure = strata_reflow_measure;
  widget_class->size_allocate = strata_reflow_size_allocate;
  widget_class->get_request_mode = strata_reflow_get_request_mode;

  properties[PROP_WIDE_CHILD] =
    g_param_spec_object ("wide-child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NARROW_CHILD] =
    g_param_spec_object ("narrow-child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_reflow_init (StrataReflow *self)
{
}

GtkWidget *
strata_reflow_new (void)
{
  return g_object_new (STRATA_TYPE_REFLOW, NULL);
}

GtkWidget *
strata_reflow_get_wide_child (StrataReflow *self)
{
  g_return_val_if_fail (STRATA_IS_REFLOW (self), NULL);
  return self->wide;
}

void
strata_reflow_set_wide_child (StrataReflow *self,
                              GtkWidget    *child)
{
  g_return_if_fail (STRATA_IS_REFLOW (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  set_child (self, &self->wide, child, properties[PROP_WIDE_CHILD]);
}

GtkWidget *
strata_reflow_get_narrow_child (StrataReflow *self)
{
  g_return_val_if_fail (STRATA_IS_REFLOW (self), NULL);
  return self->narrow;
}

void
strata_reflow_set_narrow_child (StrataReflow *self,
                                GtkWidget    *child)
{
  g_return_if_fail (STRATA_IS_REFLOW (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  set_child (self, &self->narrow, child, properties[PROP_NARROW_CHILD]);
}

gboolean
strata_reflow_get_narrow (StrataReflow *self)
{
  g_return_val_if_fail (STRATA_IS_REFLOW (self), FALSE);
  return self->is_narrow;
}
