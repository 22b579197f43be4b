/* strata-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "strata-database.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-schema.h"
#include "strata-sql.h"

struct _StrataSchemaColumn
{
  GObject             parent_instance;
  int                 position;
  char               *name;
  char               *type_name;
  char               *default_value;
  int                 primary_key;
  StrataSchemaHidden  hidden;
  guint               not_null : 1;
};

struct _StrataSchemaObject
{
  GObject           parent_instance;
  StrataSchemaKind  kind;
  char             *name;
  char             *table_name;
  char             *sql;
  gint64            row_count;
  GListStore       *columns;
  GPtrArray        *indexes;
  GPtrArray        *foreign_keys;
  GPtrArray        *triggers;
  guint             without_rowid : 1;
};

struct _StrataSchema
{
  GObject     parent_instance;
  GListStore *objects;
};

G_DEFINE_FINAL_TYPE (StrataSchemaColumn, strata_schema_column, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (StrataSchemaObject, strata_schema_object, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (StrataSchema, strata_schema, G_TYPE_OBJECT)

enum {
  COLUMN_PROP_0,
  COLUMN_PROP_NAME,
  COLUMN_PROP_TYPE_NAME,
  COLUMN_PROP_NOT_NULL,
  COLUMN_PROP_DEFAULT,
  COLUMN_PROP_PRIMARY_KEY,
  COLUMN_PROP_HIDDEN,
  COLUMN_N_PROPS
};

enum {
  OBJECT_PROP_0,
  OBJECT_PROP_NAME,
  OBJECT_PROP_KIND,
  OBJECT_N_PROPS
};

static GParamSpec *column_properties[COLUMN_N_PROPS];
static GParamSpec *object_properties[OBJECT_N_PROPS];

void
strata_schema_index_free (StrataSchemaIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->name);
  g_free (index->origin);
  g_strfreev (index->columns);
  g_free (index->sql);
  g_free (index);
}

void
strata_schema_foreign_key_free (StrataSchemaForeignKey *foreign_key)
{
  if (foreign_key == NULL)
    return;
  g_free (foreign_key->table);
  g_strfreev (foreign_key->from);
  g_strfreev (foreign_key->to);
  g_free (foreign_key->on_update);
  g_free (foreign_key->on_delete);
  g_free (foreign_key);
}

/* StrataSchemaColumn */

static void
strata_schema_column_finalize (GObject *object)
{
  StrataSchemaColumn *self = (StrataSchemaColumn *)object;

  g_free (self->name);
  g_free (self->type_name);
  g_free (self->default_value);

  G_OBJECT_CLASS (strata_schema_column_parent_class)->finalize (object);
}

static void
strata_schema_column_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataSchemaColumn *self = STRATA_SCHEMA_COLUMN (object);

  switch (prop_id)
    {
    case COLUMN_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case COLUMN_PROP_TYPE_NAME:
      g_value_set_string (value, self->type_name);
      break;
    case COLUMN_PROP_NOT_NULL:
      g_value_set_boolean (value, self->not_null);
      break;
    case COLUMN_PROP_DEFAULT:
      g_value_set_string (value, self->default_value);
      break;
    case COLUMN_PROP_PRIMARY_KEY:
      g_value_set_int (value, self->primary_key);
      break;
    case COLUMN_PROP_HIDDEN:
      g_value_set_int (value, self->hidden);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_schema_column_class_init (StrataSchemaColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = strata_schema_column_finalize;
  object_class->get_property = strata_schema_column_get_property;

  column_properties[COLUMN_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  column_properties[COLUMN_PROP_TYPE_NAME] =
    g_param_spec_string ("type-name", NULL, NULL, NULL, flags);
  column_properties[COLUMN_PROP_NOT_NULL] =
    g_param_spec_boolean ("not-null", NULL, NULL, FALSE, flags);
  column_properties[COLUMN_PROP_DEFAULT] =
    g_param_spec_string ("default", NULL, NULL, NULL, flags);
  column_properties[COLUMN_PROP_PRIMARY_KEY] =
    g_param_spec_int ("primary-key", NULL, NULL, 0, G_MAXINT, 0, flags);
  column_properties[COLUMN_PROP_HIDDEN] =
    g_param_spec_int ("hidden", NULL, NULL, 0, 3, 0, flags);

  g_object_class_install_properties (object_class, COLUMN_N_PROPS, column_properties);
}

static void
strata_schema_column_init (StrataSchemaColumn *self)
{
}

int
strata_schema_column_get_position (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), -1);
  return self->position;
}

const char *
strata_schema_column_get_name (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), NULL);
  return self->name;
}

const char *
strata_schema_column_get_type_name (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), NULL);
  return self->type_name;
}

gboolean
strata_schema_column_get_not_null (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), FALSE);
  return self->not_null;
}

const char *
strata_schema_column_get_default (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), NULL);
  return self->default_value;
}

int
strata_schema_column_get_primary_key (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), 0);
  return self->primary_key;
}

StrataSchemaHidden
strata_schema_column_get_hidden (StrataSchemaColumn *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_COLUMN (self), STRATA_SCHEMA_HIDDEN_NONE);
  return self->hidden;
}

/* StrataSchemaObject */

static void
strata_schema_object_finalize (GObject *object)
{
  StrataSchemaObject *self = (StrataSchemaObject *)object;

  g_free (self->name);
  g_free (self->table_name);
  g_free (self->sql);
  g_clear_object (&self->columns);
  g_clear_pointer (&self->indexes, g_ptr_array_unref);
  g_clear_pointer (&self->foreign_keys, g_ptr_array_unref);
  g_clear_pointer (&self->triggers, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_schema_object_parent_class)->finalize (object);
}

static void
strata_schema_object_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataSchemaObject *self = STRATA_SCHEMA_OBJECT (object);

  switch (prop_id)
    {
    case OBJECT_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case OBJECT_PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_schema_object_class_init (StrataSchemaObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = strata_schema_object_finalize;
  object_class->get_property = strata_schema_object_get_property;

  object_properties[OBJECT_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  object_properties[OBJECT_PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, STRATA_SCHEMA_KIND_TRIGGER, 0, flags);

  g_object_class_install_properties (object_class, OBJECT_N_PROPS, object_properties);
}

static void
strata_schema_object_init (StrataSchemaObject *self)
{
  self->row_count = -1;
  self->columns = g_list_store_new (STRATA_TYPE_SCHEMA_COLUMN);
  self->indexes = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_schema_index_free);
  self->foreign_keys =
    g_ptr_array_new_with_free_func ((GDestroyNotify)strata_schema_foreign_key_free);
  self->triggers = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

StrataSchemaKind
strata_schema_object_get_kind (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), 0);
  return self->kind;
}

const char *
strata_schema_object_get_name (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return self->name;
}

const char *
strata_schema_object_get_table_name (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return self->table_name;
}

const char *
strata_schema_object_get_sql (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return self->sql;
}

gboolean
strata_schema_object_get_without_rowid (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), FALSE);
  return self->without_rowid;
}

gint64
strata_schema_object_get_row_count (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), -1);
  return self->row_count;
}

GListModel *
strata_schema_object_get_columns (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return G_LIST_MODEL (self->columns);
}

GPtrArray *
strata_schema_object_get_indexes (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return self->indexes;
}

GPtrArray *
strata_schema_object_get_foreign_keys (StrataSchemaObject *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);
  return self->foreign_keys;
}

const char * const *
strata_schema_object_get_triggers (StrataSchemaObject *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (STRATA_IS_SCHEMA_OBJECT (self), NULL);

  /* An empty null-terminated GPtrArray may not have allocated its terminator. */
  if (self->triggers->pdata == NULL)
    return none;
  return (const char * const *)self->triggers->pdata;
}

/* StrataSchema */

static void
strata_schema_finalize (GObject *object)
{
  StrataSchema *self = (StrataSchema *)object;

  g_clear_object (&self->objects);

  G_OBJECT_CLASS (strata_schema_parent_class)->finalize (object);
}

static void
strata_schema_class_init (StrataSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_schema_finalize;
}

static void
strata_schema_init (StrataSchema *self)
{
  self->objects = g_list_store_new (STRATA_TYPE_SCHEMA_OBJECT);
}

GListModel *
strata_schema_get_objects (StrataSchema *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA (self), NULL);
  return G_LIST_MODEL (self->objects);
}

StrataSchemaObject *
strata_schema_lookup (StrataSchema *self,
                      const char   *name)
{
  guint n;

  g_return_val_if_fail (STRATA_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->objects));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataSchemaObject) object = g_list_model_get_item (G_LIST_MODEL (self->objects), i);

      /* SQLite compares identifiers without regard to ASCII case. */
      if (g_ascii_strcasecmp (object->name, name) == 0)
        return object;
    }
  return NULL;
}

static void
add_name (GHashTable *set,
          const char *name)
{
  if (name != NULL && name[0] != '\0')
    g_hash_table_add (set, g_strdup (name));
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_utf8_collate (*(const char * const *)a, *(const char * const *)b);
}

GStrv
strata_schema_dup_names (StrataSchema *self)
{
  g_autoptr(GHashTable) set = NULL;
  g_autofree char **keys = NULL;
  GStrvBuilder *builder;
  GStrv names;
  guint n;

  g_return_val_if_fail (STRATA_IS_SCHEMA (self), NULL);

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->objects));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataSchemaObject) object = g_list_model_get_item (G_LIST_MODEL (self->objects), i);
      guint n_columns = g_list_model_get_n_items (G_LIST_MODEL (object->columns));

      if (object->kind != STRATA_SCHEMA_KIND_TABLE && object->kind != STRATA_SCHEMA_KIND_VIEW)
        continue;
      add_name (set, object->name);
      for (guint j = 0; j < n_columns; j++)
        {
          g_autoptr(StrataSchemaColumn) column =
            g_list_model_get_item (G_LIST_MODEL (object->columns), j);
          add_name (set, column->name);
        }
    }

  keys = (char **)g_hash_table_get_keys_as_array (set, NULL);
  g_qsort_with_data (keys, g_hash_table_size (set), sizeof (char *), compare_names, NULL);
  builder = g_strv_builder_new ();
  for (guint i = 0; keys[i] != NULL; i++)
    g_strv_builder_add (builder, keys[i]);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/* Reading */

typedef struct
{
  StrataDatabase *database;
  sqlite3        *db;
  GCancellable   *cancellable;
} Reader;

static int
progress_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  /* A non-zero answer interrupts the running statement. */
  return g_cancellable_is_cancelled (cancellable);
}

static gboolean
check_cancelled (Reader  *reader,
                 GError **error)
{
  return !g_cancellable_set_error_if_cancelled (reader->cancellable, error);
}

static sqlite3_stmt *
prepare (Reader      *reader,
         const char  *sql,
         const char  *bind_text,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_assert (reader != NULL);

  if (sqlite3_prepare_v2 (reader->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (reader->database, error, STRATA_ERROR_DATABASE,
                                 _("Could not read the schema"));
      return NULL;
    }
  if (bind_text != NULL)
    sqlite3_bind_text (stmt, 1, bind_text, -1, SQLITE_TRANSIENT);
  return stmt;
}

static gboolean
finish (Reader        *reader,
        sqlite3_stmt  *stmt,
        int            rc,
        GError       **error)
{
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (!check_cancelled (reader, error))
    return FALSE;
  strata_database_set_error (reader->database, error, STRATA_ERROR_DATABASE,
                             _("Could not read the schema"));
  return FALSE;
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

static gboolean
read_columns (Reader              *reader,
              StrataSchemaObject  *object,
              GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (reader,
                  "SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden "
                  "FROM pragma_table_xinfo(?1) ORDER BY cid",
                  object->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(StrataSchemaColumn) column = g_object_new (STRATA_TYPE_SCHEMA_COLUMN, NULL);

      column->position = sqlite3_column_int (stmt, 0);
      column->name = dup_column_text (stmt, 1);
      column->type_name = g_strdup (sqlite3_column_text (stmt, 2) != NULL ?
                                    (const char *)sqlite3_column_text (stmt, 2) : "");
      column->not_null = sqlite3_column_int (stmt, 3) != 0;
      column->default_value = dup_column_text (stmt, 4);
      column->primary_key = sqlite3_column_int (stmt, 5);
      column->hidden = CLAMP (sqlite3_column_int (stmt, 6), 0, 3);
      g_list_store_append (object->columns, column);
    }
  return finish (reader, stmt, rc, error);
}

static GStrv
read_index_columns (Reader      *reader,
                    const char  *index_name,
                    GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (reader,
                  "SELECT cid, name, \"desc\" FROM pragma_index_xinfo(?1) "
                  "WHERE key ORDER BY seqno",
                  index_name, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *)sqlite3_column_text (stmt, 1);
      int cid = sqlite3_column_int (stmt, 0);
      g_autofree char *text = NULL;

      if (cid == -2 || name == NULL)
        text = g_strdup (cid == -1 ? "rowid" : "<expression>");
      else
        text = g_strdup (name);
      if (sqlite3_column_int (stmt, 2))
        {
          g_autofree char *plain = g_steal_pointer (&text);
          text = g_strconcat (plain, " DESC", NULL);
        }
      g_strv_builder_add (builder, text);
    }
  if (!finish (reader, stmt, rc, error))
    return NULL;
  return g_strv_builder_end (builder);
}

static char *
lookup_sql (Reader     *reader,
            const char *name)
{
  sqlite3_stmt *stmt;
  char *sql = NULL;

  stmt = prepare (reader, "SELECT sql FROM sqlite_schema WHERE name = ?1", name, NULL);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    sql = dup_column_text (stmt, 0);
  sqlite3_finalize (stmt);
  return sql;
}

static gboolean
read_indexes (Reader              *reader,
              StrataSchemaObject  *object,
              GError             **error)
{
  g_autoptr(GPtrArray) indexes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  indexes = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_schema_index_free);
  stmt = prepare (reader,
                  "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) "
                  "ORDER BY name",
                  object->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StrataSchemaIndex *index = g_new0 (StrataSchemaIndex, 1);

      index->name = dup_column_text (stmt, 0);
      index->unique = sqlite3_column_int (stmt, 1) != 0;
      index->origin = dup_column_text (stmt, 2);
      index->partial = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (indexes, index);
    }
  if (!finish (reader, stmt, rc, error))
    return FALSE;

  /* The columns come from a second pragma per index, once the list is read. */
  for (guint i = 0; i < indexes->len; i++)
    {
      StrataSchemaIndex *index = g_ptr_array_index (indexes, i);

      index->columns = read_index_columns (reader, index->name, error);
      if (index->columns == NULL)
        return FALSE;
      index->sql = lookup_sql (reader, index->name);
      g_ptr_array_add (object->indexes, g_steal_pointer (&indexes->pdata[i]));
    }
  return TRUE;
}

static void
strv_add (GPtrArray  *strv,
          const char *text)
{
  /* Keep the NULL terminator last. */
  g_ptr_array_insert (strv, strv->len - 1, g_strdup (text != NULL ? text : ""));
}

static gboolean
read_foreign_keys (Reader              *reader,
                   StrataSchemaObject  *object,
                   GError             **error)
{
  StrataSchemaForeignKey *current = NULL;
  GPtrArray *from = NULL;
  GPtrArray *to = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (reader,
                  "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                  "FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                  object->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);

      if (current == NULL || current->id != id)
        {
          if (current != NULL)
            {
              current->from = (GStrv)g_ptr_array_free (from, FALSE);
              current->to = (GStrv)g_ptr_array_free (to, FALSE);
            }
          current = g_new0 (StrataSchemaForeignKey, 1);
          current->id = id;
          current->table = dup_column_text (stmt, 1);
          current->on_update = dup_column_text (stmt, 4);
          current->on_delete = dup_column_text (stmt, 5);
          g_ptr_array_add (object->foreign_keys, current);
          from = g_ptr_array_new ();
          to = g_ptr_array_new ();
          g_ptr_array_add (from, NULL);
          g_ptr_array_add (to, NULL);
        }
      strv_add (from, (const char *)sqlite3_column_text (stmt, 2));
      strv_add (to, (const char *)sqlite3_column_text (stmt, 3));
    }
  if (current != NULL)
    {
      current->from = (GStrv)g_ptr_array_free (from, FALSE);
      current->to = (GStrv)g_ptr_array_free (to, FALSE);
    }
  return finish (reader, stmt, rc, error);
}

static gboolean
read_table_details (Reader              *reader,
                    StrataSchemaObject  *object,
                    GError             **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (reader,
                  "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
                  object->name, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    object->without_rowid = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_finalize (stmt);

  return read_indexes (reader, object, error) &&
         read_foreign_keys (reader, object, error);
}

static gint64
count_rows (Reader      *reader,
            const char  *table,
            GError     **error)
{
  g_autofree char *quoted = strata_sql_quote_identifier (table);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", quoted);
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  stmt = prepare (reader, sql, NULL, error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      count = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!finish (reader, stmt, rc, error))
    return -1;
  return count;
}

static StrataSchemaKind
kind_from_string (const char *type)
{
  if (g_str_equal (type, "view"))
    return STRATA_SCHEMA_KIND_VIEW;
  if (g_str_equal (type, "index"))
    return STRATA_SCHEMA_KIND_INDEX;
  if (g_str_equal (type, "trigger"))
    return STRATA_SCHEMA_KIND_TRIGGER;
  return STRATA_SCHEMA_KIND_TABLE;
}

static gboolean
read_objects (Reader       *reader,
              StrataSchema *schema,
              GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* SQLite's own tables (sqlite_sequence, sqlite_stat1) and automatic indexes
   * are internal; the indexes show up under their tables instead. The shadow
   * tables of FTS5 and R*Tree tables belong to their virtual table. */
  stmt = prepare (reader,
                  "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                  "WHERE type IN ('table', 'view', 'index', 'trigger') "
                  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                  "AND name NOT IN (SELECT name FROM pragma_table_list "
                  "WHERE schema = 'main' AND type = 'shadow') "
                  "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 "
                  "WHEN 'index' THEN 2 ELSE 3 END, name COLLATE NOCASE",
                  NULL, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(StrataSchemaObject) object = g_object_new (STRATA_TYPE_SCHEMA_OBJECT, NULL);

      object->kind = kind_from_string ((const char *)sqlite3_column_text (stmt, 0));
      object->name = dup_column_text (stmt, 1);
      object->table_name = dup_column_text (stmt, 2);
      object->sql = dup_column_text (stmt, 3);
      g_list_store_append (schema->objects, object);
    }
  return finish (reader, stmt, rc, error);
}

static void
add_trigger (StrataSchema       *schema,
             StrataSchemaObject *trigger)
{
  StrataSchemaObject *owner = strata_schema_lookup (schema, trigger->table_name);

  if (owner != NULL)
    g_ptr_array_add (owner->triggers, g_strdup (trigger->name));
}

static gboolean
read_details (Reader             *reader,
              StrataSchema       *schema,
              StrataSchemaFlags   flags,
              GError            **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (schema->objects));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataSchemaObject) object = g_list_model_get_item (G_LIST_MODEL (schema->objects), i);

      if (!check_cancelled (reader, error))
        return FALSE;

      if (object->kind == STRATA_SCHEMA_KIND_TRIGGER)
        add_trigger (schema, object);
      if (object->kind != STRATA_SCHEMA_KIND_TABLE && object->kind != STRATA_SCHEMA_KIND_VIEW)
        continue;
      if (!read_columns (reader, object, error))
        return FALSE;
      if (object->kind != STRATA_SCHEMA_KIND_TABLE)
        continue;
      if (!read_table_details (reader, object, error))
        return FALSE;
      if ((flags & STRATA_SCHEMA_FLAGS_COUNT_ROWS) != 0 &&
          (object->row_count = count_rows (reader, object->name, error)) < 0)
        return FALSE;
    }
  return TRUE;
}

static StrataSchema *
read_once (Reader             *reader,
           StrataSchemaFlags   flags,
           GError            **error)
{
  g_autoptr(StrataSchema) schema = g_object_new (STRATA_TYPE_SCHEMA, NULL);

  if (!read_objects (reader, schema, error) || !read_details (reader, schema, flags, error))
    return NULL;
  return g_steal_pointer (&schema);
}

/* A view over an FTS or R*Tree table cannot be read with trusted_schema off
 * (its columns are SQLite's answer): then the schema is read again with such
 * tables trusted, as strata-database-trust.c explains. */
static StrataSchema *
read_all (Reader             *reader,
          StrataSchemaFlags   flags,
          GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataTrust) trust = NULL;
  StrataSchema *schema = read_once (reader, flags, &local_error);

  if (schema != NULL || !_strata_database_is_storage_refusal (local_error->message))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return schema;
    }
  g_autoptr(GError) second_error = NULL;

  trust = _strata_database_trust_storage (reader->db);
  if ((schema = read_once (reader, flags, &second_error)) != NULL)
    return schema;
  /* Refused for another reason too: the first answer is the one told. */
  g_propagate_error (error, g_error_matches (second_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                            ? g_steal_pointer (&second_error) : g_steal_pointer (&local_error));
  return NULL;
}

StrataSchema *
strata_schema_read (StrataDatabase     *database,
                    StrataSchemaFlags   flags,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(StrataSchema) schema = NULL;
  Reader reader;

  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  reader.database = database;
  reader.db = strata_database_get_handle (database);
  reader.cancellable = cancellable;

  if (!check_cancelled (&reader, error))
    return NULL;

  if (cancellable != NULL)
    sqlite3_progress_handler (reader.db, 1000, progress_cb, cancellable);
  schema = read_all (&reader, flags, error);
  if (cancellable != NULL)
    sqlite3_progress_handler (reader.db, 0, NULL, NULL);

  return g_steal_pointer (&schema);
}

StrataSchema *
strata_schema_load (GFile              *file,
                    StrataSchemaFlags   flags,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!g_file_query_exists (file, cancellable))
    return g_object_new (STRATA_TYPE_SCHEMA, NULL);

  database = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, error);
  if (database == NULL)
    return NULL;
  return strata_schema_read (database, flags, cancellable, error);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  StrataSchemaFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags"));
  GError *error = NULL;
  StrataSchema *schema;

  schema = strata_schema_load (file, flags, cancellable, &error);
  if (schema == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, schema, g_object_unref);
}

void
strata_schema_load_async (GFile               *file,
                          StrataSchemaFlags    flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_schema_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data (G_OBJECT (task), "flags", GUINT_TO_POINTER (flags));
  g_task_run_in_thread (task, load_worker);
}

StrataSchema *
strata_schema_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_schema_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GFile *file;
  char  *table;
} CountData;

static void
count_data_free (CountData *data)
{
  g_clear_object (&data->file);
  g_free (data->table);
  g_free (data);
}

static void
count_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CountData *data = task_data;
  g_autoptr(StrataDatabase) database = NULL;
  GError *error = NULL;
  Reader reader;
  gint64 count;

  database = strata_database_open (data->file, STRATA_DATABASE_FLAGS_READ_ONLY, &error);
  if (database == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reader.database = database;
  reader.db = strata_database_get_handle (database);
  reader.cancellable = cancellable;
  if (cancellable != NULL)
    sqlite3_progress_handler (reader.db, 1000, progress_cb, cancellable);
  count = count_rows (&reader, data->table, &error);
  if (count < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, count);
}

void
strata_schema_count_rows_async (GFile               *file,
                                const char          *table,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CountData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (table != NULL);

  data = g_new0 (CountData, 1);
  data->file = g_object_ref (file);
  data->table = g_strdup (table);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_schema_count_rows_async);
  g_task_set_task_data (task, data, (GDestroyNotify)count_data_free);
  g_task_run_in_thread (task, count_worker);
}

gint64
strata_schema_count_rows_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
