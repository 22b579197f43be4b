/* test-window-size.c: the window at 360, 800 and 1400 pixels wide gets that
 * width, and every view fits in it: no widget is placed outside the window,
 * none is given less room than it needs, nothing but a table's rows scrolls
 * sideways
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "strata-reflow.h"
#include "strata-test-util.h"
#include "strata-test-widgets.h"
#include "strata-window-fixture.h"
#include "strata-window-private.h"

typedef StrataWindowFixture Fixture;

typedef struct
{
  GtkWidget *window;
  int        width;
} Size;

/* The width of the window on screen, its decorations included. */
static int
surface_width (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return surface != NULL ? gdk_surface_get_width (surface) : 0;
}

static gboolean
has_width (gpointer data)
{
  Size *size = data;

  return surface_width (size->window) == size->width;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop for @ms, so that transitions and relayouts finish. */
static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
inside_scrolled (GtkWidget *widget)
{
  /* What a scrolled window holds may extend past it: it scrolls. */
  return GTK_IS_SCROLLED_WINDOW (widget) || GTK_IS_VIEWPORT (widget);
}

/* A table of rows (the data view's grid) and unwrapped code may be wider
 * than the window and scroll sideways inside themselves; nothing else may. */
static gboolean
scrolls_sideways (GtkWidget *widget)
{
  GtkAdjustment *adjustment;
  GtkWidget *child;

  if (!GTK_IS_SCROLLED_WINDOW (widget))
    return FALSE;
  child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));
  if (child != NULL && (gtk_widget_has_css_class (child, "data-table") || GTK_IS_TEXT_VIEW (child)))
    return FALSE;
  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (widget));
  return gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_lower (adjustment) >
         gtk_adjustment_get_page_size (adjustment) + 0.5;
}

/* The width @widget takes beyond its border box: its margins, set and from CSS. */
static int
outer_margins (GtkWidget *widget)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GtkBorder margin;

  gtk_style_context_get_margin (style, &margin);
  return gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget) +
         margin.left + margin.right;
}

/* Every mapped widget under @widget lies inside the window's surface
 * (@area, in the window's coordinates), and is at least as wide as its
 * minimum: nothing is pushed out or cut. */
static void
check_fits (GtkWidget             *widget,
            GtkWidget             *window,
            const graphene_rect_t *area,
            GString               *problems)
{
  graphene_rect_t bounds;
  int minimum;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (widget != window && GTK_IS_NATIVE (widget))
    return;
  if (widget != window && gtk_widget_compute_bounds (widget, window, &bounds))
    {
      const char *name = G_OBJECT_TYPE_NAME (widget);

      if (bounds.origin.x < area->origin.x - 0.5 ||
          bounds.origin.x + bounds.size.width > area->origin.x + area->size.width + 0.5)
        g_string_append_printf (problems, "%s at x %.0f, %.0f wide: outside the window\n", name,
                                bounds.origin.x, bounds.size.width);
      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      minimum -= outer_margins (widget);
      if (bounds.size.width + 0.5 < minimum)
        g_string_append_printf (problems, "%s %.0f wide, needs %d: cut\n", name,
                                bounds.size.width, minimum);
      if (scrolls_sideways (widget))
        {
          GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget));

          g_string_append_printf (problems, "%s holding %s scrolls sideways\n", name,
                                  G_OBJECT_TYPE_NAME (child));
        }
    }
  if (inside_scrolled (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_fits (child, window, area, problems);
}

/* For the failure message: the widgets that need more than @width / 3,
 * widest needs first in each box, which is where to look. */
static void
describe_needs (GtkWidget *widget,
                int        width,
                guint      depth,
                GString   *text)
{
  int minimum;

  /* A stack's hidden pages count: the stack is as wide as its widest. */
  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (minimum <= width / 4)
    return;
  g_string_append_printf (text, "%*s%s needs %d\n", depth * 2, "", G_OBJECT_TYPE_NAME (widget),
                          minimum);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    describe_needs (child, width, depth + 1, text);
}

/* A window opened at @width on the example project. */
static void
open_at (Fixture *fixture,
         int      width)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->dir);

  fixture->reloads = 0;
  fixture->window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 600);
  gtk_window_present (GTK_WINDOW (fixture->window));
  strata_window_open (fixture->window, folder);
  strata_test_wait (strata_window_fixture_reloaded, fixture, "the project to load");
}

static void
assert_fits (Fixture    *fixture,
             int         width,
             const char *view)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GString) problems = g_string_new (NULL);
  Size size = { window, width };
  graphene_rect_t area;
  gboolean late = FALSE;
  guint timeout;

  timeout = g_timeout_add_seconds (3, timeout_cb, &late);
  while (!has_width (&size) && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timeout);
  settle (400);
  /* A minimum size wider than asked would keep the window wider. */
  if (surface_width (window) != width)
    {
      describe_needs (window, width, 0, problems);
      g_error ("Asked for %d px, %s got %d:\n%s", width, view, surface_width (window),
               problems->str);
    }
  g_assert_true (gtk_widget_compute_bounds (window, window, &area));
  /* A header button shown by the run that just ended may be caught between
   * two layouts on a slow machine (under AddressSanitizer): what is cut must
   * still be cut a little later to count. */
  for (guint tries = 0; tries < 5; tries++)
    {
      g_string_truncate (problems, 0);
      check_fits (window, window, &area, problems);
      if (problems->len == 0)
        return;
      settle (400);
    }
  g_error ("At %d px, %s:\n%s", width, view, problems->str);
}

/* With STRATA_SCREENSHOT_DIR set, a screenshot of the screen (the window at
 * its top left) for looking at: size-WIDTH-VIEW.png. */
static void
screenshot (int         width,
            const char *view)
{
  const char *dir = g_getenv ("STRATA_SCREENSHOT_DIR");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  /* Transitions end before the picture is taken. */
  settle (800);
  name = g_strdup_printf ("size-%d-%s.png", width, view);
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };
    int status;

    if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                       &status, &error))
      g_test_message ("no screenshot: %s", error->message);
  }
}

/* Every field of the revision editor that holds ids shows all of them: the
 * fields stack one to a line rather than cut an id short. (The message is
 * free text; a long one scrolls in its entry.) */
static void
assert_fields_whole (Fixture *fixture,
                     int      width)
{
  g_autoptr(GPtrArray) texts = strata_test_find_widgets (GTK_WIDGET (fixture->window->editor),
                                                         GTK_TYPE_TEXT, NULL);

  g_assert_cmpuint (texts->len, >=, 5);
  for (guint i = 1; i < texts->len; i++)
    {
      GtkWidget *text = g_ptr_array_index (texts, i);
      const char *content = gtk_editable_get_text (GTK_EDITABLE (text));
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (text, content);
      int needed;

      pango_layout_get_pixel_size (layout, &needed, NULL);
      if (gtk_widget_get_width (text) < needed)
        g_error ("At %d px, the field holding “%s” is %d px wide, needs %d", width, content,
                 gtk_widget_get_width (text), needed);
    }
}

static gboolean
example_tables_read (gpointer data)
{
  Fixture *fixture = data;
  StrataSchema *schema = strata_inspector_get_schema (fixture->window->inspector);

  return schema != NULL && strata_schema_lookup (schema, "part_price") != NULL;
}

/* The database view on a table with foreign keys and an index, each of its
 * pages in turn: the structure stacks each column's details under its name
 * where a table of them would not fit, and wide windows keep the table. */
static void
check_inspector (Fixture *fixture,
                 int      width)
{
  StrataInspector *inspector = fixture->window->inspector;
  const char *pages[] = { "structure", "data", "sql" };
  GtkWidget *reflow;
  int minimum;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.upgrade", NULL));
  strata_test_wait (example_tables_read, fixture, "the upgraded database's tables");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-database",
                                             NULL));
  g_assert_true (strata_inspector_select (inspector, "part_price"));
  gtk_widget_measure (GTK_WIDGET (inspector), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (minimum, <=, width);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *view = g_strdup_printf ("the database's %s page", pages[i]);
      g_autofree char *shot = g_strdup_printf ("table-%s", pages[i]);

      strata_inspector_show_page (inspector, pages[i]);
      assert_fits (fixture, width, view);
      screenshot (width, shot);
      if (i == 0)
        {
          reflow = strata_test_find_widget (GTK_WIDGET (inspector), STRATA_TYPE_REFLOW, NULL);
          g_assert_nonnull (reflow);
          if (width <= 360)
            g_assert_true (strata_reflow_get_narrow (STRATA_REFLOW (reflow)));
          if (width >= 1400)
            g_assert_false (strata_reflow_get_narrow (STRATA_REFLOW (reflow)));
        }
    }
}

static int
screen_width (void)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
  GdkRectangle geometry;

  gdk_monitor_get_geometry (monitor, &geometry);
  return geometry.width;
}

static void
test_width (gconstpointer data)
{
  int width = GPOINTER_TO_INT (data);
  Fixture fixture = { NULL };

  /* Without a window manager, X keeps a window within the screen. */
  if (screen_width () < width)
    {
      g_test_skip_printf ("the screen is %d px wide; build-aux/dev.sh test uses 1600",
                          screen_width ());
      return;
    }

  fixture.dir = strata_test_copy_example ();
  open_at (&fixture, width);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.show-revision", NULL));
  assert_fits (&fixture, width, "the revision editor");
  assert_fields_whole (&fixture, width);
  screenshot (width, "revision");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.show-database", NULL));
  assert_fits (&fixture, width, "the database");
  screenshot (width, "database");

  /* The page that says why the project does not load. */
  {
    g_autofree char *inside = g_build_filename (fixture.dir, "versions",
                                                "4d0e8f6b2a17_add_supplier_table.sql", NULL);
    g_autofree char *outside = g_build_filename (fixture.dir, "supplier.sql.moved", NULL);

    g_assert_cmpint (g_rename (inside, outside), ==, 0);
    fixture.reloads = _strata_window_get_n_reloads (fixture.window);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.reload", NULL));
    strata_test_wait (strata_window_fixture_reloaded, &fixture, "the reload");
    g_assert_nonnull (_strata_window_get_load_error (fixture.window));
    assert_fits (&fixture, width, "the load error");
    screenshot (width, "error");
  }
  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture.window)));
  strata_test_remove_tree (fixture.dir);
  g_free (fixture.dir);
}

static void
test_inspector (gconstpointer data)
{
  int width = GPOINTER_TO_INT (data);
  Fixture fixture = { NULL };

  if (screen_width () < width)
    {
      g_test_skip_printf ("the screen is %d px wide; build-aux/dev.sh test uses 1600",
                          screen_width ());
      return;
    }
  fixture.dir = strata_test_copy_example ();
  open_at (&fixture, width);
  check_inspector (&fixture, width);
  strata_test_destroy_window (GTK_WINDOW (g_steal_pointer (&fixture.window)));
  strata_test_remove_tree (fixture.dir);
  g_free (fixture.dir);
}

static void
test_start_page (void)
{
  StrataWindow *window = g_object_new (STRATA_TYPE_WINDOW, NULL);
  Fixture fixture = { NULL };

  fixture.window = window;
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 600);
  gtk_window_present (GTK_WINDOW (window));
  assert_fits (&fixture, 360, "the start page");
  screenshot (360, "start");
  strata_test_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);
  /* In French (LANGUAGE=fr), from the build folder's catalogs as the app
   * reads them: its labels run longer than the English ones. gtk_test_init
   * set the C locale, in which gettext ignores LANGUAGE. */
  if (g_getenv ("STRATA_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STRATA_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      /* Not English by mistake: a missing catalog would pass unnoticed. */
      g_assert_cmpstr (_("Upgrade"), !=, "Upgrade");
    }
  /* The app's own styles, which AdwApplication loads: they set sizes too. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* GNOME's title buttons: only Close (a bare X server shows three). */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  /* The leaflet's slide is timed by the frame clock: on a loaded machine it
   * is still moving when the sizes are read. Without animations it jumps. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_data_func ("/app/window/size/1400", GINT_TO_POINTER (1400), test_width);
  g_test_add_data_func ("/app/window/size/800", GINT_TO_POINTER (800), test_width);
  g_test_add_data_func ("/app/window/size/360", GINT_TO_POINTER (360), test_width);
  g_test_add_data_func ("/app/window/size/inspector-1400", GINT_TO_POINTER (1400), test_inspector);
  g_test_add_data_func ("/app/window/size/inspector-800", GINT_TO_POINTER (800), test_inspector);
  g_test_add_data_func ("/app/window/size/inspector-360", GINT_TO_POINTER (360), test_inspector);
  g_test_add_func ("/app/window/size/start-page-360", test_start_page);

  return g_test_run ();
}
