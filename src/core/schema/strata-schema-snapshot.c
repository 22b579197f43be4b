/* strata-schema-snapshot.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "strata-database.h"
#include "strata-error.h"
#include "strata-schema-file-private.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-sql.h"

struct _StrataSchemaSnapshot
{
  GObject       parent_instance;
  StrataSchema *schema;
  GPtrArray    *entries;
};

G_DEFINE_FINAL_TYPE (StrataSchemaSnapshot, strata_schema_snapshot, G_TYPE_OBJECT)

static void
entry_free (StrataSnapshotEntry *entry)
{
  g_free (entry->name);
  g_free (entry->table);
  g_free (entry->sql);
  g_free (entry->canonical);
  g_free (entry->key);
  g_clear_pointer (&entry->definition, _strata_table_definition_free);
  g_clear_object (&entry->object);
  g_free (entry);
}

static void
strata_schema_snapshot_finalize (GObject *object)
{
  StrataSchemaSnapshot *self = (StrataSchemaSnapshot *)object;

  g_clear_object (&self->schema);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_schema_snapshot_parent_class)->finalize (object);
}

static void
strata_schema_snapshot_class_init (StrataSchemaSnapshotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_schema_snapshot_finalize;
}

static void
strata_schema_snapshot_init (StrataSchemaSnapshot *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
}

/* Reading ---------------------------------------------------------------------- */

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

static void
canonicalise (StrataSnapshotEntry *entry)
{
  if (entry->kind == STRATA_SCHEMA_KIND_TABLE &&
      (entry->definition = _strata_table_definition_parse (entry->sql)) != NULL)
    {
      entry->canonical = _strata_table_definition_to_sql (entry->definition, TRUE, FALSE);
      entry->key = _strata_table_definition_to_sql (entry->definition, FALSE, TRUE);
      return;
    }
  entry->canonical = _strata_sql_normalise_create (entry->sql, FALSE);
  entry->key = _strata_sql_normalise_create (entry->sql, TRUE);
}

static StrataSnapshotEntry *
entry_new (StrataSchemaSnapshot *self,
           sqlite3_stmt         *stmt)
{
  StrataSnapshotEntry *entry = g_new0 (StrataSnapshotEntry, 1);
  StrataSchemaObject *object;

  entry->kind = kind_from_string ((const char *)sqlite3_column_text (stmt, 0));
  entry->name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  entry->table = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  entry->sql = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  canonicalise (entry);
  object = strata_schema_lookup (self->schema, entry->name);
  if (object != NULL)
    entry->object = g_object_ref (object);
  return entry;
}

static gboolean
read_entries (StrataSchemaSnapshot  *self,
              StrataDatabase        *database,
              GError               **error)
{
  sqlite3 *db = strata_database_get_handle (database);
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* SQLite's own tables and automatic indexes (no SQL) are not the user's
   * schema; an AUTOINCREMENT column shows in its table's definition instead.
   * Nor are the shadow tables of FTS5 and R*Tree tables, which their virtual
   * table creates and drops: compared or rebuilt apart from it, they would
   * be corrupted. */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                           "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                           "AND name NOT IN (SELECT name FROM pragma_table_list "
                           "WHERE schema = 'main' AND type = 'shadow') "
                           "ORDER BY rowid",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, NULL);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (self->entries, entry_new (self, stmt));
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  strata_database_set_error (database, error, STRATA_ERROR_DATABASE, NULL);
  return FALSE;
}

StrataSchemaSnapshot *
strata_schema_snapshot_read (StrataDatabase  *database,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(StrataSchemaSnapshot) self = NULL;

  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (STRATA_TYPE_SCHEMA_SNAPSHOT, NULL);
  if (!(self->schema = strata_schema_read (database, STRATA_SCHEMA_FLAGS_NONE, cancellable,
                                           error)) ||
      !read_entries (self, database, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataSchemaSnapshot *
strata_schema_snapshot_new_from_sql (const char  *sql,
                                     const char  *display_name,
                                     GError     **error)
{
  g_autoptr(StrataDatabase) database = NULL;

  g_return_val_if_fail (sql != NULL, NULL);

  if (!(database = strata_database_open_memory (error)) ||
      !_strata_schema_file_load (database, sql, display_name ? display_name : "schema", error))
    return NULL;
  return strata_schema_snapshot_read (database, NULL, error);
}

/* Access ------------------------------------------------------------------------ */

GPtrArray *
_strata_schema_snapshot_get_entries (StrataSchemaSnapshot *self)
{
  return self->entries;
}

StrataSnapshotEntry *
_strata_schema_snapshot_lookup (StrataSchemaSnapshot *self,
                                StrataSchemaKind      kind,
                                const char           *name)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->kind == kind && g_ascii_strcasecmp (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

void
strata_schema_snapshot_exclude (StrataSchemaSnapshot *self,
                                const char           *table)
{
  g_return_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (self));
  g_return_if_fail (table != NULL);

  for (guint i = self->entries->len; i > 0; i--)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (self->entries, i - 1);

      if (g_ascii_strcasecmp (entry->table, table) == 0 &&
          entry->kind != STRATA_SCHEMA_KIND_VIEW)
        g_ptr_array_remove_index (self->entries, i - 1);
    }
}

GStrv
strata_schema_snapshot_dup_tables (StrataSchemaSnapshot *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->kind == STRATA_SCHEMA_KIND_TABLE)
        g_strv_builder_add (builder, entry->name);
    }
  return g_strv_builder_end (builder);
}

/* Printing ---------------------------------------------------------------------- */

char *
strata_schema_snapshot_to_sql (StrataSchemaSnapshot *self)
{
  static const StrataSchemaKind order[] = { STRATA_SCHEMA_KIND_TABLE, STRATA_SCHEMA_KIND_INDEX,
                                            STRATA_SCHEMA_KIND_VIEW, STRATA_SCHEMA_KIND_TRIGGER };
  g_autoptr(GString) sql = g_string_new (NULL);

  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (self), NULL);

  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < self->entries->len; i++)
      {
        StrataSnapshotEntry *entry = g_ptr_array_index (self->entries, i);

        if (entry->kind == order[k])
          g_string_append_printf (sql, "%s%s;\n", sql->len > 0 ? "\n" : "", entry->canonical);
      }
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Comparing --------------------------------------------------------------------- */

/* g_strv_builder_take() is newer than our GLib floor. */
static void
add_line (GStrvBuilder *builder,
          char         *line)
{
  g_strv_builder_add (builder, line);
  g_free (line);
}

static const char *
kind_name (StrataSchemaKind kind)
{
  switch (kind)
    {
    case STRATA_SCHEMA_KIND_VIEW:
      return _("view");
    case STRATA_SCHEMA_KIND_INDEX:
      return _("index");
    case STRATA_SCHEMA_KIND_TRIGGER:
      return _("trigger");
    case STRATA_SCHEMA_KIND_TABLE:
    default:
      return _("table");
    }
}

static gboolean
column_positions_match (StrataTableDefinition *from,
                        StrataTableDefinition *to)
{
  guint j = 0;

  /* The columns both have must come in the same order. */
  for (guint i = 0; i < from->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (from->columns, i);

      if (_strata_table_definition_lookup (to, column->name) == NULL)
        continue;
      while (j < to->columns->len &&
             _strata_table_definition_lookup (from, ((StrataColumnDefinition *)
                                              g_ptr_array_index (to->columns, j))->name) == NULL)
        j++;
      if (j >= to->columns->len ||
          g_ascii_strcasecmp (((StrataColumnDefinition *)g_ptr_array_index (to->columns, j))->name,
                              column->name) != 0)
        return FALSE;
      j++;
    }
  return TRUE;
}

static void
compare_columns (const char            *table,
                 StrataTableDefinition *from,
                 StrataTableDefinition *to,
                 GStrvBuilder          *builder)
{
  for (guint i = 0; i < to->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->columns, i);
      StrataColumnDefinition *old = _strata_table_definition_lookup (from, column->name);

      if (old == NULL)
        add_line (builder,
                  g_strdup_printf (_("table “%s”: column “%s” added: %s"), table,
                                   column->name, column->definition));
      else if (strcmp (old->key, column->key) != 0)
        add_line (builder,
                  g_strdup_printf (_("table “%s”: column “%s” changed: %s → %s"),
                                   table, column->name, old->definition,
                                   column->definition));
    }
  for (guint i = 0; i < from->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (from->columns, i);

      if (_strata_table_definition_lookup (to, column->name) == NULL)
        add_line (builder,
                  g_strdup_printf (_("table “%s”: column “%s” dropped"), table,
                                   column->name));
    }
  if (!column_positions_match (from, to))
    add_line (builder, g_strdup_printf (_("table “%s”: columns in another order"),
                                        table));
}

static gboolean
has_constraint (StrataTableDefinition *table,
                const char            *key)
{
  for (guint i = 0; i < table->constraint_keys->len; i++)
    if (strcmp (g_ptr_array_index (table->constraint_keys, i), key) == 0)
      return TRUE;
  return FALSE;
}

static void
compare_constraints (const char            *table,
                     StrataTableDefinition *from,
                     StrataTableDefinition *to,
                     GStrvBuilder          *builder)
{
  for (guint i = 0; i < to->constraints->len; i++)
    if (!has_constraint (from, g_ptr_array_index (to->constraint_keys, i)))
      add_line (builder,
                g_strdup_printf (_("table “%s”: constraint added: %s"), table,
                                 (char *)g_ptr_array_index (to->constraints, i)));
  for (guint i = 0; i < from->constraints->len; i++)
    if (!has_constraint (to, g_ptr_array_index (from->constraint_keys, i)))
      add_line (builder,
                g_strdup_printf (_("table “%s”: constraint dropped: %s"), table,
                                 (char *)g_ptr_array_index (from->constraints, i)));
}

static void
compare_options (const char            *table,
                 StrataTableDefinition *from,
                 StrataTableDefinition *to,
                 GStrvBuilder          *builder)
{
  if (from->strict != to->strict)
    add_line (builder, g_strdup_printf (to->strict ? _("table “%s”: now STRICT")
                                                   : _("table “%s”: no longer STRICT"),
                                        table));
  if (from->without_rowid != to->without_rowid)
    add_line (builder,
              g_strdup_printf (to->without_rowid ? _("table “%s”: now WITHOUT ROWID")
                                                 : _("table “%s”: now has a rowid"),
                               table));
}

void
_strata_schema_snapshot_compare_table (StrataSnapshotEntry *from,
                                       StrataSnapshotEntry *to,
                                       GStrvBuilder        *builder)
{
  g_autoptr(GStrvBuilder) details = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;

  if (from->definition != NULL && to->definition != NULL)
    {
      compare_columns (to->name, from->definition, to->definition, details);
      compare_constraints (to->name, from->definition, to->definition, details);
      compare_options (to->name, from->definition, to->definition, details);
    }
  if (strcmp (from->name, to->name) != 0)
    add_line (details, g_strdup_printf (_("table “%s”: now spelt “%s”"), from->name,
                                        to->name));
  lines = g_strv_builder_end (details);
  if (lines[0] == NULL)
    add_line (builder, g_strdup_printf (_("table “%s” changed: %s → %s"), to->name,
                                        from->canonical, to->canonical));
  for (guint i = 0; lines[i] != NULL; i++)
    g_strv_builder_add (builder, lines[i]);
}

static void
compare_entry (StrataSnapshotEntry *from,
               StrataSnapshotEntry *to,
               GStrvBuilder        *builder)
{
  if (strcmp (from->key, to->key) == 0)
    {
      if (strcmp (from->name, to->name) != 0)
        add_line (builder, g_strdup_printf (_("%s “%s”: now spelt “%s”"),
                                            kind_name (to->kind), from->name, to->name));
      return;
    }
  if (to->kind == STRATA_SCHEMA_KIND_TABLE)
    _strata_schema_snapshot_compare_table (from, to, builder);
  else
    add_line (builder, g_strdup_printf (_("%s “%s” changed: %s → %s"),
                                        kind_name (to->kind), to->name,
                                        from->canonical, to->canonical));
}

GStrv
strata_schema_snapshot_compare (StrataSchemaSnapshot *self,
                                StrataSchemaSnapshot *other)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (self), NULL);
  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (other), NULL);

  for (guint i = 0; i < other->entries->len; i++)
    {
      StrataSnapshotEntry *to = g_ptr_array_index (other->entries, i);
      StrataSnapshotEntry *from = _strata_schema_snapshot_lookup (self, to->kind, to->name);

      if (from == NULL)
        add_line (builder, g_strdup_printf (_("%s “%s” added: %s"),
                                            kind_name (to->kind), to->name,
                                            to->canonical));
      else
        compare_entry (from, to, builder);
    }
  for (guint i = 0; i < self->entries->len; i++)
    {
      StrataSnapshotEntry *from = g_ptr_array_index (self->entries, i);

      if (_strata_schema_snapshot_lookup (other, from->kind, from->name) == NULL)
        add_line (builder, g_strdup_printf (_("%s “%s” dropped"),
                                            kind_name (from->kind), from->name));
    }
  return g_strv_builder_end (builder);
}

gboolean
strata_schema_snapshot_equal (StrataSchemaSnapshot *self,
                              StrataSchemaSnapshot *other)
{
  g_auto(GStrv) differences = NULL;

  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (STRATA_IS_SCHEMA_SNAPSHOT (other), FALSE);

  differences = strata_schema_snapshot_compare (self, other);
  return differences[0] == NULL;
}
