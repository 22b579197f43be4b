/* strata-sql-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The problems of the SQL are text tags, and the view draws under their
 * ranges itself rather than through the tags' underline attributes: GTK 4.8
 * draws a tag's underline on the first line of a text view only, so an
 * error on any later line went unseen.
 */
#include "config.h"

#include <adwaita.h>

#include "strata-sql-view.h"

struct _StrataSqlView
{
  GtkSourceView            parent_instance;

  GtkSourceGutterRenderer *numbers;
  guint                    first_line;
};

G_DEFINE_FINAL_TYPE (StrataSqlView, strata_sql_view, GTK_SOURCE_TYPE_VIEW)

enum {
  PROP_0,
  PROP_FIRST_LINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Line numbers */

static void
query_data_cb (GtkSourceGutterRenderer *renderer,
               GtkSourceGutterLines    *lines,
               guint                    line,
               StrataSqlView           *self)
{
  g_autofree char *text = g_strdup_printf ("%u", strata_sql_view_get_file_line (self, line));

  gtk_source_gutter_renderer_text_set_text (GTK_SOURCE_GUTTER_RENDERER_TEXT (renderer), text, -1);
}

/* Room for the widest number the gutter shows. */
static void
size_numbers (StrataSqlView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  guint last = strata_sql_view_get_file_line (self, gtk_text_buffer_get_line_count (buffer) - 1);
  g_autofree char *widest = g_strdup_printf ("%u", MAX (last, 99u));
  int width = 0;

  for (char *p = widest; *p != '\0'; p++)
    *p = '9';
  gtk_source_gutter_renderer_text_measure (GTK_SOURCE_GUTTER_RENDERER_TEXT (self->numbers), widest,
                                           &width, NULL);
  gtk_widget_set_size_request (GTK_WIDGET (self->numbers),
                               width + 2 * gtk_source_gutter_renderer_get_xpad (self->numbers), -1);
  gtk_widget_queue_draw (GTK_WIDGET (self->numbers));
}

static void
setup_numbers (StrataSqlView *self)
{
  GtkSourceGutter *gutter = gtk_source_view_get_gutter (GTK_SOURCE_VIEW (self), GTK_TEXT_WINDOW_LEFT);

  self->numbers = gtk_source_gutter_renderer_text_new ();
  gtk_source_gutter_renderer_set_xalign (self->numbers, 1.0);
  gtk_source_gutter_renderer_set_xpad (self->numbers, 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->numbers), "dim-label");
  g_signal_connect_object (self->numbers, "query-data", G_CALLBACK (query_data_cb), self, 0);
  gtk_source_gutter_insert (gutter, self->numbers, -30);
}

/* Problems */

static void
append_mark (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             int            x,
             int            y,
             int            width,
             gboolean       wave)
{
  cairo_t *cr;

  if (width <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y - 2, width, 5));
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, x, y + 0.5);
  if (wave)
    for (int i = 0; i * 2 < width; i++)
      cairo_line_to (cr, x + (i + 1) * 2, y + 0.5 + (i % 2 ? 1.5 : -1.5));
  else
    cairo_line_to (cr, x + width, y + 0.5);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* Under each line of @start..@end, in buffer coordinates. */
static void
mark_range (GtkTextView   *view,
            GtkSnapshot   *snapshot,
            const GdkRGBA *color,
            GtkTextIter   *start,
            GtkTextIter   *end,
            gboolean       wave)
{
  GtkTextIter line_start = *start;

  while (gtk_text_iter_compare (&line_start, end) < 0)
    {
      GtkTextIter line_end = line_start;
      GdkRectangle first, last;

      if (!gtk_text_iter_ends_line (&line_end))
        gtk_text_iter_forward_to_line_end (&line_end);
      if (gtk_text_iter_compare (&line_end, end) > 0)
        line_end = *end;
      gtk_text_view_get_iter_location (view, &line_start, &first);
      gtk_text_view_get_iter_location (view, &line_end, &last);
      append_mark (snapshot, color, first.x, first.y + first.height - 1, last.x - first.x, wave);
      if (!gtk_text_iter_forward_line (&line_start))
        break;
    }
}

static void
mark_tag (GtkTextView       *view,
          GtkSnapshot       *snapshot,
          const char        *name,
          const GdkRGBA     *color,
          gboolean           wave,
          const GtkTextIter *visible_start,
          const GtkTextIter *visible_end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GtkTextIter start = *visible_start;

  if (tag == NULL)
    return;
  if (!gtk_text_iter_starts_tag (&start, tag) && !gtk_text_iter_has_tag (&start, tag) &&
      !gtk_text_iter_forward_to_tag_toggle (&start, tag))
    return;
  while (gtk_text_iter_compare (&start, visible_end) < 0)
    {
      GtkTextIter end = start;

      if (!gtk_text_iter_forward_to_tag_toggle (&end, tag))
        gtk_text_buffer_get_end_iter (buffer, &end);
      mark_range (view, snapshot, color, &start, &end, wave);
      start = end;
      if (!gtk_text_iter_forward_to_tag_toggle (&start, tag))
        break;
    }
}

static gboolean
is_problem_tag (GtkTextTag *tag)
{
  g_autofree char *name = NULL;

  g_object_get (tag, "name", &name, NULL);
  return g_strcmp0 (name, STRATA_SQL_VIEW_TAG_ERROR) == 0 ||
         g_strcmp0 (name, STRATA_SQL_VIEW_TAG_FAILURE) == 0 ||
         g_strcmp0 (name, STRATA_SQL_VIEW_TAG_WARNING) == 0;
}

/* The problem tags change nothing the text view itself draws, so it has no
 * reason to draw again when they come and go: ask it to. */
static void
tag_changed_cb (StrataSqlView *self,
                GtkTextTag    *tag)
{
  if (is_problem_tag (tag))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_sql_view_snapshot_layer (GtkTextView      *view,
                                GtkTextViewLayer  layer,
                                GtkSnapshot      *snapshot)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  /* libadwaita's error and warning colours, light and dark. */
  GdkRGBA error = dark ? (GdkRGBA) { 1.0, 0.48, 0.39, 1.0 } : (GdkRGBA) { 0.88, 0.11, 0.14, 1.0 };
  GdkRGBA warning = dark ? (GdkRGBA) { 0.97, 0.89, 0.36, 1.0 } : (GdkRGBA) { 0.61, 0.43, 0.0, 1.0 };
  GdkRectangle visible;
  GtkTextIter start, end;

  GTK_TEXT_VIEW_CLASS (strata_sql_view_parent_class)->snapshot_layer (view, layer, snapshot);
  if (layer != GTK_TEXT_VIEW_LAYER_ABOVE_TEXT)
    return;
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_line_at_y (view, &start, visible.y, NULL);
  gtk_text_view_get_line_at_y (view, &end, visible.y + visible.height, NULL);
  gtk_text_iter_forward_to_line_end (&end);
  mark_tag (view, snapshot, STRATA_SQL_VIEW_TAG_WARNING, &warning, FALSE, &start, &end);
  mark_tag (view, snapshot, STRATA_SQL_VIEW_TAG_ERROR, &error, TRUE, &start, &end);
  mark_tag (view, snapshot, STRATA_SQL_VIEW_TAG_FAILURE, &error, TRUE, &start, &end);
}

/* GObject */

static void
strata_sql_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StrataSqlView *self = STRATA_SQL_VIEW (object);

  switch (prop_id)
    {
    case PROP_FIRST_LINE:
      g_value_set_uint (value, self->first_line);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_sql_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StrataSqlView *self = STRATA_SQL_VIEW (object);

  switch (prop_id)
    {
    case PROP_FIRST_LINE:
      strata_sql_view_set_first_line (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_sql_view_constructed (GObject *object)
{
  StrataSqlView *self = (StrataSqlView *)object;

  G_OBJECT_CLASS (strata_sql_view_parent_class)->constructed (object);

  setup_numbers (self);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), "changed",
                           G_CALLBACK (size_numbers), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), "apply-tag",
                           G_CALLBACK (tag_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), "remove-tag",
                           G_CALLBACK (tag_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  size_numbers (self);
}

static void
strata_sql_view_class_init (StrataSqlViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->constructed = strata_sql_view_constructed;
  object_class->get_property = strata_sql_view_get_property;
  object_class->set_property = strata_sql_view_set_property;
  text_view_class->snapshot_layer = strata_sql_view_snapshot_layer;

  properties[PROP_FIRST_LINE] =
    g_param_spec_uint ("first-line", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_sql_view_init (StrataSqlView *self)
{
  self->first_line = 1;
}

GtkWidget *
strata_sql_view_new (void)
{
  return g_object_new (STRATA_TYPE_SQL_VIEW, NULL);
}

void
strata_sql_view_set_first_line (StrataSqlView *self,
                                guint          first_line)
{
  g_return_if_fail (STRATA_IS_SQL_VIEW (self));

  first_line = MAX (first_line, 1);
  if (self->first_line == first_line)
    return;
  self->first_line = first_line;
  size_numbers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_LINE]);
}

guint
strata_sql_view_get_first_line (StrataSqlView *self)
{
  g_return_val_if_fail (STRATA_IS_SQL_VIEW (self), 1);
  return self->first_line;
}

guint
strata_sql_view_get_file_line (StrataSqlView *self,
                               guint          line)
{
  g_return_val_if_fail (STRATA_IS_SQL_VIEW (self), 0);
  return self->first_line + line;
}
