/* strata-data-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-data-view.h"
#include "strata-format.h"

struct _StrataDataView
{
  GtkWidget         parent_instance;

  StrataTableModel *model;
  GHashTable       *filters;   /* column name -> text typed for it */
  char             *search;    /* text typed for every text column */
  guint             updating_entry : 1;
  guint             sized : 1;

  GtkWidget        *box;
  GtkDropDown      *column_choice;
  GtkSearchEntry   *filter_entry;
  GtkLabel         *count_label;
  GtkRevealer      *chips_revealer;
  GtkFlowBox       *chips_box;
  GtkButton        *clear_button;
  GtkStack         *stack;
  GtkColumnView    *column_view;
  AdwStatusPage    *message_page;
  GtkWidget        *empty_clear_button;
};

G_DEFINE_FINAL_TYPE (StrataDataView, strata_data_view, GTK_TYPE_WIDGET)

/* The first choice of the drop-down searches every text column; the others
 * filter one column each. NULL for the search. */
static const char *
selected_column (StrataDataView *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->column_choice);

  if (item == NULL || gtk_drop_down_get_selected (self->column_choice) == 0)
    return NULL;
  return gtk_string_object_get_string (item);
}

static gboolean
has_filters (StrataDataView *self)
{
  return self->search != NULL || g_hash_table_size (self->filters) > 0;
}

static void
update_count (StrataDataView *self)
{
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (self->model == NULL || strata_table_model_get_loading (self->model))
    {
      gtk_label_set_text (self->count_label, self->model ? _("Counting…") : "");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  number = strata_format_count (n);
  /* Translators: %s is a count with its digits grouped, e.g. "2,000,000" */
  if (has_filters (self))
    text = g_strdup_printf (ngettext ("%s matching row", "%s matching rows", n), number);
  else
    text = g_strdup_printf (ngettext ("%s row", "%s rows", n), number);
  gtk_label_set_text (self->count_label, text);
}

/* Cells */

/* The longest tooltip a cell shows: a value of megabytes would take seconds
 * to lay out in one. */
#define CELL_TOOLTIP_MAX 2000

/* A cell's tooltip is asked for when the pointer rests on it, and is the
 * whole value only where the cell cuts it. Setting tooltips at bind time
 * would ask the X server where the pointer is for each cell bound, a round
 * trip per cell while scrolling. */
static gboolean
cell_query_tooltip_cb (GtkWidget  *widget,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip)
{
  GtkLabel *label = GTK_LABEL (widget);
  const char *text = gtk_label_get_text (label);
  g_autofree char *shown = NULL;

  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  if (strlen (text) > CELL_TOOLTIP_MAX)
    {
      const char *end = g_utf8_find_prev_char (text, text + CELL_TOOLTIP_MAX);

      shown = g_strdup_printf ("%.*s…", (int)(end - text), text);
    }
  gtk_tooltip_set_text (tooltip, shown != NULL ? shown : text);
  return TRUE;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (label), 6);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (cell_query_tooltip_cb), NULL);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  StrataTableRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *value = strata_table_row_get_value (row, column);
  gboolean placeholder = !strata_table_row_get_loaded (row) || value == NULL;

  /* SQL NULL reads as a dim NULL, a row on its way as a dim ellipsis. */
  if (!strata_table_row_get_loaded (row))
    gtk_label_set_text (label, "…");
  else if (value == NULL)
    gtk_label_set_text (label, "NULL");
  else
    gtk_label_set_text (label, value);
  if (placeholder)
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
}

static void
remove_columns (StrataDataView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->column_view, column);
    }
}

/* GtkColumnView sizes a column by the cells it measured first, which were
 * placeholders. The model samples rows across the whole table (its end
 * included, where ids are longest): give each column room for the longest
 * value sampled, within reason. Columns stay resizable, and a reload (after
 * a filter) keeps the widths a person chose. */
static void
size_columns (StrataDataView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  const char * const *widest = strata_table_model_get_widest_values (self->model);
  g_autoptr(PangoLayout) layout = NULL;
  guint n_columns = g_list_model_get_n_items (columns);

  if (self->sized || widest == NULL || g_strv_length ((GStrv)widest) != n_columns)
    return;
  self->sized = TRUE;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  for (guint c = 0; c < n_columns; c++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);
      int width = 0, text_width = 0;

      pango_layout_set_text (layout, gtk_column_view_column_get_title (column), -1);
      pango_layout_get_pixel_size (layout, &width, NULL);
      pango_layout_set_text (layout, widest[c], -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      /* The cell's padding, and the header's sort arrow room. */
      gtk_column_view_column_set_fixed_width (column, CLAMP (MAX (width, text_width) + 28, 56, 400));
    }
}

static void
columns_changed_cb (StrataDataView *self)
{
  const char * const *names = strata_table_model_get_columns (self->model);
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autofree char *previous = g_strdup (selected_column (self));
  guint selected = 0;

  gtk_string_list_append (choices, _("All Text Columns"));

  remove_columns (self);
  self->sized = FALSE;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), NULL);
      column = gtk_column_view_column_new (names[i], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      gtk_string_list_append (choices, names[i]);
      if (g_strcmp0 (previous, names[i]) == 0)
        selected = i + 1;
    }
  self->updating_entry = TRUE;
  gtk_drop_down_set_model (self->column_choice, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->column_choice, selected);
  self->updating_entry = FALSE;
  size_columns (self);
}

/* What the filters ask for, for the empty state: "“calibrated” in name,
 * notes; qty > 5". */
static char *
describe_filters (StrataDataView *self)
{
  const char * const *columns = strata_table_model_get_columns (self->model);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (self->search != NULL)
    {
      const char * const *searched = strata_table_model_get_search_columns (self->model);
      g_autofree char *where = searched ? g_strjoinv (", ", (GStrv)searched) : g_strdup ("");

      /* Translators: text searched for, then the columns searched */
      g_ptr_array_add (parts, g_strdup_printf (_("“%s” in %s"), self->search, where));
    }
  for (guint i = 0; columns != NULL && columns[i] != NULL; i++)
    {
      const char *text = g_hash_table_lookup (self->filters, columns[i]);
      g_autofree char *value = NULL;
      g_autofree char *stripped = NULL;
      StrataFilterOperator op;

      if (text == NULL || !strata_table_model_parse_filter (text, &op, &value))
        continue;
      stripped = g_strstrip (g_strdup (text));
      if (op == STRATA_FILTER_LIKE)
        g_ptr_array_add (parts, g_strdup_printf (_("“%s” in %s"), stripped, columns[i]));
      else
        g_ptr_array_add (parts, g_strdup_printf ("%s %s", columns[i], stripped));
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (GStrv)parts->pdata);
}

static void
show_message (StrataDataView *self,
              const char     *title,
              const char     *description,
              gboolean        offer_clear)
{
  g_autofree char *escaped = description ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, escaped);
  gtk_widget_set_visible (self->empty_clear_button, offer_clear);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
state_changed_cb (StrataDataView *self)
{
  const char *error = self->model ? strata_table_model_get_error_message (self->model) : NULL;

  if (self->model == NULL)
    show_message (self, _("No Table Selected"), NULL, FALSE);
  else if (error != NULL)
    show_message (self, _("No Rows to Show"), error, FALSE);
  else if (!strata_table_model_get_loading (self->model) &&
           g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    {
      g_autofree char *filters = has_filters (self) ? describe_filters (self) : NULL;
      g_autofree char *why = NULL;

      /* Say why nothing shows, and offer the way out. */
      if (filters != NULL)
        {
          /* Translators: %s describes the filters: "“calibrated” in name, notes" */
          why = g_strdup_printf (_("No rows match %s"), filters);
          show_message (self, _("No Matching Rows"), why, TRUE);
        }
      else
        show_message (self, _("No Rows"), _("This table is empty."), FALSE);
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "rows");
  update_count (self);
}

/* Filters */

static void update_chips (StrataDataView *self);

static void
set_entry_text (StrataDataView *self,
                const char     *text)
{
  self->updating_entry = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text ? text : "");
  self->updating_entry = FALSE;
}

static void
filters_changed (StrataDataView *self)
{
  update_chips (self);
  state_changed_cb (self);
}

static void
set_column_filter (StrataDataView *self,
                   const char     *column,
                   const char     *text)
{
  g_autofree char *value = NULL;
  StrataFilterOperator op;

  if (strata_table_model_parse_filter (text, &op, &value))
    {
      g_hash_table_replace (self->filters, g_strdup (column), g_strdup (text));
      strata_table_model_set_filter (self->model, column, op, value);
    }
  else if (g_hash_table_remove (self->filters, column))
    strata_table_model_set_filter (self->model, column, STRATA_FILTER_LIKE, NULL);
}

static void
set_search (StrataDataView *self,
            const char     *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  g_clear_pointer (&self->search, g_free);
  if (stripped[0] != '\0')
    self->search = g_steal_pointer (&stripped);
  strata_table_model_set_search (self->model, self->search);
}

static void
filter_changed_cb (StrataDataView *self)
{
  const char *column = selected_column (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));

  const char *current = column ? g_hash_table_lookup (self->filters, column) : self->search;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  /* A search entry reports a change a moment after text was set, by us too:
   * what the filters hold already needs no reload. */
  if (self->updating_entry || self->model == NULL ||
      g_strcmp0 (column ? text : stripped, current ? current : "") == 0)
    return;
  if (column == NULL)
    set_search (self, text);
  else
    set_column_filter (self, column, text);
  filters_changed (self);
}

static void
update_placeholder (StrataDataView *self)
{
  const char *column = selected_column (self);
  g_autofree char *placeholder = NULL;

  if (column == NULL)
    {
      /* The drop-down beside it already says where: "All Text Columns". */
      g_object_set (self->filter_entry, "placeholder-text", _("Search"), NULL);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_entry),
                                   _("Rows where any text column contains this text"));
      return;
    }
  /* Translators: %s is a column name */
  placeholder = g_strdup_printf (_("Filter %s: text, = 5, > 10, null"), column);
  g_object_set (self->filter_entry, "placeholder-text", placeholder, NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_entry),
                               _("Rows whose value contains this text; or a comparison such as “>= 10”, “!= x”, “null”"));
}

static void
column_selected_cb (StrataDataView *self)
{
  const char *column = selected_column (self);

  /* The entry shows the filter of the column it is set to; the chips show
   * them all. */
  set_entry_text (self, column ? g_hash_table_lookup (self->filters, column) : self->search);
  update_placeholder (self);
}

static void
remove_chip_clicked_cb (GtkButton      *button,
                        StrataDataView *self)
{
  const char *column = g_object_get_data (G_OBJECT (button), "column");

  if (self->model == NULL)
    return;
  if (column == NULL)
    set_search (self, NULL);
  else
    set_column_filter (self, column, NULL);
  if (g_strcmp0 (column, selected_column (self)) == 0)
    set_entry_text (self, NULL);
  filters_changed (self);
}

static GtkWidget *
make_chip (StrataDataView *self,
           const char     *column,
           const char     *text)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *button = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *label = NULL;
  g_autofree char *remove = NULL;

  /* Translators: a filter chip: the column, then what it is filtered by */
  label = column ? g_strdup_printf (_("%s: %s"), column, text)
                 : g_strdup_printf (_("All text columns: %s"), text);
  gtk_widget_add_css_class (chip, "filter-chip");
  gtk_box_append (GTK_BOX (chip), gtk_label_new (label));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove Filter"));
  /* Translators: what the button of a filter chip does, read by a screen reader */
  remove = g_strdup_printf (_("Remove filter %s"), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
  g_object_set_data_full (G_OBJECT (button), "column", g_strdup (column), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_chip_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (chip), button);
  return chip;
}

/* Every active filter shows as a chip, whichever column the entry is set to. */
static void
update_chips (StrataDataView *self)
{
  const char * const *columns = self->model ? strata_table_model_get_columns (self->model) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box))) != NULL)
    gtk_flow_box_remove (self->chips_box, child);
  if (self->search != NULL)
    gtk_flow_box_append (self->chips_box, make_chip (self, NULL, self->search));
  for (guint i = 0; columns != NULL && columns[i] != NULL; i++)
    {
      const char *text = g_hash_table_lookup (self->filters, columns[i]);

      if (text != NULL)
        gtk_flow_box_append (self->chips_box, make_chip (self, columns[i], text));
    }
  gtk_revealer_set_reveal_child (self->chips_revealer, has_filters (self));
}

static void
clear_clicked_cb (StrataDataView *self)
{
  g_hash_table_remove_all (self->filters);
  g_clear_pointer (&self->search, g_free);
  set_entry_text (self, NULL);
  if (self->model != NULL)
    strata_table_model_clear_filters (self->model);
  filters_changed (self);
}

/* GObject */

static void
strata_data_view_dispose (GObject *object)
{
  StrataDataView *self = (StrataDataView *)object;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_DATA_VIEW);
  g_clear_object (&self->model);
  g_clear_pointer (&self->filters, g_hash_table_unref);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (strata_data_view_parent_class)->dispose (object);
}

static void
strata_data_view_class_init (StrataDataViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_data_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-data-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, box);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, column_choice);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, count_label);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, chips_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, chips_box);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, empty_clear_button);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, column_view);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, message_page);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
strata_data_view_init (StrataDataView *self)
{
  self->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->column_choice, "notify::selected",
                           G_CALLBACK (column_selected_cb), self, G_CONNECT_SWAPPED);
  update_placeholder (self);
}

GtkWidget *
strata_data_view_new (void)
{
  return g_object_new (STRATA_TYPE_DATA_VIEW, NULL);
}

void
strata_data_view_set_table (StrataDataView *self,
                            GFile          *file,
                            const char     *table)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (STRATA_IS_DATA_VIEW (self));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->filters);
  g_clear_pointer (&self->search, g_free);
  remove_columns (self);
  gtk_column_view_set_model (self->column_view, NULL);

  if (file != NULL && table != NULL)
    {
      self->model = strata_table_model_new (file, table);
      g_signal_connect_object (self->model, "notify::columns", G_CALLBACK (columns_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (state_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::error-message", G_CALLBACK (state_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::n-items", G_CALLBACK (state_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::widest-values", G_CALLBACK (size_columns),
                               self, G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
    }
  set_entry_text (self, NULL);
  update_chips (self);
  state_changed_cb (self);
}

StrataTableModel *
strata_data_view_get_model (StrataDataView *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_VIEW (self), NULL);
  return self->model;
}

GtkColumnView *
strata_data_view_get_column_view (StrataDataView *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_VIEW (self), NULL);
  return self->column_view;
}

void
strata_data_view_reload (StrataDataView *self)
{
  g_return_if_fail (STRATA_IS_DATA_VIEW (self));

  if (self->model != NULL)
    strata_table_model_reload (self->model);
}
