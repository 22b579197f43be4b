/* test-data-view.c: the data grid's search, filter chips, empty state,
 * column widths and counts, as a person sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "strata-data-view.h"
#include "strata-format.h"
#include "strata-test-util.h"
#include "strata-test-widgets.h"

#define N_ROWS 200000

typedef struct
{
  char           *dir;
  GtkWindow      *window;
  StrataDataView *view;
} Fixture;

/* One part in a thousand is "calibrated", in its notes only; ids run to
 * six digits, far past the first page's three. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *database = NULL;
  g_autoptr(GFile) file = NULL;

  fixture->dir = g_dir_make_tmp ("strata-data-view-XXXXXX", NULL);
  database = g_build_filename (fixture->dir, "parts.db", NULL);
  strata_test_exec (database,
                    "CREATE TABLE part (id INTEGER PRIMARY KEY, name TEXT, notes VARCHAR(40),\n"
                    "  qty INTEGER);\n"
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000)\n"
                    "INSERT INTO part SELECT x, 'part ' || x,\n"
                    "  CASE WHEN x % 1000 = 0 THEN 'calibrated' ELSE 'as delivered' END, x % 100\n"
                    "FROM n;\n");
  file = g_file_new_for_path (database);

  fixture->window = GTK_WINDOW (adw_window_new ());
  fixture->view = STRATA_DATA_VIEW (strata_data_view_new ());
  gtk_window_set_default_size (fixture->window, 900, 600);
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);
  strata_data_view_set_table (fixture->view, file, "part");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  strata_test_destroy_window (g_steal_pointer (&fixture->window));
  strata_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

typedef struct
{
  StrataDataView *view;
  guint           n_rows;
} Count;

static gboolean
counted (gpointer data)
{
  Count *count = data;
  StrataTableModel *model = strata_data_view_get_model (count->view);

  return !strata_table_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == count->n_rows;
}

static void
wait_for_rows (Fixture *fixture,
               guint    n_rows)
{
  Count count = { fixture->view, n_rows };

  strata_test_wait (counted, &count, "the rows to be counted");
}

/* The entry on show: the drop-down's popover holds one of its own. */
static GtkWidget *
entry (Fixture *fixture)
{
  g_autoptr(GPtrArray) entries = strata_test_find_widgets (GTK_WIDGET (fixture->view),
                                                           GTK_TYPE_SEARCH_ENTRY, NULL);

  for (guint i = 0; i < entries->len; i++)
    if (gtk_widget_get_mapped (entries->pdata[i]))
      return entries->pdata[i];
  g_assert_not_reached ();
}

static GtkDropDown *
scope (Fixture *fixture)
{
  return GTK_DROP_DOWN (strata_test_find_widget (GTK_WIDGET (fixture->view), GTK_TYPE_DROP_DOWN, NULL));
}

static const char *
count_text (Fixture *fixture)
{
  return gtk_label_get_text (GTK_LABEL (strata_test_find_widget (GTK_WIDGET (fixture->view),
                                                                 GTK_TYPE_LABEL, "numeric")));
}

/* The chips a person can see, as "label" strings. */
static char *
chips (Fixture *fixture)
{
  GtkWidget *revealer = strata_test_find_widget (GTK_WIDGET (fixture->view), GTK_TYPE_REVEALER, NULL);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)))
    return g_strdup ("");
  found = strata_test_find_widgets (revealer, GTK_TYPE_BOX, "filter-chip");
  for (guint i = 0; i < found->len; i++)
    g_strv_builder_add (labels, strata_test_label_text (found->pdata[i]));
  strv = g_strv_builder_end (labels);
  return g_strjoinv ("|", strv);
}

static void
remove_chip (Fixture *fixture,
             guint    index)
{
  g_autoptr(GPtrArray) found = strata_test_find_widgets (GTK_WIDGET (fixture->view), GTK_TYPE_BOX,
                                                         "filter-chip");

  g_assert_cmpuint (index, <, found->len);
  g_signal_emit_by_name (strata_test_find_widget (found->pdata[index], GTK_TYPE_BUTTON, NULL),
                         "clicked");
}

static GtkWidget *
button_labelled (Fixture    *fixture,
                 const char *label)
{
  g_autoptr(GPtrArray) buttons = strata_test_find_widgets (GTK_WIDGET (fixture->view), GTK_TYPE_BUTTON,
                                                           NULL);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0)
      return buttons->pdata[i];
  g_assert_not_reached ();
}

static void
choose_column (Fixture    *fixture,
               const char *name)
{
  GListModel *choices = gtk_drop_down_get_model (scope (fixture));

  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GtkStringObject) choice = g_list_model_get_item (choices, i);

      if (g_str_equal (gtk_string_object_get_string (choice), name))
        {
          gtk_drop_down_set_selected (scope (fixture), i);
          return;
        }
    }
  g_assert_not_reached ();
}

/* Searching needs no column chosen: it looks in every text column, so
 * "calibrated" finds the parts whose notes say so. */
static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *shown = NULL;

  wait_for_rows (fixture, N_ROWS);
  g_assert_cmpstr (count_text (fixture), ==, "200,000 rows");
  g_assert_cmpuint (gtk_drop_down_get_selected (scope (fixture)), ==, 0);
  shown = chips (fixture);
  g_assert_cmpstr (shown, ==, "");

  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "calibrated");
  wait_for_rows (fixture, N_ROWS / 1000);
  g_assert_cmpstr (count_text (fixture), ==, "200 matching rows");
  g_clear_pointer (&shown, g_free);
  shown = chips (fixture);
  g_assert_cmpstr (shown, ==, "All text columns: calibrated");
}

/* Every active filter shows as a chip, whichever column the entry is set
 * to; each chip removes its own filter, and Clear All removes them all. */
static void
test_chips (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *shown = NULL;

  wait_for_rows (fixture, N_ROWS);
  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "calibrated");
  wait_for_rows (fixture, 200);
  choose_column (fixture, "qty");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (fixture))), ==, "");
  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "= 0");
  wait_for_rows (fixture, 200);
  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "> 50");
  wait_for_rows (fixture, 0);
  shown = chips (fixture);
  g_assert_cmpstr (shown, ==, "All text columns: calibrated|qty: > 50");

  /* Back on the search, the entry shows the search again. */
  gtk_drop_down_set_selected (scope (fixture), 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (fixture))), ==, "calibrated");

  remove_chip (fixture, 1);
  wait_for_rows (fixture, 200);
  g_clear_pointer (&shown, g_free);
  shown = chips (fixture);
  g_assert_cmpstr (shown, ==, "All text columns: calibrated");

  /* Removing the chip of the column the entry is set to empties the entry. */
  choose_column (fixture, "name");
  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "part 1");
  wait_for_rows (fixture, 111);
  remove_chip (fixture, 1);
  wait_for_rows (fixture, 200);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (fixture))), ==, "");

  g_signal_emit_by_name (button_labelled (fixture, "Clear All"), "clicked");
  wait_for_rows (fixture, N_ROWS);
  g_clear_pointer (&shown, g_free);
  shown = chips (fixture);
  g_assert_cmpstr (shown, ==, "");
  g_assert_cmpstr (count_text (fixture), ==, "200,000 rows");
}

/* When nothing matches, the grid says what was asked for and where, and
 * offers to clear the filters. */
static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwStatusPage *page = ADW_STATUS_PAGE (strata_test_find_widget (GTK_WIDGET (fixture->view),
                                                                  ADW_TYPE_STATUS_PAGE, NULL));
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (page), GTK_TYPE_STACK));
  GtkWidget *clear = strata_test_find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, "pill");

  wait_for_rows (fixture, N_ROWS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "rows");
  gtk_editable_set_text (GTK_EDITABLE (entry (fixture)), "recalibrated");
  wait_for_rows (fixture, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "message");
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Matching Rows");
  g_assert_cmpstr (adw_status_page_get_description (page), ==,
                   "No rows match “recalibrated” in name, notes");
  g_assert_true (gtk_widget_get_visible (clear));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (clear)), ==, "Clear Filters");

  g_signal_emit_by_name (clear, "clicked");
  wait_for_rows (fixture, N_ROWS);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "rows");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (fixture))), ==, "");
}

static gboolean
columns_sized (gpointer data)
{
  GtkColumnView *view = data;
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (view), 0);

  return column != NULL && gtk_column_view_column_get_fixed_width (column) > 0;
}

/* The id column has room for the last ids, not only the first page's, and
 * a person can still resize it. */
static void
test_column_widths (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkColumnView *view = strata_data_view_get_column_view (fixture->view);
  g_autoptr(GtkColumnViewColumn) id = NULL;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (fixture->view), "200000");
  int last_id_width;

  wait_for_rows (fixture, N_ROWS);
  strata_test_wait (columns_sized, view, "the columns to be sized");
  pango_layout_get_pixel_size (layout, &last_id_width, NULL);
  id = g_list_model_get_item (gtk_column_view_get_columns (view), 0);
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (id), >=, last_id_width + 16);
  g_assert_true (gtk_column_view_column_get_resizable (id));
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
  GtkWidget  *found;
} LabelSearch;

/* A cell showing @text, laid out at its width. */
static gboolean
cell_shown (gpointer data)
{
  LabelSearch *search = data;
  g_autoptr(GPtrArray) labels = strata_test_find_widgets (search->root, GTK_TYPE_LABEL, NULL);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), search->text) == 0 &&
        gtk_widget_get_mapped (labels->pdata[i]) && gtk_widget_get_width (labels->pdata[i]) > 0)
      {
        search->found = labels->pdata[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
ask_tooltip (GtkWidget *cell)
{
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_signal_emit_by_name (cell, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  return shown;
}

/* A value the cell cuts has a tooltip with all of it, asked for when the
 * pointer rests there; a value that fits has none. No cell sets a tooltip
 * while bound: on X11 each would cost a round trip per cell scrolled. */
static void
test_cell_tooltips (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *database = g_build_filename (fixture->dir, "parts.db", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (database);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  LabelSearch cut = { GTK_WIDGET (fixture->view), NULL, NULL };
  LabelSearch fits = { GTK_WIDGET (fixture->view), "a short note", NULL };

  while (long_text->len < 600)
    g_string_append (long_text, "the gauge was checked against the reference block; ");
  sql = g_strdup_printf ("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);\n"
                         "INSERT INTO note VALUES (1, 'a short note'), (2, '%s');", long_text->str);
  wait_for_rows (fixture, N_ROWS);
  strata_test_exec (database, sql);
  strata_data_view_set_table (fixture->view, file, "note");
  wait_for_rows (fixture, 2);

  cut.text = long_text->str;
  strata_test_wait (cell_shown, &cut, "the long note's cell");
  strata_test_wait (cell_shown, &fits, "the short note's cell");
  g_assert_true (ask_tooltip (cut.found));
  g_assert_false (ask_tooltip (fits.found));

  labels = strata_test_find_widgets (GTK_WIDGET (strata_data_view_get_column_view (fixture->view)),
                                     GTK_TYPE_LABEL, NULL);
  for (guint i = 0; i < labels->len; i++)
    g_assert_null (gtk_widget_get_tooltip_text (labels->pdata[i]));
}

static void
test_format_count (void)
{
  g_autofree char *big = strata_format_count (2000000);
  g_autofree char *small = strata_format_count (999);
  g_autofree char *thousand = strata_format_count (1000);

  g_assert_cmpstr (big, ==, "2,000,000");
  g_assert_cmpstr (small, ==, "999");
  g_assert_cmpstr (thousand, ==, "1,000");
}

int
main (int   argc,
      char *argv[])
{
  strata_test_init (&argc, &argv);

  g_test_add_func ("/app/data-view/format-count", test_format_count);
  g_test_add ("/app/data-view/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/app/data-view/chips", Fixture, NULL, fixture_setup, test_chips, fixture_teardown);
  g_test_add ("/app/data-view/empty-state", Fixture, NULL, fixture_setup, test_empty_state,
              fixture_teardown);
  g_test_add ("/app/data-view/column-widths", Fixture, NULL, fixture_setup, test_column_widths,
              fixture_teardown);
  g_test_add ("/app/data-view/cell-tooltips", Fixture, NULL, fixture_setup, test_cell_tooltips,
              fixture_teardown);

  return g_test_run ();
}
