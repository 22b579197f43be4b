/* strata-inspector.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "strata-format.h"
#include "strata-inspector.h"
#include "strata-reflow.h"

struct _StrataInspector
{
  GtkWidget         parent_instance;

  GFile            *file;
  GFileMonitor     *monitors[2];  /* the database and its write-ahead log */
  guint             refresh_id;
  StrataSchema     *schema;
  GCancellable     *cancellable;
  char             *selected;
  GListStore       *columns;
  GPtrArray        *pending;             /* objects not listed yet, in order */
  guint             next_pending;
  guint             first_internal;      /* the index of the first internal one */
  char             *select_when_listed;  /* "" for the first row */
  guint             fill_tick;

  GtkStack         *stack;
  AdwStatusPage    *empty_page;
  AdwFlap          *flap;
  GtkListBox       *objects_list;
  GtkLabel         *name_label;
  GtkLabel         *kind_label;
  GtkStackSwitcher *switcher;
  GtkStack         *detail_stack;
  GtkColumnView    *columns_view;
  GtkWidget        *columns_reflow;
  GtkListBox       *columns_list;
  GtkWidget        *columns_title;
  GtkWidget        *indexes_title;
  GtkListBox       *indexes_list;
  GtkWidget        *keys_title;
  GtkListBox       *keys_list;
  GtkWidget        *triggers_title;
  GtkListBox       *triggers_list;
  StrataDataView   *data_view;
  GtkSourceView    *sql_view;
};

G_DEFINE_FINAL_TYPE (StrataInspector, strata_inspector, GTK_TYPE_WIDGET)

#define ROWS_PER_FRAME 50

enum {
  PROP_0,
  PROP_SCHEMA,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
kind_title (StrataSchemaKind kind)
{
  switch (kind)
    {
    case STRATA_SCHEMA_KIND_TABLE:   return _("Tables");
    case STRATA_SCHEMA_KIND_VIEW:    return _("Views");
    case STRATA_SCHEMA_KIND_INDEX:   return _("Indexes");
    case STRATA_SCHEMA_KIND_TRIGGER: return _("Triggers");
    default:                         g_return_val_if_reached ("");
    }
}

static const char *
kind_icon (StrataSchemaKind kind)
{
  switch (kind)
    {
    case STRATA_SCHEMA_KIND_TABLE:   return "strata-table-symbolic";
    case STRATA_SCHEMA_KIND_VIEW:    return "view-reveal-symbolic";
    case STRATA_SCHEMA_KIND_INDEX:   return "view-list-ordered-symbolic";
    case STRATA_SCHEMA_KIND_TRIGGER: return "emblem-system-symbolic";
    default:                         g_return_val_if_reached ("");
    }
}

/* From the last row up: removing a row gives the row after it a new header,
 * and emptying a list of a thousand tables from the top made a thousand
 * headers, each asking the X server for the pointer (its tooltip). */
static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;
  int n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  while (n > 0 && (row = gtk_list_box_get_row_at_index (list, --n)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* Columns */

static char *
describe_column (StrataSchemaColumn *column,
                 const char         *field)
{
  if (g_str_equal (field, "name"))
    return g_strdup (strata_schema_column_get_name (column));
  if (g_str_equal (field, "type"))
    {
      const char *type = strata_schema_column_get_type_name (column);

      /* Generated and hidden columns say so beside their type. */
      switch (strata_schema_column_get_hidden (column))
        {
        case STRATA_SCHEMA_HIDDEN_VIRTUAL_TABLE:
          return g_strdup_printf (_("%s (hidden)"), type);
        case STRATA_SCHEMA_HIDDEN_GENERATED_VIRTUAL:
          return g_strdup_printf (_("%s (generated, virtual)"), type);
        case STRATA_SCHEMA_HIDDEN_GENERATED_STORED:
          return g_strdup_printf (_("%s (generated, stored)"), type);
        default:
          return g_strdup (type);
        }
    }
  if (g_str_equal (field, "not-null"))
    return g_strdup (strata_schema_column_get_not_null (column) ? _("Not null") : "");
  /* The table's Nullable column answers its header, rather than say "Not
   * null" under "Nullable". */
  if (g_str_equal (field, "nullable"))
    /* Translators: whether a column may hold NULL, under the header "Nullable" */
    return g_strdup (strata_schema_column_get_not_null (column) ? _("No") : _("Yes"));
  if (g_str_equal (field, "default"))
    return g_strdup (strata_schema_column_get_default (column));
  if (g_str_equal (field, "key"))
    {
      int position = strata_schema_column_get_primary_key (column);

      /* Translators: the second, third… column of a composite primary key */
      return position > 1 ? g_strdup_printf (_("Primary key, column %d"), position)
                          : g_strdup (position == 1 ? _("Primary key") : "");
    }
  return NULL;
}

static void
setup_column_cell_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_column_cell_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item)
{
  const char *field = g_object_get_data (G_OBJECT (factory), "field");
  g_autofree char *text = describe_column (gtk_list_item_get_item (item), field);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : "");
  if (g_str_equal (field, "name"))
    gtk_widget_add_css_class (gtk_list_item_get_child (item), "monospace");
}

/* A column as one row of the narrow list: its name, and under it what the
 * table's cells would say, those that say anything. */
static GtkWidget *
create_column_row (gpointer item,
                   gpointer user_data)
{
  const char *fields[] = { "type", "not-null", "default", "key" };
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *text = describe_column (item, fields[i]);

      if (text == NULL || text[0] == '\0')
        continue;
      if (g_str_equal (fields[i], "default"))
        /* Translators: a column's default value, in the list of a table's columns */
        g_ptr_array_add (parts, g_strdup_printf (_("Default %s"), text));
      else
        g_ptr_array_add (parts, g_steal_pointer (&text));
    }
  g_ptr_array_add (parts, NULL);
  subtitle = g_strjoinv (" · ", (char **)parts->pdata);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 strata_schema_column_get_name (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
add_column (StrataInspector *self,
            const char      *title,
            const char      *field,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_object_set_data (G_OBJECT (factory), "field", (gpointer)field);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_column_cell_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_column_cell_cb), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->columns_view, column);
}

/* Detail lists */

static GtkWidget *
make_row (const char *title,
          const char *subtitle,
          const char *target)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (target != NULL)
    {
      /* Following a foreign key or trigger selects what it names. */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "target", g_strdup (target), g_free);
    }
  return row;
}

static char *
join (const char * const *items)
{
  return g_strjoinv (", ", (GStrv)items);
}

static void
fill_indexes (StrataInspector    *self,
              StrataSchemaObject *object)
{
  GPtrArray *indexes = strata_schema_object_get_indexes (object);

  clear_list (self->indexes_list);
  for (guint i = 0; i < indexes->len; i++)
    {
      StrataSchemaIndex *index = g_ptr_array_index (indexes, i);
      g_autofree char *columns = join ((const char * const *)index->columns);
      g_autofree char *subtitle = NULL;

      /* Translators: an index's columns, then whether it is unique */
      subtitle = g_strdup_printf ("%s%s%s", columns, index->unique ? _(" · unique") : "",
                                  index->partial ? _(" · partial") : "");
      gtk_list_box_append (self->indexes_list,
                           make_row (index->name, subtitle, index->sql ? index->name : NULL));
    }
  gtk_widget_set_visible (self->indexes_title, indexes->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->indexes_list), indexes->len > 0);
}

static void
fill_keys (StrataInspector    *self,
           StrataSchemaObject *object)
{
  GPtrArray *keys = strata_schema_object_get_foreign_keys (object);

  clear_list (self->keys_list);
  for (guint i = 0; i < keys->len; i++)
    {
      StrataSchemaForeignKey *key = g_ptr_array_index (keys, i);
      g_autofree char *from = join ((const char * const *)key->from);
      g_autofree char *to = join ((const char * const *)key->to);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      title = g_strdup_printf ("%s → %s (%s)", from, key->table, to[0] ? to : _("primary key"));
      /* Translators: what a foreign key does when its parent row changes */
      subtitle = g_strdup_printf (_("On update %s · on delete %s"), key->on_update, key->on_delete);
      gtk_list_box_append (self->keys_list, make_row (title, subtitle, key->table));
    }
  gtk_widget_set_visible (self->keys_title, keys->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->keys_list), keys->len > 0);
}

static void
fill_triggers (StrataInspector    *self,
               StrataSchemaObject *object)
{
  const char * const *triggers = strata_schema_object_get_triggers (object);
  guint n = 0;

  clear_list (self->triggers_list);
  for (; triggers[n] != NULL; n++)
    gtk_list_box_append (self->triggers_list, make_row (triggers[n], NULL, triggers[n]));
  gtk_widget_set_visible (self->triggers_title, n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->triggers_list), n > 0);
}

static void
detail_row_activated_cb (StrataInspector *self,
                         GtkListBoxRow   *row)
{
  const char *target = g_object_get_data (G_OBJECT (row), "target");

  if (target != NULL && !strata_inspector_select (self, target))
    g_signal_emit (self, signals[TOAST], 0, _("That object is not in the database"));
}

/* The selected object */

typedef struct
{
  StrataInspector *self;
  char            *table;
} Count;

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Count *count = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 n;

  n = strata_schema_count_rows_finish (result, &error);
  if (n >= 0 && g_strcmp0 (count->table, count->self->selected) == 0)
    {
      g_autofree char *number = strata_format_count (n);

      /* Translators: the kind and row count of a table, e.g. "Table · 1,024 rows" */
      text = g_strdup_printf (ngettext ("Table · %s row", "Table · %s rows", (gulong)n), number);
      gtk_label_set_text (count->self->kind_label, text);
    }
  g_object_unref (count->self);
  g_free (count->table);
  g_free (count);
}

static void
count_rows (StrataInspector *self)
{
  StrataSchemaObject *object = strata_schema_lookup (self->schema, self->selected);
  Count *count;

  if (object == NULL || strata_schema_object_get_kind (object) != STRATA_SCHEMA_KIND_TABLE)
    return;
  count = g_new0 (Count, 1);
  count->self = g_object_ref (self);
  count->table = g_strdup (self->selected);
  strata_schema_count_rows_async (self->file, self->selected, self->cancellable, count_cb, count);
}

static void
set_sql (StrataInspector *self,
         const char      *sql)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->sql_view)),
                            sql ? sql : _("-- Created by SQLite for a constraint: no SQL of its own"),
                            -1);
}

static void
page_set_visible (StrataInspector *self,
                  const char      *name,
                  gboolean         visible)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->detail_stack, name);

  gtk_stack_page_set_visible (gtk_stack_get_page (self->detail_stack, child), visible);
}

static void
show_object (StrataInspector    *self,
             StrataSchemaObject *object)
{
  StrataSchemaKind kind = strata_schema_object_get_kind (object);
  gboolean has_columns = kind == STRATA_SCHEMA_KIND_TABLE || kind == STRATA_SCHEMA_KIND_VIEW;
  GListModel *columns = strata_schema_object_get_columns (object);
  const char *kinds[] = { N_("Table"), N_("View"), N_("Index"), N_("Trigger") };
  g_autofree char *kind_text = NULL;

  g_free (self->selected);
  self->selected = g_strdup (strata_schema_object_get_name (object));
  gtk_label_set_text (self->name_label, self->selected);
  if (kind == STRATA_SCHEMA_KIND_INDEX || kind == STRATA_SCHEMA_KIND_TRIGGER)
    kind_text = g_strdup_printf (_("%s on %s"), _(kinds[kind]), strata_schema_object_get_table_name (object));
  else
    kind_text = g_strdup (_(kinds[kind]));
  gtk_label_set_text (self->kind_label, kind_text);

  g_list_store_remove_all (self->columns);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GObject) column = g_list_model_get_item (columns, i);
      g_list_store_append (self->columns, column);
    }
  fill_indexes (self, object);
  fill_keys (self, object);
  fill_triggers (self, object);
  set_sql (self, strata_schema_object_get_sql (object));

  gtk_widget_set_visible (self->columns_title, has_columns);
  gtk_widget_set_visible (self->columns_reflow, has_columns);
  page_set_visible (self, "structure", has_columns);
  page_set_visible (self, "data", kind == STRATA_SCHEMA_KIND_TABLE);
  if (!has_columns)
    gtk_stack_set_visible_child_name (self->detail_stack, "sql");

  strata_data_view_set_table (self->data_view, kind == STRATA_SCHEMA_KIND_TABLE ? self->file : NULL,
                              kind == STRATA_SCHEMA_KIND_TABLE ? self->selected : NULL);
  if (kind == STRATA_SCHEMA_KIND_TABLE)
    count_rows (self);
}

/* A row chosen by the user, when the list lies over the details: hide it
 * so that they show. */
static void
row_activated_cb (StrataInspector *self,
                  GtkListBoxRow   *row)
{
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
row_selected_cb (StrataInspector *self,
                 GtkListBoxRow   *row)
{
  StrataSchemaObject *object;

  if (row == NULL || self->schema == NULL)
    return;
  object = strata_schema_lookup (self->schema, g_object_get_data (G_OBJECT (row), "name"));
  if (object != NULL)
    show_object (self, object);
}

/* Internal objects: the version table and strata_history are Strata's (and
 * Alembic's) bookkeeping, sqlite_* tables SQLite's. A version table under
 * another name is known by its shape: one column, version_num. */
static gboolean
has_internal_name (const char *name)
{
  return g_str_equal (name, "alembic_version") || g_str_equal (name, "strata_history") ||
         g_str_has_prefix (name, "sqlite_");
}

static gboolean
is_internal_table (StrataSchemaObject *table)
{
  GListModel *columns;

  if (strata_schema_object_get_kind (table) != STRATA_SCHEMA_KIND_TABLE)
    return FALSE;
  if (has_internal_name (strata_schema_object_get_name (table)))
    return TRUE;
  columns = strata_schema_object_get_columns (table);
  if (g_list_model_get_n_items (columns) == 1)
    {
      g_autoptr(StrataSchemaColumn) column = g_list_model_get_item (columns, 0);
      return g_str_equal (strata_schema_column_get_name (column), "version_num");
    }
  return FALSE;
}

/* The internal tables' names, folded as SQLite compares them, found in one
 * pass: looking each object's table up by name was quadratic, a third of a
 * second on the main thread for a thousand tables. */
static GHashTable *
find_internal_tables (StrataSchema *schema)
{
  GListModel *objects = strata_schema_get_objects (schema);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(StrataSchemaObject) object = g_list_model_get_item (objects, i);

      if (is_internal_table (object))
        g_hash_table_add (names, g_ascii_strdown (strata_schema_object_get_name (object), -1));
    }
  return names;
}

static gboolean
is_internal_name (GHashTable *internal,
                  const char *name)
{
  g_autofree char *folded = NULL;

  if (name == NULL)
    return FALSE;
  if (has_internal_name (name))
    return TRUE;
  folded = g_ascii_strdown (name, -1);
  return g_hash_table_contains (internal, folded);
}

static gboolean
is_internal (GHashTable         *internal,
             StrataSchemaObject *object)
{
  return is_internal_name (internal, strata_schema_object_get_name (object)) ||
         is_internal_name (internal, strata_schema_object_get_table_name (object));
}

static gboolean
row_is_internal (GtkListBoxRow *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "internal"));
}

/* Tooltips here are asked for, not set: gtk_widget_set_tooltip_text() on a
 * shown widget asks the X server where the pointer is, and a schema of a
 * thousand tables made that a thousand round trips in one go. */
static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, g_object_get_data (G_OBJECT (widget), "tooltip"));
  return TRUE;
}

static void
give_tooltip (GtkWidget  *widget,
              const char *text)
{
  g_object_set_data_full (G_OBJECT (widget), "tooltip", g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

static GtkWidget *
make_header (const char *title,
             const char *tooltip)
{
  GtkWidget *header = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "sidebar-heading");
  if (tooltip != NULL)
    give_tooltip (header, tooltip);
  return header;
}

/* The user's objects come first, under a heading per kind; the internal ones
 * after them, under one heading of their own. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "kind"));
  gboolean internal = row_is_internal (row);

  if (before != NULL && row_is_internal (before) == internal &&
      (internal || GPOINTER_TO_INT (g_object_get_data (G_OBJECT (before), "kind")) == kind))
    gtk_list_box_row_set_header (row, NULL);
  else if (internal)
    gtk_list_box_row_set_header (row, make_header (_("Internal"),
                                                   _("Kept by Strata, Alembic and SQLite: "
                                                     "the revisions applied and their history")));
  else
    gtk_list_box_row_set_header (row, make_header (kind_title (kind), NULL));
}

static GtkWidget *
make_object_row (StrataSchemaObject *object,
                 gboolean            internal)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (strata_schema_object_get_name (object));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* A long name is cut here (its tooltip has it whole), not widen the list. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (kind_icon (strata_schema_object_get_kind (object))));
  gtk_box_append (GTK_BOX (box), label);
  if (internal)
    gtk_widget_add_css_class (box, "dim-label");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  give_tooltip (row, strata_schema_object_get_name (object));
  g_object_set_data_full (G_OBJECT (row), "name", g_strdup (strata_schema_object_get_name (object)), g_free);
  g_object_set_data (G_OBJECT (row), "kind", GINT_TO_POINTER (strata_schema_object_get_kind (object)));
  g_object_set_data (G_OBJECT (row), "internal", GINT_TO_POINTER (internal));
  return row;
}

/* The objects in the order of the list: the user's, then the internal ones
 * from @first_internal on. */
static GPtrArray *
list_objects (StrataSchema *schema,
              guint        *first_internal)
{
  GListModel *objects = strata_schema_get_objects (schema);
  guint n = g_list_model_get_n_items (objects);
  g_autoptr(GHashTable) internal_tables = find_internal_tables (schema);
  g_autoptr(GPtrArray) internal = g_ptr_array_new ();
  GPtrArray *all = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      StrataSchemaObject *object = g_list_model_get_item (objects, i);

      g_ptr_array_add (is_internal (internal_tables, object) ? internal : all, object);
    }
  *first_internal = all->len;
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&internal));
  return all;
}

static void
stop_filling (StrataInspector *self)
{
  if (self->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->objects_list), self->fill_tick);
  self->fill_tick = 0;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->select_when_listed, g_free);
}

/* Appends up to @n more rows, and selects the one that was selected before
 * when it comes (the first row if it never does). Whether all are listed. */
static gboolean
append_rows (StrataInspector *self,
             guint            n)
{
  guint end = self->pending->len - self->next_pending > n ? self->next_pending + n
                                                          : self->pending->len;

  for (; self->next_pending < end; self->next_pending++)
    {
      StrataSchemaObject *object = g_ptr_array_index (self->pending, self->next_pending);
      GtkWidget *row = make_object_row (object, self->next_pending >= self->first_internal);
      const char *name = strata_schema_object_get_name (object);

      gtk_list_box_append (self->objects_list, row);
      if (self->select_when_listed != NULL &&
          g_ascii_strcasecmp (name, self->select_when_listed) == 0)
        {
          g_clear_pointer (&self->select_when_listed, g_free);
          gtk_list_box_select_row (self->objects_list, GTK_LIST_BOX_ROW (row));
        }
    }
  if (self->next_pending < self->pending->len)
    return FALSE;
  /* The user's first table, not Strata's version table, is where to start. */
  if (self->select_when_listed != NULL)
    gtk_list_box_select_row (self->objects_list,
                             gtk_list_box_get_row_at_index (self->objects_list, 0));
  return TRUE;
}

static gboolean
fill_tick_cb (GtkWidget     *list,
              GdkFrameClock *clock,
              gpointer       data)
{
  StrataInspector *self = data;

  if (!append_rows (self, ROWS_PER_FRAME))
    return G_SOURCE_CONTINUE;
  self->fill_tick = 0;
  stop_filling (self);
  return G_SOURCE_REMOVE;
}

/* The rows come a batch per frame: GtkListBox measures every new row in
 * the frame after it lands, and a schema of a thousand tables, listed at
 * once, held the main loop for a quarter of a second. */
static void
fill_objects (StrataInspector *self)
{
  g_autofree char *previous = g_strdup (self->selected);
  guint n = g_list_model_get_n_items (strata_schema_get_objects (self->schema));

  stop_filling (self);
  clear_list (self->objects_list);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "schema" : "empty");
  if (n == 0)
    return;
  self->pending = list_objects (self->schema, &self->first_internal);
  self->next_pending = 0;
  self->select_when_listed = previous != NULL ? g_steal_pointer (&previous) : g_strdup ("");
  if (append_rows (self, ROWS_PER_FRAME))
    {
      stop_filling (self);
      return;
    }
  if (self->select_when_listed != NULL && self->select_when_listed[0] == '\0')
    {
      g_clear_pointer (&self->select_when_listed, g_free);
      gtk_list_box_select_row (self->objects_list,
                               gtk_list_box_get_row_at_index (self->objects_list, 0));
    }
  self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->objects_list), fill_tick_cb,
                                                  self, NULL);
}

/* Whether @a and @b hold the same objects with the same SQL: a refresh after
 * a change to the rows only then keeps the list, the selection and the
 * data view's filters. */
static gboolean
same_objects (StrataSchema *a,
              StrataSchema *b)
{
  GListModel *objects_a = strata_schema_get_objects (a);
  GListModel *objects_b = strata_schema_get_objects (b);
  guint n = g_list_model_get_n_items (objects_a);

  if (n != g_list_model_get_n_items (objects_b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataSchemaObject) x = g_list_model_get_item (objects_a, i);
      g_autoptr(StrataSchemaObject) y = g_list_model_get_item (objects_b, i);

      if (g_strcmp0 (strata_schema_object_get_name (x), strata_schema_object_get_name (y)) != 0 ||
          g_strcmp0 (strata_schema_object_get_sql (x), strata_schema_object_get_sql (y)) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StrataInspector) self = user_data;
  g_autoptr(StrataSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  schema = strata_schema_load_finish (result, &error);
  if (schema == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_title (self->empty_page, _("The Database Cannot Be Read"));
          adw_status_page_set_description (self->empty_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "empty");
          g_signal_emit (self, signals[TOAST], 0, error->message);
        }
      return;
    }
  adw_status_page_set_title (self->empty_page, _("No Database Yet"));
  adw_status_page_set_description (self->empty_page, _("Upgrade to create the database and its tables."));
  if (self->schema != NULL && self->selected != NULL && same_objects (self->schema, schema))
    {
      /* Only rows changed: read them again, keeping the filters. */
      g_set_object (&self->schema, schema);
      strata_data_view_reload (self->data_view);
      count_rows (self);
    }
  else
    {
      g_set_object (&self->schema, schema);
      /* Selecting the table again gives the data view a fresh model. */
      fill_objects (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEMA]);
}

void
strata_inspector_reload (StrataInspector *self)
{
  g_return_if_fail (STRATA_IS_INSPECTOR (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->file == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  strata_schema_load_async (self->file, STRATA_SCHEMA_FLAGS_NONE, self->cancellable, load_cb,
                            g_object_ref (self));
}

/* Watching the database */

static gboolean
refresh_cb (gpointer data)
{
  StrataInspector *self = data;

  self->refresh_id = 0;
  strata_inspector_reload (self);
  return G_SOURCE_REMOVE;
}

/* Another program (sqlite3, the CLI, the project's own code) changed the
 * database: show what it holds now. A write comes as a burst of events, so
 * the reload waits for the burst to end. */
static void
database_changed_cb (StrataInspector   *self,
                     GFile             *file,
                     GFile             *other,
                     GFileMonitorEvent  event)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_id = g_timeout_add (300, refresh_cb, self);
}

static void
stop_watching (StrataInspector *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    if (self->monitors[i] != NULL)
      {
        g_file_monitor_cancel (self->monitors[i]);
        g_signal_handlers_disconnect_by_data (self->monitors[i], self);
        g_clear_object (&self->monitors[i]);
      }
}

static void
watch (StrataInspector *self)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
  g_autoptr(GFile) wal = g_file_new_for_path (wal_path);
  GFile *files[] = { self->file, wal };

  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    {
      /* Without a monitor the list still follows the app's own runs. */
      self->monitors[i] = g_file_monitor_file (files[i], G_FILE_MONITOR_NONE, NULL, NULL);
      if (self->monitors[i] != NULL)
        g_signal_connect_object (self->monitors[i], "changed", G_CALLBACK (database_changed_cb),
                                 self, G_CONNECT_SWAPPED);
    }
}

/* GObject */

static void
update_scheme (StrataInspector *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->sql_view));

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (buffer),
                                      gtk_source_style_scheme_manager_get_scheme (schemes,
                                                                                  dark ? "Adwaita-dark" : "Adwaita"));
}

static void
strata_inspector_dispose (GObject *object)
{
  StrataInspector *self = (StrataInspector *)object;

  g_cancellable_cancel (self->cancellable);
  stop_watching (self);
  stop_filling (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_INSPECTOR);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->schema);
  g_clear_object (&self->file);
  g_clear_object (&self->columns);
  g_clear_pointer (&self->selected, g_free);

  G_OBJECT_CLASS (strata_inspector_parent_class)->dispose (object);
}

static void
strata_inspector_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataInspector *self = STRATA_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_SCHEMA:
      g_value_set_object (value, self->schema);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_inspector_class_init (StrataInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_inspector_dispose;
  object_class->get_property = strata_inspector_get_property;

  properties[PROP_SCHEMA] =
    g_param_spec_object ("schema", NULL, NULL, STRATA_TYPE_SCHEMA,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A passing message for the window's toast overlay. */
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/strata-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, flap);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, objects_list);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, name_label);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, kind_label);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, switcher);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, columns_view);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, columns_reflow);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, columns_list);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, columns_title);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, indexes_title);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, indexes_list);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, keys_title);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, keys_list);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, triggers_title);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, triggers_list);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, data_view);
  gtk_widget_class_bind_template_child (widget_class, StrataInspector, sql_view);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (STRATA_TYPE_DATA_VIEW);
  g_type_ensure (STRATA_TYPE_REFLOW);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
}

static void
strata_inspector_init (StrataInspector *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->columns = g_list_store_new (STRATA_TYPE_SCHEMA_COLUMN);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->columns)));
  gtk_column_view_set_model (self->columns_view, GTK_SELECTION_MODEL (selection));
  add_column (self, _("Name"), "name", TRUE);
  add_column (self, _("Type"), "type", TRUE);
  add_column (self, _("Nullable"), "nullable", FALSE);
  add_column (self, _("Default"), "default", TRUE);
  add_column (self, _("Key"), "key", FALSE);
  gtk_list_box_bind_model (self->columns_list, G_LIST_MODEL (self->columns), create_column_row,
                           NULL, NULL);

  gtk_list_box_set_header_func (self->objects_list, header_func, NULL, NULL);
  g_signal_connect_object (self->indexes_list, "row-activated", G_CALLBACK (detail_row_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keys_list, "row-activated", G_CALLBACK (detail_row_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->triggers_list, "row-activated", G_CALLBACK (detail_row_activated_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->sql_view))),
                                  gtk_source_language_manager_get_language (languages, "sql"));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_scheme), self, G_CONNECT_SWAPPED);
  update_scheme (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
strata_inspector_new (void)
{
  return g_object_new (STRATA_TYPE_INSPECTOR, NULL);
}

void
strata_inspector_set_database (StrataInspector *self,
                               GFile           *file)
{
  g_return_if_fail (STRATA_IS_INSPECTOR (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  stop_watching (self);
  g_set_object (&self->file, file);
  if (file != NULL && g_file_is_native (file))
    watch (self);
  g_clear_object (&self->schema);
  g_clear_pointer (&self->selected, g_free);
  stop_filling (self);
  clear_list (self->objects_list);
  strata_data_view_set_table (self->data_view, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  strata_inspector_reload (self);
}

StrataSchema *
strata_inspector_get_schema (StrataInspector *self)
{
  g_return_val_if_fail (STRATA_IS_INSPECTOR (self), NULL);
  return self->schema;
}

gboolean
strata_inspector_select (StrataInspector *self,
                         const char      *name)
{
  g_return_val_if_fail (STRATA_IS_INSPECTOR (self), FALSE);

  /* Asked for a table by name: list the rest at once. */
  if (self->pending != NULL)
    {
      g_clear_pointer (&self->select_when_listed, g_free);
      append_rows (self, G_MAXUINT);
      stop_filling (self);
    }
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->objects_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      const char *row_name = g_object_get_data (G_OBJECT (row), "name");

      if (row_name != NULL && g_ascii_strcasecmp (row_name, name) == 0)
        {
          gtk_list_box_select_row (self->objects_list, GTK_LIST_BOX_ROW (row));
          return TRUE;
        }
    }
  return FALSE;
}

const char *
strata_inspector_get_selected (StrataInspector *self)
{
  g_return_val_if_fail (STRATA_IS_INSPECTOR (self), NULL);
  return self->selected;
}

StrataDataView *
strata_inspector_get_data_view (StrataInspector *self)
{
  g_return_val_if_fail (STRATA_IS_INSPECTOR (self), NULL);
  return self->data_view;
}

GListModel *
strata_inspector_get_columns (StrataInspector *self)
{
  g_return_val_if_fail (STRATA_IS_INSPECTOR (self), NULL);
  return G_LIST_MODEL (self->columns);
}

void
strata_inspector_show_page (StrataInspector *self,
                            const char      *page)
{
  g_return_if_fail (STRATA_IS_INSPECTOR (self));

  gtk_stack_set_visible_child_name (self->detail_stack, page);
}
