/* test-editor.c: what the SQL editor shows of problems, and of unsaved edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-sql-view.h"
#include "strata-test-util.h"
#include "strata-test-widgets.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

typedef StrataWindowFixture Fixture;

/* "Add quantity column": its upgrade section starts on line 8 of its file. */
#define REVISION "27c6a30d7c24"

static StrataSqlView *
view_for (Fixture         *fixture,
          StrataDirection  direction)
{
  g_autoptr(GPtrArray) views = strata_test_find_widgets (GTK_WIDGET (fixture->window->editor),
                                                         STRATA_TYPE_SQL_VIEW, NULL);

  g_assert_cmpuint (views->len, ==, 2);
  return views->pdata[direction == STRATA_DIRECTION_DOWNGRADE ? 1 : 0];
}

static gboolean
one_problem (gpointer data)
{
  Fixture *fixture = data;

  return strata_revision_editor_get_n_problems (fixture->window->editor) == 1;
}

static gboolean
is_red (const guchar *pixel)
{
  /* GDK_MEMORY_DEFAULT: B, G, R, A. */
  return pixel[2] > 180 && pixel[1] < 80 && pixel[0] < 80;
}

/* How many red pixels the view draws in a band just under buffer line
 * @line, where an underline goes. */
static GskRenderNode *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (snapshot);
}

/* The view has drawn a frame since @data (a GtkWidget) last changed. */
static gboolean drawn (gpointer data);
static guint    red_under_line (StrataSqlView *view,
                                int            line);

typedef struct
{
  StrataSqlView *view;
  int            line;
} Underline;

/* A frame may still show the text from before the tags changed. */
static gboolean
underlined (gpointer data)
{
  Underline *underline = data;

  return red_under_line (underline->view, underline->line) > 20;
}

static gboolean
drawn (gpointer data)
{
  g_autoptr(GskRenderNode) node = NULL;

  if (!gtk_widget_get_mapped (data))
    return FALSE;
  node = render (data);
  return node != NULL;
}

static guint
red_under_line (StrataSqlView *view,
                int            line)
{
  GtkWidget *widget = GTK_WIDGET (view);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int y, line_height, bottom, top;
  GtkTextIter iter;
  guint red = 0;

  strata_test_wait (drawn, view, "the editor to be drawn");
  node = render (widget);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &iter, line);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &iter, &y, &line_height);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (view), GTK_TEXT_WINDOW_WIDGET, 0, y + line_height,
                                         NULL, &bottom);
  top = bottom - 3;
  for (int row = MAX (top, 0); row < MIN (bottom + 2, height); row++)
    for (int x = 0; x < width; x++)
      red += is_red (pixels + row * width * 4 + x * 4);
  return red;
}

/* A statement that does not prepare is underlined in red where it is, not
 * only on the first line, and the messages number lines as the file does,
 * as the gutter does. */
static void
test_error_underline (Fixture       *fixture,
                      gconstpointer  data)
{
  StrataSqlView *view = view_for (fixture, STRATA_DIRECTION_UPGRADE);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  StrataRevision *revision;
  GtkTextTag *tag;
  GtkTextIter iter;
  guint first_line;
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  gboolean found = FALSE;

  g_assert_true (strata_timeline_select (fixture->window->timeline, REVISION));
  revision = strata_revision_editor_get_revision (fixture->window->editor);
  gtk_text_buffer_set_text (buffer,
                            "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
                            "INSERT INTO extra SELECT id FROM part;\n"
                            "SELEC id FROM part;\n", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view_for (fixture, STRATA_DIRECTION_DOWNGRADE))),
                            "DROP TABLE extra;\n", -1);
  strata_test_wait (one_problem, fixture, "the syntax check");
  strata_test_wait (drawn, view, "the editor to be drawn");

  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), STRATA_SQL_VIEW_TAG_ERROR);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  strata_test_wait (underlined, &(Underline) { view, 2 }, "a red underline under line 3");
  g_assert_cmpuint (red_under_line (view, 1), ==, 0);

  first_line = strata_revision_get_sql_line (revision, STRATA_DIRECTION_UPGRADE);
  g_assert_cmpuint (first_line, >, 1);
  g_assert_cmpuint (strata_sql_view_get_first_line (view), ==, first_line);
  expected = g_strdup_printf ("Line %u: ", first_line + 2);
  labels = strata_test_find_widgets (GTK_WIDGET (fixture->window->editor), GTK_TYPE_LABEL, NULL);
  for (guint i = 0; i < labels->len; i++)
    found |= g_str_has_prefix (gtk_label_get_text (labels->pdata[i]), expected);
  g_assert_true (found);
}

/* A run's failure is marked in the same red as a syntax error, on the line
 * the run names, and the line is tinted. */
static void
test_failure_style (Fixture       *fixture,
                    gconstpointer  data)
{
  StrataSqlView *view = view_for (fixture, STRATA_DIRECTION_UPGRADE);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  StrataRevision *revision;
  GtkTextTag *tag;
  GtkTextIter iter;
  guint first_line;

  g_assert_true (strata_timeline_select (fixture->window->timeline, REVISION));
  revision = strata_revision_editor_get_revision (fixture->window->editor);
  first_line = strata_revision_get_sql_line (revision, STRATA_DIRECTION_UPGRADE);
  strata_test_wait (drawn, view, "the editor to be drawn");
  strata_revision_editor_mark_failure (fixture->window->editor, first_line, "no such table: x");

  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), STRATA_SQL_VIEW_TAG_FAILURE);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 0);
  g_assert_true (gtk_text_iter_has_tag (&iter, tag));
  strata_test_wait (underlined, &(Underline) { view, 0 }, "a red underline under line 1");
}

/* Unsaved edits put a mark before the title, in the header too. */
static void
test_title_mark (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  g_assert_true (strata_timeline_select (fixture->window->timeline, REVISION));
  g_assert_false (g_str_has_prefix (adw_window_title_get_title (fixture->window->window_title), "• "));
  buffer = strata_revision_editor_get_buffer (fixture->window->editor, STRATA_DIRECTION_UPGRADE);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "-- edited\n", -1);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fixture->window)), "• "));
  g_assert_true (g_str_has_prefix (adw_window_title_get_title (fixture->window->window_title), "• "));
}

/* Tab walks the fields in reading order, one stop each: the lines they wrap
 * onto are not stops of their own. */
static void
test_tab_order (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) texts = strata_test_find_widgets (GTK_WIDGET (fixture->window->editor),
                                                         GTK_TYPE_TEXT, NULL);
  GtkWindow *window = GTK_WINDOW (fixture->window);

  g_assert_true (strata_timeline_select (fixture->window->timeline, REVISION));
  g_assert_cmpuint (texts->len, >=, 5);
  g_assert_true (gtk_widget_grab_focus (g_ptr_array_index (texts, 0)));
  for (guint i = 1; i < 5; i++)
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
      g_assert_true (gtk_window_get_focus (window) == g_ptr_array_index (texts, i));
    }
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  g_test_add ("/app/editor/error-underline", Fixture, NULL, strata_window_fixture_setup,
              test_error_underline, strata_window_fixture_teardown);
  g_test_add ("/app/editor/failure-style", Fixture, NULL, strata_window_fixture_setup,
              test_failure_style, strata_window_fixture_teardown);
  g_test_add ("/app/editor/title-mark", Fixture, NULL, strata_window_fixture_setup,
              test_title_mark, strata_window_fixture_teardown);
  g_test_add ("/app/editor/tab-order", Fixture, NULL, strata_window_fixture_setup,
              test_tab_order, strata_window_fixture_teardown);

  return g_test_run ();
}
