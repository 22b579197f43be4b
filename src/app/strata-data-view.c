/* strata-data-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-data-view.h"

struct _StrataDataView
{
  GtkWidget         parent_instance;

  StrataTableModel *model;
  GHashTable       *filters;   /* column name -> text typed for it */
  guint             updating_entry : 1;
  guint             sized : 1;

  GtkWidget        *box;
  GtkDropDown      *column_choice;
  GtkSearchEntry   *filter_entry;
  GtkButton        *clear_button;
  GtkLabel         *count_label;
  GtkStack         *stack;
  GtkColumnView    *column_view;
  AdwStatusPage    *message_page;
};

G_DEFINE_FINAL_TYPE (StrataDataView, strata_data_view, GTK_TYPE_WIDGET)

static const char *
selected_column (StrataDataView *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->column_choice);

  return item ? gtk_string_object_get_string (item) : NULL;
}

static void
update_count (StrataDataView *self)
{
  g_autofree char *text = NULL;
  guint n;

  if (self->model == NULL || strata_table_model_get_loading (self->model))
    {
      gtk_label_set_text (self->count_label, self->model ? _("Counting…") : "");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  /* %'u groups the digits as the locale does: a table may hold millions of rows. */
  if (g_hash_table_size (self->filters) > 0)
    text = g_strdup_printf (ngettext ("%'u matching row", "%'u matching rows", n), n);
  else
    text = g_strdup_printf (ngettext ("%'u row", "%'u rows", n), n);
  gtk_label_set_text (self->count_label, text);
}

/* Cells */

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
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), value != NULL && strlen (value) > 40 ? value : NULL);
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
 * placeholders; once real rows arrive, give each column room for what the
 * first page holds (within reason: it stays resizable). */
static void
size_columns (StrataDataView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(StrataTableRow) first = NULL;
  PangoLayout *layout;
  guint n_rows, n_columns;

  if (self->sized || self->model == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    return;
  first = g_list_model_get_item (G_LIST_MODEL (self->model), 0);
  if (!strata_table_row_get_loaded (first))
    return;

  self->sized = TRUE;
  n_rows = MIN (g_list_model_get_n_items (G_LIST_MODEL (self->model)), 50);
  n_columns = g_list_model_get_n_items (columns);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  for (guint c = 0; c < n_columns; c++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c);
      int width = 0, text_width;

      pango_layout_set_text (layout, gtk_column_view_column_get_title (column), -1);
      pango_layout_get_pixel_size (layout, &width, NULL);
      for (guint r = 0; r < n_rows; r++)
        {
          g_autoptr(StrataTableRow) row = g_list_model_get_item (G_LIST_MODEL (self->model), r);
          const char *value = strata_table_row_get_value (row, c);

          pango_layout_set_text (layout, value ? value : "NULL", -1);
          pango_layout_get_pixel_size (layout, &text_width, NULL);
          width = MAX (width, text_width);
        }
      gtk_column_view_column_set_fixed_width (column, CLAMP (width + 24, 48, 320));
    }
  g_object_unref (layout);
}

static void
columns_changed_cb (StrataDataView *self)
{
  const char * const *names = strata_table_model_get_columns (self->model);
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autofree char *previous = g_strdup (selected_column (self));
  guint selected = 0;

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
        selected = i;
    }
  self->updating_entry = TRUE;
  gtk_drop_down_set_model (self->column_choice, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->column_choice, selected);
  self->updating_entry = FALSE;
}

static void
state_changed_cb (StrataDataView *self)
{
  const char *error = self->model ? strata_table_model_get_error_message (self->model) : NULL;

  if (self->model == NULL)
    {
      adw_status_page_set_title (self->message_page, _("No Table Selected"));
      adw_status_page_set_description (self->message_page, NULL);
      gtk_stack_set_visible_child_name (self->stack, "message");
    }
  else if (error != NULL)
    {
      adw_status_page_set_title (self->message_page, _("No Rows to Show"));
      adw_status_page_set_description (self->message_page, error);
      gtk_stack_set_visible_child_name (self->stack, "message");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "rows");
  update_count (self);
}

/* Filters */

static void
filter_changed_cb (StrataDataView *self)
{
  const char *column = selected_column (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  g_autofree char *value = NULL;
  StrataFilterOperator op;

  if (self->updating_entry || self->model == NULL || column == NULL)
    return;

  if (strata_table_model_parse_filter (text, &op, &value))
    {
      g_hash_table_replace (self->filters, g_strdup (column), g_strdup (text));
      strata_table_model_set_filter (self->model, column, op, value);
    }
  else if (g_hash_table_remove (self->filters, column))
    strata_table_model_set_filter (self->model, column, STRATA_FILTER_LIKE, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), g_hash_table_size (self->filters) > 0);
  update_count (self);
}

static void
column_selected_cb (StrataDataView *self)
{
  const char *column = selected_column (self);
  const char *text = column ? g_hash_table_lookup (self->filters, column) : NULL;

  /* The entry shows the filter of the column it is set to. */
  self->updating_entry = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text ? text : "");
  self->updating_entry = FALSE;
}

static void
clear_clicked_cb (StrataDataView *self)
{
  g_hash_table_remove_all (self->filters);
  self->updating_entry = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  self->updating_entry = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), FALSE);
  if (self->model != NULL)
    strata_table_model_clear_filters (self->model);
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
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, StrataDataView, count_label);
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
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), FALSE);
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
      g_signal_connect_object (self->model, "notify::n-items", G_CALLBACK (update_count),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (size_columns),
                               self, G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
    }
  self->updating_entry = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  self->updating_entry = FALSE;
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
