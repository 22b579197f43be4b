/* strata-autogen.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "strata-autogen.h"
#include "strata-autogen-private.h"
#include "strata-database.h"
#include "strata-copy-failure-private.h"
#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-project.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-schema-file-private.h"
#include "strata-schema-replay-private.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql.h"

struct _StrataAutogen
{
  GObject              parent_instance;
  StrataProject       *project;
  StrataRevisionGraph *graph;
  char                *head_source;
  char                *target_source;
  StrataAutogenFlags   flags;
  GPtrArray           *rename_specs;
  GHashTable          *fills;

  GStrv                differences;
  GStrv                notes;
  char                *upgrade_sql;
  char                *downgrade_sql;
  char                *head_sql;
  char                *target_sql;
  GStrv                row_problems;
  GStrv                suggested_fills;
  /* "table.column=VALUE": the downgrade's placeholders, NULL-terminated. */
  GStrv                placeholders;
  StrataDropQuestion   question;
};

G_DEFINE_FINAL_TYPE (StrataAutogen, strata_autogen, G_TYPE_OBJECT)

/* What one run works on: the two in-memory databases and their schemas. */
typedef struct
{
  StrataDatabase       *head;
  StrataDatabase       *target;
  StrataSchemaSnapshot *head_schema;
  StrataSchemaSnapshot *target_schema;
  GPtrArray            *renames;
} Work;

static void
work_clear (Work *work)
{
  g_clear_object (&work->head);
  g_clear_object (&work->target);
  g_clear_object (&work->head_schema);
  g_clear_object (&work->target_schema);
  g_clear_pointer (&work->renames, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Work, work_clear)

static void
clear_results (StrataAutogen *self)
{
  g_clear_pointer (&self->differences, g_strfreev);
  g_clear_pointer (&self->notes, g_strfreev);
  g_clear_pointer (&self->upgrade_sql, g_free);
  g_clear_pointer (&self->downgrade_sql, g_free);
  g_clear_pointer (&self->head_sql, g_free);
  g_clear_pointer (&self->target_sql, g_free);
  g_clear_pointer (&self->row_problems, g_strfreev);
  g_clear_pointer (&self->suggested_fills, g_strfreev);
  g_clear_pointer (&self->placeholders, g_strfreev);
  _strata_drop_question_clear (&self->question);
}

static void
strata_autogen_finalize (GObject *object)
{
  StrataAutogen *self = (StrataAutogen *)object;

  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_free (self->head_source);
  g_free (self->target_source);
  g_clear_pointer (&self->rename_specs, g_ptr_array_unref);
  g_clear_pointer (&self->fills, g_hash_table_unref);
  clear_results (self);
  G_OBJECT_CLASS (strata_autogen_parent_class)->finalize (object);
}

static void
strata_autogen_class_init (StrataAutogenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_autogen_finalize;
}

static void
strata_autogen_init (StrataAutogen *self)
{
  self->rename_specs = g_ptr_array_new_with_free_func (g_free);
  self->fills = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

StrataAutogen *
strata_autogen_new (StrataProject *project)
{
  StrataAutogen *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  self = g_object_new (STRATA_TYPE_AUTOGEN, NULL);
  self->project = g_object_ref (project);
  return self;
}

StrataAutogen *
strata_autogen_new_for_sql (const char *head_sql,
                            const char *target_sql)
{
  StrataAutogen *self;

  g_return_val_if_fail (head_sql != NULL, NULL);
  g_return_val_if_fail (target_sql != NULL, NULL);

  self = g_object_new (STRATA_TYPE_AUTOGEN, NULL);
  self->head_source = g_strdup (head_sql);
  self->target_source = g_strdup (target_sql);
  return self;
}

void
strata_autogen_set_graph (StrataAutogen       *self,
                          StrataRevisionGraph *graph)
{
  g_return_if_fail (STRATA_IS_AUTOGEN (self));
  g_set_object (&self->graph, graph);
}

void
strata_autogen_set_flags (StrataAutogen      *self,
                          StrataAutogenFlags  flags)
{
  g_return_if_fail (STRATA_IS_AUTOGEN (self));
  self->flags = flags;
}

gboolean
strata_autogen_add_rename (StrataAutogen  *self,
                           const char     *spec,
                           GError        **error)
{
  const char *colon;

  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  colon = strrchr (spec, ':');
  if (colon == NULL || colon == spec || colon[1] == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("“%s” is not a rename: write old:new for a table, or table.old:new for "
                     "a column"), spec);
      return FALSE;
    }
  /* A second rename of the same name corrects the first (a typo). */
  for (guint i = 0; i < self->rename_specs->len; i++)
    {
      const char *other = g_ptr_array_index (self->rename_specs, i);
      const char *other_colon = strrchr (other, ':');

      if (other_colon - other == colon - spec &&
          g_ascii_strncasecmp (other, spec, colon - spec) == 0)
        {
          g_free (g_ptr_array_index (self->rename_specs, i));
          g_ptr_array_index (self->rename_specs, i) = g_strdup (spec);
          return TRUE;
        }
    }
  g_ptr_array_add (self->rename_specs, g_strdup (spec));
  return TRUE;
}

gboolean
strata_autogen_add_fill (StrataAutogen  *self,
                         const char     *spec,
                         GError        **error)
{
  const char *equals;
  const char *dot;

  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  equals = strchr (spec, '=');
  dot = equals != NULL ? memchr (spec, '.', equals - spec) : NULL;
  if (dot == NULL || dot == spec || dot + 1 == equals || equals[1] == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("“%s” is not a fill: write table.column=VALUE, with VALUE in SQL, such "
                     "as account.email='' or item.count=0"), spec);
      return FALSE;
    }
  g_hash_table_replace (self->fills, g_ascii_strdown (spec, equals - spec),
                        g_strdup (equals + 1));
  return TRUE;
}

const char *
_strata_autogen_get_fill (StrataAutogen *self,
                          const char    *table,
                          const char    *column)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", table, column);
  g_autofree char *folded = g_ascii_strdown (key, -1);

  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return g_hash_table_lookup (self->fills, folded);
}

/* Getters ----------------------------------------------------------------------- */

const char *
strata_autogen_get_drop_subject (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->question.subject;
}

const char *
strata_autogen_get_rename_candidate (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->question.rename;
}

const char * const *
strata_autogen_get_differences (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return (const char * const *)self->differences;
}

const char *
strata_autogen_get_upgrade_sql (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->upgrade_sql;
}

const char *
strata_autogen_get_downgrade_sql (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->downgrade_sql;
}

const char * const *
strata_autogen_get_notes (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return (const char * const *)self->notes;
}

const char * const *
strata_autogen_get_row_problems (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return (const char * const *)self->row_problems;
}

const char * const *
strata_autogen_get_suggested_fills (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return (const char * const *)self->suggested_fills;
}

const char * const *
strata_autogen_get_placeholders (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);

  return (const char * const *)self->placeholders;
}

const char *
strata_autogen_get_head_sql (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->head_sql;
}

const char *
strata_autogen_get_target_sql (StrataAutogen *self)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  return self->target_sql;
}

/* schema.sql -------------------------------------------------------------------- */

GFile *
strata_autogen_get_schema_file (StrataProject  *project,
                                GError        **error)
{
  GFile *file;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  if ((file = strata_project_get_schema_file (project)) == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (strata_project_get_config_file (project));
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFIG,
                   _("%s: no “schema” in [strata]; add a line such as “schema = schema.sql” "
                     "naming the file of CREATE statements to generate revisions from"), name);
      return NULL;
    }
  return g_object_ref (file);
}

static char *
read_schema_file (StrataProject  *project,
                  char          **display_name,
                  GError        **error)
{
  g_autoptr(GFile) file = strata_autogen_get_schema_file (project, error);
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (file == NULL)
    return NULL;
  *display_name = strata_project_get_display_path (project, file);
  if (!g_file_load_contents (file, NULL, &contents, NULL, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO,
                     _("%s does not exist; write it from the database with “strata-cli schema "
                       "> %s” (or from the revisions with “strata-cli schema --head > %s”), or "
                       "remove “schema =” from strata.ini"),
                     *display_name, *display_name, *display_name);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_IO, _("cannot read %s: %s"),
                     *display_name, local_error->message);
      return NULL;
    }
  return contents;
}

/* Databases ---------------------------------------------------------------------- */

static gboolean
exec_script (StrataDatabase  *database,
             const char      *sql,
             const char      *display_name,
             guint            first_line,
             GError         **error)
{
  g_autoptr(GPtrArray) statements = strata_sql_split (sql);
  sqlite3 *db = strata_database_get_handle (database);

  for (guint i = 0; i < statements->len; i++)
    {
      StrataStatement *statement = g_ptr_array_index (statements, i);

      /* As a run would: a trigger that writes into an FTS table is refused
       * under trusted_schema = OFF, and then prepared again trusted. */
      if (_strata_database_exec (db, statement->text) != SQLITE_OK)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL, "%s:%u: %s", display_name,
                       first_line + statement->line - 1, sqlite3_errmsg (db));
          return FALSE;
        }
    }
  return TRUE;
}

static StrataDatabase *
copy_database (StrataDatabase  *source,
               GError         **error)
{
  g_autoptr(StrataDatabase) copy = strata_database_open_memory (error);
  sqlite3_backup *backup;

  if (copy == NULL)
    return NULL;
  backup = sqlite3_backup_init (strata_database_get_handle (copy), "main",
                                strata_database_get_handle (source), "main");
  if (backup == NULL || sqlite3_backup_step (backup, -1) != SQLITE_DONE)
    {
      sqlite3_backup_finish (backup);
      strata_database_set_error (copy, error, STRATA_ERROR_DATABASE, NULL);
      return NULL;
    }
  sqlite3_backup_finish (backup);
  return g_steal_pointer (&copy);
}

StrataDatabase *
_strata_autogen_replay (StrataRevisionGraph  *graph,
                        StrataRevision       *until,
                        GCancellable         *cancellable,
                        GError              **error)
{
  g_autoptr(StrataDatabase) database = strata_database_open_memory (error);
  g_autoptr(StrataSchemaOrigins) origins = _strata_schema_origins_new ();
  GPtrArray *revisions;

  if (database == NULL)
    return NULL;
  revisions = strata_revision_graph_get_revisions (graph);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      const char *sql = strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE);
      guint line = strata_revision_get_sql_line (revision, STRATA_DIRECTION_UPGRADE);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* @until may be a copy (the editor's edits): it is known by its id. */
      if (until != NULL &&
          (g_strcmp0 (strata_revision_get_id (revision), strata_revision_get_id (until)) == 0 ||
           !strata_revision_graph_is_ancestor (graph, revision, until)))
        continue;
      if (sql == NULL)
        continue;
      if (!_strata_schema_replay_exec (database, sql, strata_revision_get_display_path (revision),
                                       line, FALSE, error))
        return NULL;
      _strata_schema_origins_note (origins, database, sql,
                                   strata_revision_get_display_path (revision), line);
    }
  /* SQLite keeps a view or trigger that names a missing table (and a table
   * its view names may be dropped later): say where it was made, rather than
   * fail to read the schema of an in-memory database. */
  if (!_strata_schema_origins_check (origins, database, "versions", error))
    return NULL;
  return g_steal_pointer (&database);
}

static gboolean
load_graph (StrataAutogen  *self,
            GCancellable   *cancellable,
            GError        **error)
{
  if (self->graph != NULL)
    return TRUE;
  self->graph = strata_project_load_graph (self->project, cancellable, error);
  return self->graph != NULL;
}

static gboolean
open_databases (StrataAutogen  *self,
                Work           *work,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autofree char *target_sql = NULL;
  g_autofree char *display_name = NULL;

  if (self->project != NULL)
    {
      if (!(target_sql = read_schema_file (self->project, &display_name, error)) ||
          !load_graph (self, cancellable, error) ||
          !(work->head = _strata_autogen_replay (self->graph, NULL, cancellable, error)))
        return FALSE;
    }
  else
    {
      target_sql = g_strdup (self->target_source);
      display_name = g_strdup ("schema.sql");
      if (!(work->head = strata_database_open_memory (error)) ||
          !exec_script (work->head, self->head_source, "head", 1, error))
        return FALSE;
    }
  return (work->target = strata_database_open_memory (error)) != NULL &&
         _strata_schema_file_load (work->target, target_sql, display_name, error) &&
         (work->head_schema = strata_schema_snapshot_read (work->head, cancellable, error)) &&
         (work->target_schema = strata_schema_snapshot_read (work->target, cancellable, error));
}

/* Renames ------------------------------------------------------------------------- */

static StrataRename *
parse_rename (Work        *work,
              const char  *spec,
              GError     **error)
{
  g_autoptr(StrataRename) rename = g_new0 (StrataRename, 1);
  g_autofree char *left = g_strndup (spec, strrchr (spec, ':') - spec);
  const char *right = strrchr (spec, ':') + 1;
  const char *dot;

  if (_strata_schema_snapshot_lookup (work->head_schema, STRATA_SCHEMA_KIND_TABLE, left))
    {
      rename->from_table = g_strdup (left);
      rename->to_table = g_strdup (right);
      return g_steal_pointer (&rename);
    }
  /* "table.column": the table is the longest prefix that names one. */
  for (dot = strrchr (left, '.'); dot != NULL; dot = g_strrstr_len (left, dot - left, "."))
    {
      g_autofree char *table = g_strndup (left, dot - left);

      if (!_strata_schema_snapshot_lookup (work->head_schema, STRATA_SCHEMA_KIND_TABLE, table))
        continue;
      rename->from_table = g_strdup (table);
      rename->to_table = g_strdup (table);
      rename->from_column = g_strdup (dot + 1);
      rename->to_column = g_str_has_prefix (right, table) && right[strlen (table)] == '.'
                          ? g_strdup (right + strlen (table) + 1) : g_strdup (right);
      return g_steal_pointer (&rename);
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
               _("the rename “%s” names no table of the schema at head"), spec);
  return NULL;
}

/* A column rename of a renamed table names the table by its new name too. */
static void
follow_table_renames (GPtrArray *renames)
{
  for (guint i = 0; i < renames->len; i++)
    {
      StrataRename *column = g_ptr_array_index (renames, i);

      if (column->from_column == NULL)
        continue;
      for (guint j = 0; j < renames->len; j++)
        {
          StrataRename *table = g_ptr_array_index (renames, j);

          if (table->from_column == NULL &&
              g_ascii_strcasecmp (table->from_table, column->from_table) == 0)
            {
              g_free (column->to_table);
              column->to_table = g_strdup (table->to_table);
            }
        }
    }
}

static gboolean
parse_renames (StrataAutogen  *self,
               Work           *work,
               GError        **error)
{
  work->renames = g_ptr_array_new_with_free_func ((GDestroyNotify)_strata_rename_free);
  for (guint i = 0; i < self->rename_specs->len; i++)
    {
      StrataRename *rename = parse_rename (work, g_ptr_array_index (self->rename_specs, i), error);

      if (rename == NULL)
        return FALSE;
      g_ptr_array_add (work->renames, rename);
    }
  follow_table_renames (work->renames);
  return TRUE;
}

static GPtrArray *
invert_renames (GPtrArray *renames)
{
  GPtrArray *inverted = g_ptr_array_new_with_free_func ((GDestroyNotify)_strata_rename_free);

  for (guint i = 0; i < renames->len; i++)
    g_ptr_array_add (inverted, _strata_rename_invert (g_ptr_array_index (renames, i)));
  return inverted;
}

/* The differences told with the renames given: "column “a” renamed to
 * “b”", not a drop and an add. What else differs is what a copy of head
 * with only the renames made still has against schema.sql. */
static gboolean
tell_renames (StrataAutogen  *self,
              Work           *work,
              GError        **error)
{
  g_autoptr(StrataDatabase) renamed = NULL;
  g_autoptr(StrataSchemaSnapshot) schema = NULL;
  g_autoptr(GStrvBuilder) lines = NULL;
  g_auto(GStrv) rest = NULL;

  if (work->renames->len == 0)
    return TRUE;
  if (!(renamed = copy_database (work->head, error)) ||
      !_strata_autogen_apply_renames (renamed, work->target_schema, work->renames, error) ||
      !(schema = strata_schema_snapshot_read (renamed, NULL, error)))
    return FALSE;
  lines = g_strv_builder_new ();
  for (guint i = 0; i < work->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (work->renames, i);
      g_autofree char *line = NULL;

      if (rename->from_column == NULL)
        line = g_strdup_printf (_("table “%s” renamed to “%s”"), rename->from_table,
                                rename->to_table);
      else
        line = g_strdup_printf (_("table “%s”: column “%s” renamed to “%s”"), rename->to_table,
                                rename->from_column, rename->to_column);
      g_strv_builder_add (lines, line);
    }
  rest = strata_schema_snapshot_compare (schema, work->target_schema);
  g_strv_builder_addv (lines, (const char **)rest);
  g_strfreev (self->differences);
  self->differences = g_strv_builder_end (lines);
  return TRUE;
}

/* Planning ------------------------------------------------------------------------- */

static gboolean
plan_both (StrataAutogen  *self,
           Work           *work,
           GError        **error)
{
  g_autoptr(StrataDatabase) scratch = copy_database (work->head, error);
  g_autoptr(GString) upgrade = g_string_new (NULL);
  g_autoptr(GString) downgrade = g_string_new (NULL);
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();
  g_autoptr(GPtrArray) placeholders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) inverted = invert_renames (work->renames);
  gboolean allow_drop = (self->flags & STRATA_AUTOGEN_FLAGS_ALLOW_DROP) != 0;

  /* The downgrade starts from where the upgrade left the scratch database,
   * exactly as a real downgrade starts from the upgraded one. Dropping what
   * the upgrade added is what a downgrade is for, so it needs no consent. */
  if (scratch == NULL ||
      !_strata_autogen_plan (scratch, work->target_schema, work->renames, self->fills,
                             allow_drop, FALSE, upgrade, notes, NULL, &self->question, error) ||
      !_strata_autogen_plan (scratch, work->head_schema, inverted, self->fills, TRUE, TRUE,
                             downgrade, notes, placeholders, NULL, error))
    return FALSE;
  g_ptr_array_add (placeholders, NULL);
  self->placeholders = (GStrv)g_ptr_array_free (g_steal_pointer (&placeholders), FALSE);
  self->upgrade_sql = g_string_free (g_steal_pointer (&upgrade), FALSE);
  self->downgrade_sql = g_string_free (g_steal_pointer (&downgrade), FALSE);
  self->notes = g_strv_builder_end (notes);
  return TRUE;
}

/* The self-check ------------------------------------------------------------------ */

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

static char *
mapped_column (GPtrArray  *renames,
               const char *table,
               const char *column)
{
  for (guint i = 0; i < renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (renames, i);

      if (rename->from_column != NULL && g_ascii_strcasecmp (rename->from_table, table) == 0 &&
          g_ascii_strcasecmp (rename->from_column, column) == 0)
        return g_strdup (rename->to_column);
    }
  return g_strdup (column);
}

static char *
mapped_table (GPtrArray  *renames,
              const char *table)
{
  for (guint i = 0; i < renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (renames, i);

      if (rename->from_column == NULL && g_ascii_strcasecmp (rename->from_table, table) == 0)
        return g_strdup (rename->to_table);
    }
  return g_strdup (table);
}

/* "SELECT quote(a) || '|' || quote(b) …" over the columns @from and @to both
 * have with the same type; one query on each side, rows in a stable order. */
static void
fingerprint_queries (StrataTableDefinition  *from,
                     StrataTableDefinition  *to,
                     const char             *to_table,
                     GPtrArray              *renames,
                     char                  **from_query,
                     char                  **to_query)
{
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  g_autofree char *from_id = strata_sql_quote_identifier (from->name);
  g_autofree char *to_id = strata_sql_quote_identifier (to_table);

  for (guint i = 0; i < from->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (from->columns, i);
      g_autofree char *to_name = mapped_column (renames, from->name, column->name);
      StrataColumnDefinition *other = _strata_table_definition_lookup (to, to_name);
      g_autofree char *x = strata_sql_quote_identifier (column->name);
      g_autofree char *y = strata_sql_quote_identifier (to_name);

      if (other == NULL || column->generated != NULL || other->generated != NULL ||
          g_ascii_strcasecmp (column->type, other->type) != 0)
        continue;
      g_string_append_printf (a, "%squote(%s)", a->len ? " || '|' || " : "", x);
      g_string_append_printf (b, "%squote(%s)", b->len ? " || '|' || " : "", y);
    }
  if (a->len == 0)
    {
      g_string_append (a, "'row'");
      g_string_append (b, "'row'");
    }
  *from_query = g_strdup_printf ("SELECT group_concat(r, char(10)) FROM (SELECT %s AS r FROM %s "
                                 "ORDER BY 1)", a->str, from_id);
  *to_query = g_strdup_printf ("SELECT group_concat(r, char(10)) FROM (SELECT %s AS r FROM %s "
                               "ORDER BY 1)", b->str, to_id);
}

typedef struct
{
  char *table;
  char *query;
  char *expected;
} Fingerprint;

static void
fingerprint_free (Fingerprint *fingerprint)
{
  g_free (fingerprint->table);
  g_free (fingerprint->query);
  g_free (fingerprint->expected);
  g_free (fingerprint);
}

/* For each table of @from that @to keeps, the rows of the columns both
 * have, read now from @db, and the query that must find them again. */
static GPtrArray *
take_fingerprints (sqlite3              *db,
                   StrataSchemaSnapshot *from,
                   StrataSchemaSnapshot *to,
                   GPtrArray            *renames)
{
  GPtrArray *fingerprints = g_ptr_array_new_with_free_func ((GDestroyNotify)fingerprint_free);
  GPtrArray *entries = _strata_schema_snapshot_get_entries (from);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *to_name = NULL;
      g_autofree char *from_query = NULL;
      StrataSnapshotEntry *other;
      Fingerprint *fingerprint;

      /* A shadow table holds what its virtual table derives (an FTS index
       * rebuilt or merged changes it): the rows that count are the
       * content's. */
      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || entry->definition == NULL ||
          _strata_database_is_shadow_table (db, entry->name))
        continue;
      to_name = mapped_table (renames, entry->name);
      other = _strata_schema_snapshot_lookup (to, STRATA_SCHEMA_KIND_TABLE, to_name);
      if (other == NULL || other->definition == NULL)
        continue;
      fingerprint = g_new0 (Fingerprint, 1);
      fingerprint->table = g_strdup (entry->name);
      fingerprint_queries (entry->definition, other->definition, to_name, renames, &from_query,
                           &fingerprint->query);
      fingerprint->expected = query_text (db, from_query);
      g_ptr_array_add (fingerprints, fingerprint);
    }
  return fingerprints;
}

static gboolean
check_fingerprints (sqlite3     *db,
                    GPtrArray   *fingerprints,
                    const char  *section,
                    GError     **error)
{
  for (guint i = 0; i < fingerprints->len; i++)
    {
      Fingerprint *fingerprint = g_ptr_array_index (fingerprints, i);
      g_autofree char *actual = query_text (db, fingerprint->query);

      if (g_strcmp0 (actual, fingerprint->expected) != 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                       _("self-check failed: the %s loses or changes rows of table “%s”; "
                         "nothing was written"), section, fingerprint->table);
          return FALSE;
        }
    }
  return TRUE;
}

/* "table\037parent" to how many rows of table point at nothing in parent. */
static GHashTable *
count_violations (sqlite3 *db)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    return counts;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *key = g_strdup_printf ("%s\037%s", sqlite3_column_text (stmt, 0),
                                   sqlite3_column_text (stmt, 2));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

      g_hash_table_replace (counts, key, GUINT_TO_POINTER (count + 1));
    }
  sqlite3_finalize (stmt);
  return counts;
}

/* Rows the section leaves pointing at nothing are refused, unless their
 * parent is a table the section dropped, or brought back (empty: its rows
 * went with the upgrade's drop, and only the backup holds them), and their
 * own table was there before; the run counts the same way
 * (strata-foreign-keys.c). */
static const char *
adds_violations (GHashTable           *before,
                 GHashTable           *after,
                 StrataSchemaSnapshot *from,
                 StrataSchemaSnapshot *to,
                 guint                *added)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *parent = strchr (key, '\037') + 1;
      g_autofree char *child = g_strndup (key, parent - 1 - (const char *)key);
      gboolean child_was = _strata_schema_snapshot_lookup (from, STRATA_SCHEMA_KIND_TABLE,
                                                           child) != NULL;
      gboolean was = _strata_schema_snapshot_lookup (from, STRATA_SCHEMA_KIND_TABLE,
                                                     parent) != NULL;
      gboolean is = _strata_schema_snapshot_lookup (to, STRATA_SCHEMA_KIND_TABLE,
                                                    parent) != NULL;

      if (GPOINTER_TO_UINT (value) > GPOINTER_TO_UINT (g_hash_table_lookup (before, key)) &&
          (was == is || !child_was))
        {
          *added = GPOINTER_TO_UINT (value) - GPOINTER_TO_UINT (g_hash_table_lookup (before, key));
          return key;
        }
    }
  return NULL;
}

static gboolean
check_schema (StrataDatabase        *database,
              StrataSchemaSnapshot  *expected,
              const char            *section,
              GError               **error)
{
  g_autoptr(StrataSchemaSnapshot) actual = strata_schema_snapshot_read (database, NULL, error);
  g_auto(GStrv) differences = NULL;
  g_autofree char *text = NULL;

  if (actual == NULL)
    return FALSE;
  differences = strata_schema_snapshot_compare (actual, expected);
  if (differences[0] == NULL)
    return TRUE;
  text = g_strjoinv ("\n  ", differences);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
               _("self-check failed: the generated %s does not reach its schema; nothing was "
                 "written. What differs:\n  %s"), section, text);
  return FALSE;
}

/* One section in one transaction with foreign keys off, as the executor
 * runs it, then the checks the executor and the issue ask for. */
static gboolean
check_section (StrataDatabase        *database,
               const char            *sql,
               const char            *section,
               StrataSchemaSnapshot  *from,
               StrataSchemaSnapshot  *to,
               GPtrArray             *renames,
               GError               **error)
{
  sqlite3 *db = strata_database_get_handle (database);
  g_autoptr(GPtrArray) fingerprints = take_fingerprints (db, from, to, renames);
  g_autoptr(GHashTable) violations = count_violations (db);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *script = g_strdup_printf ("PRAGMA foreign_keys = OFF; BEGIN; %s COMMIT;", sql);
  const char *dangling;
  guint added = 0;

  if (_strata_database_exec (db, script) != SQLITE_OK)
    {
      g_autofree char *message = _strata_copy_failure_in_script (sql, sqlite3_errmsg (db));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                   _("self-check failed: the %s stops with “%s”; nothing was written"), section,
                   message);
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  after = count_violations (db);
  if ((dangling = adds_violations (violations, after, from, to, &added)))
    {
      g_auto(GStrv) names = g_strsplit (dangling, "\037", 2);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_FOREIGN_KEY,
                   _("self-check failed: after the %s, foreign_key_check finds %u rows of table "
                     "“%s” pointing at nothing in “%s”; nothing was written"),
                   section, added, names[0], names[1]);
      return FALSE;
    }
  return check_schema (database, to, section, error) &&
         check_fingerprints (db, fingerprints, section, error);
}

static gboolean
self_check (StrataAutogen  *self,
            Work           *work,
            GError        **error)
{
  g_autoptr(StrataDatabase) database = copy_database (work->head, error);
  g_autoptr(GPtrArray) inverted = invert_renames (work->renames);

  if (database == NULL)
    return FALSE;
  _strata_autogen_add_sample_rows (database, work->head_schema, work->target,
                                   work->target_schema, work->renames);
  return check_section (database, self->upgrade_sql, _("upgrade"), work->head_schema,
                       work->target_schema, work->renames, error) &&
         check_section (database, self->downgrade_sql, _("downgrade"), work->target_schema,
                        work->head_schema, inverted, error);
}

/* The real rows ------------------------------------------------------------------- */

/* The project's database, read-only, and the rows of it the upgrade would
 * refuse. A database that is missing or cannot be read has nothing to say
 * here: running the revision will say it. */
static void
check_project_rows (StrataAutogen *self,
                    GCancellable  *cancellable)
{
  g_autoptr(GPtrArray) fills = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StrataDatabase) database = NULL;
  GFile *file;

  if (self->project != NULL && self->upgrade_sql != NULL &&
      (file = strata_project_get_database_file (self->project)) != NULL &&
      g_file_query_exists (file, cancellable) &&
      (database = strata_database_open (file, STRATA_DATABASE_FLAGS_READ_ONLY, NULL)))
    self->row_problems = _strata_autogen_collect_rows (self, database, fills, cancellable, NULL);
  if (self->row_problems == NULL)
    self->row_problems = g_new0 (char *, 1);
  g_ptr_array_add (fills, NULL);
  self->suggested_fills = (GStrv)g_ptr_array_free (g_steal_pointer (&fills), FALSE);
}

/* Running ---------------------------------------------------------------------------- */

gboolean
strata_autogen_run (StrataAutogen  *self,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_auto(Work) work = { NULL };

  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);

  clear_results (self);
  if (!open_databases (self, &work, cancellable, error))
    return FALSE;
  self->differences = strata_schema_snapshot_compare (work.head_schema, work.target_schema);
  self->head_sql = strata_schema_snapshot_to_sql (work.head_schema);
  self->target_sql = strata_schema_snapshot_to_sql (work.target_schema);
  if (self->differences[0] == NULL || (self->flags & STRATA_AUTOGEN_FLAGS_COMPARE_ONLY) != 0)
    {
      self->notes = g_new0 (char *, 1);
      check_project_rows (self, cancellable);
      return TRUE;
    }
  if (!parse_renames (self, &work, error) ||
      !tell_renames (self, &work, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !plan_both (self, &work, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !self_check (self, &work, error))
    {
      g_clear_pointer (&self->upgrade_sql, g_free);
      g_clear_pointer (&self->downgrade_sql, g_free);
      return FALSE;
    }
  check_project_rows (self, cancellable);
  return TRUE;
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (strata_autogen_run (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
strata_autogen_run_async (StrataAutogen       *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_AUTOGEN (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* The worker owns the object until it returns; callers leave it alone. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_autogen_run_async);
  g_task_run_in_thread (task, run_worker);
}

gboolean
strata_autogen_run_finish (StrataAutogen  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Writing ---------------------------------------------------------------------------- */

StrataRevision *
strata_autogen_write_revision (StrataAutogen        *self,
                               StrataRevisionGraph  *graph,
                               const char           *message,
                               const char           *rev_id,
                               GError              **error)
{
  g_autoptr(StrataRevision) revision = NULL;

  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  g_return_val_if_fail (self->project != NULL, NULL);

  if (self->upgrade_sql == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("head already matches the schema file; there is nothing to generate"));
      return NULL;
    }
  revision = strata_project_create_revision (self->project, graph ? graph : self->graph, message,
                                             NULL, NULL, NULL, rev_id, FALSE, error);
  if (revision == NULL)
    return NULL;
  strata_revision_set_sql (revision, STRATA_DIRECTION_UPGRADE, self->upgrade_sql);
  strata_revision_set_sql (revision, STRATA_DIRECTION_DOWNGRADE, self->downgrade_sql);
  if (!strata_revision_save (revision, strata_revision_get_file (revision), NULL, error))
    return NULL;
  return g_steal_pointer (&revision);
}

typedef struct
{
  StrataRevisionGraph *graph;
  char                *message;
  char                *rev_id;
} WriteRevision;

static void
write_revision_free (WriteRevision *data)
{
  g_clear_object (&data->graph);
  g_clear_pointer (&data->message, g_free);
  g_clear_pointer (&data->rev_id, g_free);
  g_free (data);
}

static void
write_revision_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  WriteRevision *data = task_data;
  GError *error = NULL;
  StrataRevision *revision;

  revision = strata_autogen_write_revision (source_object, data->graph, data->message,
                                            data->rev_id, &error);
  if (revision != NULL)
    g_task_return_pointer (task, revision, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_autogen_write_revision_async (StrataAutogen        *self,
                                     StrataRevisionGraph  *graph,
                                     const char           *message,
                                     const char           *rev_id,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteRevision *data;

  g_return_if_fail (STRATA_IS_AUTOGEN (self));
  g_return_if_fail (graph == NULL || STRATA_IS_REVISION_GRAPH (graph));

  data = g_new0 (WriteRevision, 1);
  data->graph = graph != NULL ? g_object_ref (graph) : NULL;
  data->message = g_strdup (message);
  data->rev_id = g_strdup (rev_id);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_autogen_write_revision_async);
  g_task_set_task_data (task, data, (GDestroyNotify)write_revision_free);
  g_task_run_in_thread (task, write_revision_worker);
}

StrataRevision *
strata_autogen_write_revision_finish (StrataAutogen  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (STRATA_IS_AUTOGEN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* `strata-cli schema` without a database ----------------------------------------------- */

char *
strata_autogen_replay_head (StrataProject        *project,
                            StrataRevisionGraph  *graph,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(StrataRevisionGraph) loaded = NULL;
  g_autoptr(StrataDatabase) database = NULL;
  g_autoptr(StrataSchemaSnapshot) schema = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  if (graph == NULL && !(graph = loaded = strata_project_load_graph (project, cancellable, error)))
    return NULL;
  if (!(database = _strata_autogen_replay (graph, NULL, cancellable, error)) ||
      !(schema = strata_schema_snapshot_read (database, cancellable, error)))
    return NULL;
  return strata_schema_snapshot_to_sql (schema);
}
