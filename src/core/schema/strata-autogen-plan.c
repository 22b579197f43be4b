/* strata-autogen-plan.c: the statements from one schema to another
 *
 * Every statement is run on a scratch database as it is written. The plan
 * relies on the executor turning foreign keys off around each revision's
 * transaction (so DROP TABLE fires no ON DELETE CASCADE) and running
 * PRAGMA foreign_key_check before COMMIT (see strata-run-step.c); the
 * SQL written here therefore never touches PRAGMA foreign_keys itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-autogen-private.h"
#include "strata-copy-failure-private.h"
#include "strata-error.h"
#include "strata-schema-snapshot-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-sql.h"

typedef struct
{
  StrataDatabase       *scratch;
  sqlite3              *db;
  StrataSchemaSnapshot *target;
  GPtrArray            *renames;
  gboolean              allow_drop;
  /* The downgrade: it brings back what the upgrade dropped, without its
   * values, which only a backup holds. */
  gboolean              restoring;
  GString              *sql;
  GStrvBuilder         *notes;
  StrataDropQuestion   *question;
  /* "table.column" (case-folded) to the SQL that fills its NULLs in a copy. */
  GHashTable           *fills;
  /* "table.column=VALUE" for each placeholder the downgrade writes where no
   * fill chose a value: suggested fills. May be NULL. */
  GPtrArray            *placeholders;
  /* The schema of the scratch database, re-read after each change. */
  StrataSchemaSnapshot *current;
} Plan;

void
_strata_drop_question_clear (StrataDropQuestion *question)
{
  g_clear_pointer (&question->subject, g_free);
  g_clear_pointer (&question->rename, g_free);
}

void
_strata_rename_free (StrataRename *rename)
{
  if (rename == NULL)
    return;
  g_free (rename->from_table);
  g_free (rename->to_table);
  g_free (rename->from_column);
  g_free (rename->to_column);
  g_free (rename);
}

StrataRename *
_strata_rename_invert (StrataRename *rename)
{
  StrataRename *inverted = g_new0 (StrataRename, 1);

  inverted->from_table = g_strdup (rename->to_table);
  inverted->to_table = g_strdup (rename->from_table);
  inverted->from_column = g_strdup (rename->to_column);
  inverted->to_column = g_strdup (rename->from_column);
  return inverted;
}

static void
add_note (Plan *plan,
          char *note)
{
  g_strv_builder_add (plan->notes, note);
  g_free (note);
}

/* Running ----------------------------------------------------------------------- */

static gboolean
refresh (Plan    *plan,
         GError **error)
{
  StrataSchemaSnapshot *current = strata_schema_snapshot_read (plan->scratch, NULL, error);

  if (current == NULL)
    return FALSE;
  g_clear_object (&plan->current);
  plan->current = current;
  return TRUE;
}

static gboolean
run (Plan        *plan,
     const char  *statement,
     GError     **error)
{
  g_autofree char *message = NULL;

  if (_strata_database_exec (plan->db, statement) == SQLITE_OK)
    return TRUE;
  message = _strata_copy_failure_explain (plan->db, statement, sqlite3_errmsg (plan->db));
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
               _("the generated statement “%s” fails on the schema it was made for: %s"),
               statement, message);
  return FALSE;
}

/* Writes @statement into the revision and runs it on the scratch database. */
static gboolean
emit (Plan        *plan,
      const char  *statement,
      GError     **error)
{
  if (!run (plan, statement, error))
    return FALSE;
  g_string_append_printf (plan->sql, "%s;\n", statement);
  return TRUE;
}

static gboolean
emitf (Plan        *plan,
       GError     **error,
       const char  *format,
       ...) G_GNUC_PRINTF (3, 4);

static gboolean
emitf (Plan        *plan,
       GError     **error,
       const char  *format,
       ...)
{
  g_autofree char *statement = NULL;
  va_list args;

  va_start (args, format);
  statement = g_strdup_vprintf (format, args);
  va_end (args);
  return emit (plan, statement, error);
}

static char *
ident (const char *name)
{
  return _strata_sql_identifier (name);
}

static StrataSnapshotEntry *
current_table (Plan       *plan,
               const char *name)
{
  return _strata_schema_snapshot_lookup (plan->current, STRATA_SCHEMA_KIND_TABLE, name);
}

static StrataSnapshotEntry *
target_table (Plan       *plan,
              const char *name)
{
  return _strata_schema_snapshot_lookup (plan->target, STRATA_SCHEMA_KIND_TABLE, name);
}

/* The tables of @schema other than @table whose foreign keys name @table,
 * and that @keep (when not NULL) has too, as "“a”, “b”" (or "a, b" for an
 * SQL comment); NULL when none. */
static char *
referring_tables (StrataSchemaSnapshot *schema,
                  StrataSchemaSnapshot *keep,
                  const char           *table,
                  gboolean              quoted)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (schema);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      GPtrArray *keys;

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || entry->object == NULL ||
          g_ascii_strcasecmp (entry->name, table) == 0 ||
          (keep != NULL &&
           _strata_schema_snapshot_lookup (keep, STRATA_SCHEMA_KIND_TABLE, entry->name) == NULL))
        continue;
      keys = strata_schema_object_get_foreign_keys (entry->object);
      for (guint k = 0; keys != NULL && k < keys->len; k++)
        if (g_ascii_strcasecmp (((StrataSchemaForeignKey *)g_ptr_array_index (keys, k))->table,
                                table) == 0)
          {
            g_string_append_printf (names, quoted ? "%s“%s”" : "%s%s", names->len ? ", " : "",
                                    entry->name);
            break;
          }
    }
  return names->len ? g_string_free (g_steal_pointer (&names), FALSE) : NULL;
}

/* Renames ------------------------------------------------------------------------ */

static StrataRename *
find_table_rename (Plan       *plan,
                   const char *from_table,
                   const char *to_table)
{
  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);

      if (rename->from_column != NULL)
        continue;
      if ((from_table != NULL && g_ascii_strcasecmp (rename->from_table, from_table) == 0) ||
          (to_table != NULL && g_ascii_strcasecmp (rename->to_table, to_table) == 0))
        return rename;
    }
  return NULL;
}

static char *scratch_name (Plan       *plan,
                           const char *table);

static gboolean
rename_table (Plan        *plan,
              const char  *from,
              const char  *to,
              GError     **error)
{
  g_autofree char *from_id = ident (from);
  g_autofree char *to_id = ident (to);

  return emitf (plan, error, "ALTER TABLE %s RENAME TO %s", from_id, to_id) &&
         refresh (plan, error);
}

/* A name that is still taken (a swap, a rotation: a to b while b goes to a)
 * is reached in two moves: first aside to a name nothing uses, then, once
 * every other rename has freed its name, to the name wanted. @asides holds,
 * for each rename, the name it was moved aside to, or NULL. */
static gboolean
rename_tables (Plan    *plan,
               GError **error)
{
  g_autoptr(GPtrArray) asides = g_ptr_array_new_full (plan->renames->len, g_free);

  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);
      g_autofree char *aside = NULL;

      g_ptr_array_add (asides, NULL);
      if (rename->from_column != NULL)
        continue;
      if (current_table (plan, rename->from_table) == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                       _("cannot rename table “%s”: there is no such table"), rename->from_table);
          return FALSE;
        }
      if (current_table (plan, rename->to_table) != NULL &&
          g_ascii_strcasecmp (rename->from_table, rename->to_table) != 0)
        aside = scratch_name (plan, rename->to_table);
      if (!rename_table (plan, rename->from_table, aside ? aside : rename->to_table, error))
        return FALSE;
      g_ptr_array_index (asides, i) = g_steal_pointer (&aside);
    }
  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);
      const char *aside = g_ptr_array_index (asides, i);

      if (aside != NULL && !rename_table (plan, aside, rename->to_table, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
rename_column (Plan        *plan,
               const char  *table,
               const char  *from,
               const char  *to,
               GError     **error)
{
  g_autofree char *table_id = ident (table);
  g_autofree char *from_id = ident (from);
  g_autofree char *to_id = ident (to);

  return emitf (plan, error, "ALTER TABLE %s RENAME COLUMN %s TO %s", table_id, from_id,
                to_id) &&
         refresh (plan, error);
}

/* A column name @definition does not use. */
static char *
aside_column (StrataTableDefinition *definition,
              const char            *column)
{
  char *name = g_strconcat ("strata_was_", column, NULL);

  for (guint n = 2; _strata_table_definition_lookup (definition, name) != NULL; n++)
    {
      g_free (name);
      name = g_strdup_printf ("strata_was_%s_%u", column, n);
    }
  return name;
}

/* The one column of @entry that schema.sql no longer has, if there is
 * exactly one: what a rename whose old name is misspelt likely meant. */
static const char *
only_dropped_column (Plan                *plan,
                     StrataSnapshotEntry *entry)
{
  StrataSnapshotEntry *target = target_table (plan, entry->name);
  const char *found = NULL;

  if (target == NULL || target->definition == NULL)
    return NULL;
  for (guint i = 0; i < entry->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (entry->definition->columns, i);

      if (_strata_table_definition_lookup (target->definition, column->name) != NULL)
        continue;
      if (found != NULL)
        return NULL;
      found = column->name;
    }
  return found;
}

static void
no_such_column (Plan                *plan,
                StrataRename        *rename,
                StrataSnapshotEntry *entry,
                GError             **error)
{
  const char *meant = NULL;

  if (plan->target != NULL && entry != NULL && entry->definition != NULL)
    meant = only_dropped_column (plan, entry);
  if (meant == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                   _("cannot rename column “%s” of table “%s”: there is no such column"),
                   rename->from_column, rename->from_table);
      return;
    }
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
               _("cannot rename column “%s” of table “%s”: there is no such column; the column "
                 "schema.sql no longer has is “%s” (strata-cli: --rename %s.%s:%s instead of "
                 "--rename %s.%s:%s)"),
               rename->from_column, rename->from_table, meant, rename->from_table, meant,
               rename->to_column, rename->from_table, rename->from_column, rename->to_column);
}

/* As rename_tables(): a name still taken is reached by way of another. */
static gboolean
rename_columns (Plan    *plan,
                GError **error)
{
  g_autoptr(GPtrArray) asides = g_ptr_array_new_full (plan->renames->len, g_free);

  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);
      g_autofree char *aside = NULL;
      StrataSnapshotEntry *entry;

      g_ptr_array_add (asides, NULL);
      if (rename->from_column == NULL)
        continue;
      entry = current_table (plan, rename->to_table);
      if (entry == NULL || entry->definition == NULL ||
          _strata_table_definition_lookup (entry->definition, rename->from_column) == NULL)
        {
          no_such_column (plan, rename, entry, error);
          return FALSE;
        }
      if (_strata_table_definition_lookup (entry->definition, rename->to_column) != NULL &&
          g_ascii_strcasecmp (rename->from_column, rename->to_column) != 0)
        aside = aside_column (entry->definition, rename->from_column);
      if (!rename_column (plan, rename->to_table, rename->from_column,
                          aside ? aside : rename->to_column, error))
        return FALSE;
      g_ptr_array_index (asides, i) = g_steal_pointer (&aside);
    }
  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);
      const char *aside = g_ptr_array_index (asides, i);

      if (aside != NULL &&
          !rename_column (plan, rename->to_table, aside, rename->to_column, error))
        return FALSE;
    }
  return TRUE;
}

/* What goes: confirmation ---------------------------------------------------------- */

static guint
shared_columns (StrataTableDefinition *a,
                StrataTableDefinition *b)
{
  guint shared = 0;

  for (guint i = 0; i < a->columns->len; i++)
    if (_strata_table_definition_lookup (b, ((StrataColumnDefinition *)
                                             g_ptr_array_index (a->columns, i))->name))
      shared++;
  return shared;
}

/* A table that goes while one with mostly the same columns comes is likely
 * the same table renamed. */
static char *
table_candidate (Plan                *plan,
                 StrataSnapshotEntry *gone)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->target);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      guint most;

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || entry->definition == NULL ||
          gone->definition == NULL || current_table (plan, entry->name) != NULL)
        continue;
      most = MAX (entry->definition->columns->len, gone->definition->columns->len);
      if (2 * shared_columns (gone->definition, entry->definition) >= most)
        return g_strdup (entry->name);
    }
  return NULL;
}

/* A column that goes while one of the same type comes in the same table. */
static char *
column_candidate (StrataTableDefinition  *from,
                  StrataTableDefinition  *to,
                  StrataColumnDefinition *gone)
{
  for (guint i = 0; i < to->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->columns, i);

      if (_strata_table_definition_lookup (from, column->name) == NULL &&
          g_ascii_strcasecmp (column->type, gone->type) == 0)
        return g_strdup (column->name);
    }
  return NULL;
}

/* The rename the person gave that produced @table (and @column), if any:
 * a drop of a name that only a rename made is a typo in that rename. */
static StrataRename *
given_rename (Plan       *plan,
              const char *table,
              const char *column)
{
  for (guint i = 0; i < plan->renames->len; i++)
    {
      StrataRename *rename = g_ptr_array_index (plan->renames, i);

      if ((rename->from_column == NULL) != (column == NULL) ||
          g_ascii_strcasecmp (rename->to_table, table) != 0 ||
          (column != NULL && g_ascii_strcasecmp (rename->to_column, column) != 0))
        continue;
      if (column == NULL || g_ascii_strcasecmp (rename->from_column, column) != 0)
        return rename;
    }
  return NULL;
}

static gboolean
confirm_drop (Plan         *plan,
              const char   *what,
              const char   *spec,
              const char   *candidate,
              StrataRename *given,
              GError      **error)
{
  g_autofree char *head_spec = NULL;
  g_autofree char *wrong = NULL;

  if (plan->restoring)
    return TRUE;
  /* The rename to suggest names head, as every rename does: the one that
   * made this name replaces it. */
  if (given != NULL && given->from_column != NULL)
    {
      head_spec = g_strdup_printf ("%s.%s", given->from_table, given->from_column);
      wrong = g_strdup_printf ("%s:%s", head_spec, given->to_column);
    }
  else if (given != NULL)
    {
      head_spec = g_strdup (given->from_table);
      wrong = g_strdup_printf ("%s:%s", head_spec, given->to_table);
    }
  else
    head_spec = g_strdup (spec);
  if (plan->allow_drop)
    {
      g_string_append_printf (plan->sql, "-- Drops %s (--allow-drop): its values are then only "
                                         "in the backup taken before the upgrade runs.\n", spec);
      if (candidate != NULL)
        add_note (plan, g_strdup_printf (_("assumed %s was dropped and “%s” added, not renamed; "
                                           "if it was renamed, say so with the rename %s:%s"),
                                         what, candidate, head_spec, candidate));
      else
        add_note (plan, g_strdup_printf (_("%s is dropped, and its data with it: its values "
                                           "are then only in the backup taken before the "
                                           "upgrade"), what));
      return TRUE;
    }
  if (plan->question != NULL)
    {
      _strata_drop_question_clear (plan->question);
      plan->question->subject = g_strdup (what);
      if (candidate != NULL)
        plan->question->rename = g_strdup_printf ("%s:%s", head_spec, candidate);
    }
  if (candidate != NULL && wrong != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("%s would be dropped, and its data with it, while “%s” is added: if it was "
                   "renamed, give the rename %s:%s in place of %s (strata-cli: --rename %s:%s "
                   "instead of --rename %s); to drop it, confirm the drop "
                   "(strata-cli: --allow-drop)"),
                 what, candidate, head_spec, candidate, wrong, head_spec, candidate, wrong);
  else if (candidate != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("%s would be dropped, and its data with it, while “%s” is added: if it was "
                   "renamed, give the rename %s:%s (strata-cli: --rename %s:%s); to drop it, "
                   "confirm the drop (strata-cli: --allow-drop)"),
                 what, candidate, head_spec, candidate, head_spec, candidate);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("%s would be dropped, and its data with it; confirm the drop "
                   "(strata-cli: --allow-drop)"), what);
  return FALSE;
}

/* A table that goes while others that stay point at it: their rows keep
 * the values, and the downgrade can only bring the table back empty. */
static void
note_referring (Plan       *plan,
                const char *table)
{
  g_autofree char *referring = NULL;
  g_autofree char *plain = NULL;

  /* Head's references count: the downgrade brings them back. */
  if (plan->restoring ||
      !(referring = referring_tables (plan->current, plan->target, table, TRUE)))
    return;
  plain = referring_tables (plan->current, plan->target, table, FALSE);
  g_string_append_printf (plan->sql, "-- Rows of %s keep their references to %s; the downgrade "
                                     "brings %s back empty, so they point at nothing until its "
                                     "rows are restored from the backup.\n",
                          plain, table, table);
  add_note (plan, g_strdup_printf (_("table “%s” is dropped while %s refer to it: their rows "
                                     "keep the values, and the downgrade brings “%s” back "
                                     "empty, so the run then warns that they point at nothing; "
                                     "the rows of “%s” are only in the backup taken before the "
                                     "upgrade"),
                                   table, referring, table, table));
}

static gboolean
confirm_table_drops (Plan    *plan,
                     GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *what = NULL;
      g_autofree char *candidate = NULL;

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || target_table (plan, entry->name) != NULL)
        continue;
      what = g_strdup_printf (_("table “%s”"), entry->name);
      candidate = table_candidate (plan, entry);
      if (!confirm_drop (plan, what, entry->name, candidate,
                         given_rename (plan, entry->name, NULL), error))
        return FALSE;
      note_referring (plan, entry->name);
    }
  return TRUE;
}

static gboolean
confirm_column_drops (Plan    *plan,
                      GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);
      StrataSnapshotEntry *target = NULL;

      if (entry->kind == STRATA_SCHEMA_KIND_TABLE)
        target = target_table (plan, entry->name);
      if (target == NULL || entry->definition == NULL || target->definition == NULL)
        continue;
      for (guint c = 0; c < entry->definition->columns->len; c++)
        {
          StrataColumnDefinition *column = g_ptr_array_index (entry->definition->columns, c);
          g_autofree char *what = NULL;
          g_autofree char *spec = NULL;
          g_autofree char *candidate = NULL;

          if (_strata_table_definition_lookup (target->definition, column->name) != NULL)
            continue;
          what = g_strdup_printf (_("column “%s” of table “%s”"), column->name, entry->name);
          spec = g_strdup_printf ("%s.%s", entry->name, column->name);
          candidate = column_candidate (entry->definition, target->definition, column);
          if (!confirm_drop (plan, what, spec, candidate,
                             given_rename (plan, entry->name, column->name), error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Views, triggers and indexes ------------------------------------------------------- */

static const char *
kind_keyword (StrataSchemaKind kind)
{
  switch (kind)
    {
    case STRATA_SCHEMA_KIND_VIEW:
      return "VIEW";
    case STRATA_SCHEMA_KIND_INDEX:
      return "INDEX";
    case STRATA_SCHEMA_KIND_TRIGGER:
      return "TRIGGER";
    case STRATA_SCHEMA_KIND_TABLE:
    default:
      return "TABLE";
    }
}

static gboolean
drop_entry (Plan                 *plan,
            StrataSnapshotEntry  *entry,
            GError              **error)
{
  g_autofree char *name = ident (entry->name);
  return emitf (plan, error, "DROP %s %s", kind_keyword (entry->kind), name);
}

static gboolean
mentions_any (StrataSnapshotEntry *entry,
              GPtrArray           *names)
{
  for (guint i = 0; i < names->len; i++)
    if (_strata_sql_mentions (entry->sql, g_ptr_array_index (names, i)))
      return TRUE;
  return FALSE;
}

/* The views and triggers whose SQL names one of @names, and, since a view
 * that names a dropped view would stop every later ALTER TABLE, those that
 * name them in turn. */
static GPtrArray *
find_dependents (Plan      *plan,
                 GPtrArray *names)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);
  GPtrArray *found = g_ptr_array_new ();
  gboolean again = TRUE;

  while (again)
    {
      again = FALSE;
      for (guint i = 0; i < entries->len; i++)
        {
          StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

          if ((entry->kind != STRATA_SCHEMA_KIND_VIEW &&
               entry->kind != STRATA_SCHEMA_KIND_TRIGGER) ||
              g_ptr_array_find (found, entry, NULL) || !mentions_any (entry, names))
            continue;
          g_ptr_array_add (found, entry);
          if (entry->kind == STRATA_SCHEMA_KIND_VIEW)
            g_ptr_array_add (names, g_strdup (entry->name));
          again = TRUE;
        }
    }
  return found;
}

/* Drops what find_dependents() finds, triggers first: dropping a view takes
 * its INSTEAD OF triggers with it. The final reconciliation creates again
 * whatever the target has. */
static gboolean
drop_dependents (Plan       *plan,
                 GPtrArray  *names,
                 GError    **error)
{
  g_autoptr(GPtrArray) found = find_dependents (plan, names);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < found->len; i++)
      {
        StrataSnapshotEntry *entry = g_ptr_array_index (found, i);
        StrataSchemaKind kind = pass == 0 ? STRATA_SCHEMA_KIND_TRIGGER : STRATA_SCHEMA_KIND_VIEW;

        if (entry->kind == kind && !drop_entry (plan, entry, error))
          return FALSE;
      }
  return found->len == 0 || refresh (plan, error);
}

static gboolean
differs_from_target (Plan                *plan,
                     StrataSnapshotEntry *entry)
{
  StrataSnapshotEntry *target = _strata_schema_snapshot_lookup (plan->target, entry->kind,
                                                                entry->name);
  return target == NULL || strcmp (target->key, entry->key) != 0 ||
         strcmp (target->name, entry->name) != 0;
}

/* Indexes, views and triggers that will not survive as they are go first,
 * so that no ALTER TABLE trips over them; the reconciliation at the end
 * creates the target's. */
static gboolean
drop_changed_dependents (Plan    *plan,
                         GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean dropped = FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == STRATA_SCHEMA_KIND_TABLE)
        {
          if (target_table (plan, entry->name) == NULL &&
              find_table_rename (plan, entry->name, NULL) == NULL)
            g_ptr_array_add (names, g_strdup (entry->name));
          continue;
        }
      if (!differs_from_target (plan, entry))
        continue;
      if (entry->kind == STRATA_SCHEMA_KIND_INDEX)
        {
          if (!drop_entry (plan, entry, error))
            return FALSE;
          dropped = TRUE;
          continue;
        }
      g_ptr_array_add (names, g_strdup (entry->name));
    }
  if (dropped && !refresh (plan, error))
    return FALSE;
  return drop_dependents (plan, names, error);
}

static gboolean
drop_leftovers (Plan              *plan,
                StrataSchemaKind   kind,
                GError           **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);
  gboolean dropped = FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind != kind || !differs_from_target (plan, entry))
        continue;
      if (!drop_entry (plan, entry, error))
        return FALSE;
      dropped = TRUE;
    }
  return !dropped || refresh (plan, error);
}

static gboolean
create_missing (Plan              *plan,
                StrataSchemaKind   kind,
                GError           **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->target);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind != kind ||
          _strata_schema_snapshot_lookup (plan->current, kind, entry->name) != NULL)
        continue;
      if (!emit (plan, entry->sql, error))
        return FALSE;
    }
  return refresh (plan, error);
}

static gboolean
reconcile (Plan    *plan,
           GError **error)
{
  return drop_leftovers (plan, STRATA_SCHEMA_KIND_TRIGGER, error) &&
         drop_leftovers (plan, STRATA_SCHEMA_KIND_VIEW, error) &&
         drop_leftovers (plan, STRATA_SCHEMA_KIND_INDEX, error) &&
         create_missing (plan, STRATA_SCHEMA_KIND_INDEX, error) &&
         create_missing (plan, STRATA_SCHEMA_KIND_VIEW, error) &&
         create_missing (plan, STRATA_SCHEMA_KIND_TRIGGER, error);
}

/* Tables that come and go ------------------------------------------------------------ */

/* The downgrade creates again a table the upgrade dropped, without rows. */
static void
note_empty (Plan       *plan,
            const char *table)
{
  g_autofree char *referring = referring_tables (plan->target, NULL, table, FALSE);

  g_string_append_printf (plan->sql, "-- Table %s comes back empty: its rows are only in the "
                                     "backup taken before the upgrade ran.%s%s%s\n",
                          table, referring ? " Rows of " : "", referring ? referring : "",
                          referring ? " that pointed at them point at nothing until then." : "");
}

/* An external-content FTS table starts empty over a table that may already
 * hold rows, and its sync triggers only index rows to come: "rebuild" indexes
 * those there. NULL for any other table. */
static char *
rebuild_statement (const char *name,
                   const char *sql)
{
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (sql);
  g_autofree char *module = _strata_sql_virtual_module (sql);
  g_autofree char *quoted = NULL;
  gboolean fts = g_strcmp0 (module, "fts4") == 0 || g_strcmp0 (module, "fts5") == 0;
  for (guint i = 0; fts && i + 2 < tokens->len; i++)
    {
      StrataSqlToken *value = g_ptr_array_index (tokens, i + 2);

      /* content = '' is a contentless table: nothing to index from. */
      if (!_strata_sql_token_is (tokens, i, "content") ||
          !_strata_sql_token_is (tokens, i + 1, "=") || value->value[0] == '\0' ||
          strcmp (value->text, "''") == 0)
        continue;
      quoted = strata_sql_quote_identifier (name);
      return g_strdup_printf ("INSERT INTO %s (%s) VALUES ('rebuild')", quoted, quoted);
    }
  return NULL;
}

static gboolean
create_tables (Plan    *plan,
               GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->target);
  gboolean created = FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || current_table (plan, entry->name) != NULL)
        continue;
      if (plan->restoring)
        note_empty (plan, entry->name);
      g_autofree char *rebuild = rebuild_statement (entry->name, entry->sql);

      if (!emit (plan, entry->sql, error) || (rebuild != NULL && !emit (plan, rebuild, error)))
        return FALSE;
      created = TRUE;
    }
  return !created || refresh (plan, error);
}

static gboolean
drop_tables (Plan    *plan,
             GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->current);
  gboolean dropped = FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind != STRATA_SCHEMA_KIND_TABLE || target_table (plan, entry->name) != NULL)
        continue;
      if (!drop_entry (plan, entry, error))
        return FALSE;
      dropped = TRUE;
    }
  return !dropped || refresh (plan, error);
}

/* Tables that change: ALTER TABLE where SQLite allows ------------------------------ */

static gboolean
is_time_default (const char *value)
{
  return g_ascii_strcasecmp (value, "CURRENT_TIME") == 0 ||
         g_ascii_strcasecmp (value, "CURRENT_DATE") == 0 ||
         g_ascii_strcasecmp (value, "CURRENT_TIMESTAMP") == 0;
}

/* SQLite's rules for ALTER TABLE ADD COLUMN, whatever rows the table holds. */
static gboolean
can_add_column (StrataColumnDefinition *column)
{
  gboolean null_default = column->default_sql == NULL ||
                          g_ascii_strcasecmp (column->default_sql, "NULL") == 0;

  if (column->primary_key || column->unique || (column->generated != NULL && column->stored))
    return FALSE;
  if (column->default_sql != NULL &&
      (column->default_sql[0] == '(' || is_time_default (column->default_sql)))
    return FALSE;
  if (column->not_null && null_default && column->generated == NULL)
    return FALSE;
  return column->references == NULL || null_default;
}

/* ALTER TABLE DROP COLUMN refuses these whatever the schema around them. */
static gboolean
can_drop_column (StrataColumnDefinition *column)
{
  return !column->primary_key && !column->unique && column->references == NULL;
}

static gboolean
same_table_constraints (StrataTableDefinition *from,
                        StrataTableDefinition *to)
{
  if (from->strict != to->strict || from->without_rowid != to->without_rowid ||
      from->constraint_keys->len != to->constraint_keys->len)
    return FALSE;
  for (guint i = 0; i < from->constraint_keys->len; i++)
    if (strcmp (g_ptr_array_index (from->constraint_keys, i),
                g_ptr_array_index (to->constraint_keys, i)) != 0)
      return FALSE;
  return TRUE;
}

/* TRUE when @to is @from with some columns dropped and others appended, the
 * rest unchanged: what DROP COLUMN and ADD COLUMN can do. */
static gboolean
alterable (StrataTableDefinition *from,
           StrataTableDefinition *to)
{
  guint j = 0;

  if (!same_table_constraints (from, to))
    return FALSE;
  for (guint i = 0; i < from->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (from->columns, i);
      StrataColumnDefinition *next = j < to->columns->len ? g_ptr_array_index (to->columns, j)
                                                          : NULL;

      if (_strata_table_definition_lookup (to, column->name) == NULL)
        {
          if (!can_drop_column (column))
            return FALSE;
          continue;
        }
      if (next == NULL || strcmp (next->key, column->key) != 0)
        return FALSE;
      j++;
    }
  for (; j < to->columns->len; j++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->columns, j);

      if (_strata_table_definition_lookup (from, column->name) != NULL || !can_add_column (column))
        return FALSE;
    }
  return TRUE;
}

/* The downgrade adds back a column the upgrade dropped: the file says
 * that its values are not what comes back. */
static void
comment_restored (Plan                   *plan,
                  const char             *table,
                  StrataColumnDefinition *column)
{
  if (!plan->restoring || column->generated != NULL)
    return;
  g_string_append_printf (plan->sql, "-- Column %s of table %s comes back without its values "
                                     "(%s in every row): the upgrade dropped them, and they are "
                                     "only in the backup taken before the upgrade ran.\n",
                          column->name, table,
                          column->default_sql != NULL ? column->default_sql : "NULL");
}

static gboolean
alter_columns (Plan                *plan,
               StrataSnapshotEntry *from,
               StrataSnapshotEntry *to,
               GError             **error)
{
  g_autofree char *table = ident (to->name);

  for (guint i = 0; i < from->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (from->definition->columns, i);
      g_autofree char *name = ident (column->name);

      if (_strata_table_definition_lookup (to->definition, column->name) == NULL &&
          !emitf (plan, error, "ALTER TABLE %s DROP COLUMN %s", table, name))
        return FALSE;
    }
  for (guint i = 0; i < to->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->definition->columns, i);

      if (_strata_table_definition_lookup (from->definition, column->name) != NULL)
        continue;
      comment_restored (plan, to->name, column);
      if (!emitf (plan, error, "ALTER TABLE %s ADD COLUMN %s", table, column->definition))
        return FALSE;
    }
  return TRUE;
}

/* Tries ALTER TABLE under a savepoint; if SQLite refuses, or the result is
 * not exactly the target table, everything it wrote is taken back. */
static gboolean
try_alter (Plan                *plan,
           StrataSnapshotEntry *from,
           StrataSnapshotEntry *to)
{
  gsize mark = plan->sql->len;
  g_autoptr(GError) error = NULL;
  StrataSnapshotEntry *result;

  if (!alterable (from->definition, to->definition) ||
      !run (plan, "SAVEPOINT strata_alter", NULL))
    return FALSE;
  if (alter_columns (plan, from, to, &error) && refresh (plan, &error) &&
      (result = current_table (plan, to->name)) != NULL && strcmp (result->key, to->key) == 0)
    return run (plan, "RELEASE strata_alter", NULL);

  g_debug ("ALTER TABLE cannot reach %s: %s", to->name, error ? error->message : "differs");
  run (plan, "ROLLBACK TO strata_alter", NULL);
  run (plan, "RELEASE strata_alter", NULL);
  g_string_truncate (plan->sql, mark);
  refresh (plan, NULL);
  return FALSE;
}

/* Tables that change: the twelve-step rebuild --------------------------------------- */

static char *
scratch_name (Plan       *plan,
              const char *table)
{
  g_autofree char *base = g_strconcat ("new_", table, NULL);
  char *name = g_strdup (base);

  for (guint n = 2; current_table (plan, name) != NULL ||
                    (plan->target != NULL && target_table (plan, name) != NULL);
       n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%u", base, n);
    }
  return name;
}

/* A rowid table whose rows are not numbered by an INTEGER PRIMARY KEY column:
 * its rowids are copied by name, or a rebuild would renumber them and an FTS
 * index with content_rowid, or anything else that kept them, would point at
 * the wrong rows. */
static gboolean
numbers_rows_itself (StrataSnapshotEntry *entry)
{
  GListModel *columns;
  guint keys = 0;
  gboolean integer = FALSE;

  if (entry->definition == NULL || entry->definition->without_rowid || entry->object == NULL)
    return FALSE;
  columns = strata_schema_object_get_columns (entry->object);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(StrataSchemaColumn) column = g_list_model_get_item (columns, i);

      if (strata_schema_column_get_primary_key (column) <= 0)
        continue;
      keys++;
      integer = g_ascii_strcasecmp (strata_schema_column_get_type_name (column), "INTEGER") == 0;
    }
  return !(keys == 1 && integer);
}

static const char *
fill_for (Plan       *plan,
          const char *table,
          const char *column)
{
  g_autofree char *key = NULL;
  g_autofree char *folded = NULL;

  if (plan->fills == NULL)
    return NULL;
  key = g_strdup_printf ("%s.%s", table, column);
  folded = g_ascii_strdown (key, -1);
  return g_hash_table_lookup (plan->fills, folded);
}

/* Whether @text (case-folded SQL) names @name (case-folded) as a word. */
static gboolean
names_word (const char *text,
            const char *name)
{
  gsize length = strlen (name);

  for (const char *at = strstr (text, name); at != NULL; at = strstr (at + 1, name))
    if ((at == text || !(g_ascii_isalnum (at[-1]) || at[-1] == '_')) &&
        !(g_ascii_isalnum (at[length]) || at[length] == '_'))
      return TRUE;
  return FALSE;
}

/* Whether @column of @table takes part in a UNIQUE constraint or a unique
 * index of the schema the plan goes to. Words are matched loosely: a column
 * taken for unique that is not only gets a placeholder that differs from
 * row to row. */
static gboolean
is_unique (Plan                   *plan,
           StrataSnapshotEntry    *table,
           StrataColumnDefinition *column)
{
  g_autofree char *name = g_ascii_strdown (column->name, -1);
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->target);

  if (column->unique)
    return TRUE;
  for (guint i = 0; i < table->definition->constraint_keys->len; i++)
    {
      const char *key = g_ptr_array_index (table->definition->constraint_keys, i);

      if (g_ascii_strncasecmp (key, "unique", 6) == 0 && names_word (key, name))
        return TRUE;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == STRATA_SCHEMA_KIND_INDEX && entry->table != NULL &&
          g_ascii_strcasecmp (entry->table, table->name) == 0 &&
          g_ascii_strncasecmp (entry->key, "create unique", 13) == 0 &&
          names_word (entry->key, name))
        return TRUE;
    }
  return FALSE;
}

/* A NOT NULL column without a DEFAULT that a rebuild of @to from @from
 * brings back takes this in every row, unless a fill names a value. Where
 * the column is unique, the value differs from row to row (by rowid, or by
 * row number in a table without one), else the rebuild would fail. */
static const char *
placeholder (Plan                   *plan,
             StrataSnapshotEntry    *from,
             StrataSnapshotEntry    *to,
             StrataColumnDefinition *column)
{
  g_autofree char *upper = g_ascii_strup (column->type, -1);
  gboolean numeric = strstr (upper, "INT") || strstr (upper, "NUM") || strstr (upper, "DEC") ||
                     strstr (upper, "BOOL");
  gboolean real = strstr (upper, "REAL") || strstr (upper, "FLOA") || strstr (upper, "DOUB");
  gboolean blob = strstr (upper, "BLOB") != NULL;

  if (is_unique (plan, to, column))
    {
      gboolean rowid = from->definition != NULL && !from->definition->without_rowid;

      if (numeric || real)
        return rowid ? "rowid" : "row_number() OVER ()";
      if (blob)
        return rowid ? "CAST(rowid AS BLOB)" : "CAST(row_number() OVER () AS BLOB)";
      return rowid ? "'restored ' || rowid" : "'restored ' || row_number() OVER ()";
    }
  if (numeric)
    return "0";
  if (real)
    return "0.0";
  if (blob)
    return "x''";
  return "''";
}

static gboolean
needs_value (StrataColumnDefinition *column)
{
  return column->not_null && column->generated == NULL &&
         (column->default_sql == NULL || g_ascii_strcasecmp (column->default_sql, "NULL") == 0);
}

/* What a rebuild's copy of @from into @to puts in @column, which the old
 * table lacks (@old NULL) or has: the fill's value; when restoring a dropped
 * NOT NULL column, a placeholder; else NULL (the column is left out, or
 * copied as it is). */
static const char *
value_for (Plan                   *plan,
           StrataSnapshotEntry    *from,
           StrataSnapshotEntry    *to,
           StrataColumnDefinition *column,
           StrataColumnDefinition *old)
{
  const char *fill = fill_for (plan, to->name, column->name);

  if (!plan->restoring)
    return fill;
  if (old != NULL)
    return NULL;
  if (fill == NULL && needs_value (column) && !column->primary_key)
    return placeholder (plan, from, to, column);
  return fill;
}

/* The INSERT's column list and the SELECT's expressions of a rebuild: the
 * target's stored columns that the old table also has, NULLs filled where
 * --fill asks, and new columns given their fill. */
static void
copied_columns (Plan                *plan,
                StrataSnapshotEntry *from,
                StrataSnapshotEntry *to,
                char               **names,
                char               **values)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) select = g_string_new (NULL);

  if (numbers_rows_itself (to) && from->definition != NULL && !from->definition->without_rowid)
    {
      g_string_append (list, "rowid");
      g_string_append (select, "rowid");
    }
  for (guint i = 0; i < to->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->definition->columns, i);
      StrataColumnDefinition *old = _strata_table_definition_lookup (from->definition,
                                                                     column->name);
      const char *fill = value_for (plan, from, to, column, old);
      g_autofree char *name = ident (column->name);

      if (column->generated != NULL || (old != NULL && old->generated != NULL) ||
          (old == NULL && fill == NULL))
        continue;
      g_string_append_printf (list, "%s%s", list->len ? ", " : "", name);
      if (old == NULL)
        g_string_append_printf (select, "%s%s", select->len ? ", " : "", fill);
      else if (fill != NULL)
        g_string_append_printf (select, "%scoalesce(%s, %s)", select->len ? ", " : "", name,
                                fill);
      else
        g_string_append_printf (select, "%s%s", select->len ? ", " : "", name);
    }
  *names = g_string_free (g_steal_pointer (&list), FALSE);
  *values = g_string_free (g_steal_pointer (&select), FALSE);
}

/* The downgrade brings back a NOT NULL column the upgrade dropped: the
 * file says, where the person reads it, that the values it gets are not
 * the old ones, and where those are. */
static void
note_restored (Plan                *plan,
               StrataSnapshotEntry *from,
               StrataSnapshotEntry *to)
{
  for (guint i = 0; i < to->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->definition->columns, i);
      const char *fill = fill_for (plan, to->name, column->name);
      g_autofree char *hint = NULL;
      const char *value;

      if (_strata_table_definition_lookup (from->definition, column->name) != NULL)
        continue;
      if (!needs_value (column) || column->primary_key)
        {
          comment_restored (plan, to->name, column);
          continue;
        }
      value = fill != NULL ? fill : placeholder (plan, from, to, column);
      hint = fill != NULL ? g_strdup ("")
                          : g_strdup_printf (" (a placeholder; to choose the value, generate "
                                             "the revision again with a fill for %s.%s)",
                                             to->name, column->name);
      if (fill == NULL && plan->placeholders != NULL)
        g_ptr_array_add (plan->placeholders, g_strdup_printf ("%s.%s=%s", to->name,
                                                              column->name, value));
      g_string_append_printf (plan->sql,
                              "-- Column %s of table %s comes back holding %s in every row: the "
                              "upgrade dropped its values, which are only in the backup taken "
                              "before the upgrade ran%s.\n",
                              column->name, to->name, value, hint);
      if (fill != NULL)
        add_note (plan, g_strdup_printf (_("the downgrade brings column “%s” of table “%s” "
                                           "back holding %s in every row, the value given for "
                                           "it: the values it held are only in the backup "
                                           "taken before the upgrade"),
                                         column->name, to->name, value));
      else
        add_note (plan, g_strdup_printf (_("the downgrade brings column “%s” of table “%s” "
                                           "back holding %s in every row, a placeholder: the "
                                           "values it held are only in the backup taken before "
                                           "the upgrade; give the column a value of your "
                                           "choice to write instead"),
                                         column->name, to->name, value));
    }
}

static void
note_new_not_null (Plan                *plan,
                   StrataSnapshotEntry *from,
                   StrataSnapshotEntry *to)
{
  for (guint i = 0; i < to->definition->columns->len; i++)
    {
      StrataColumnDefinition *column = g_ptr_array_index (to->definition->columns, i);

      if (column->not_null && column->default_sql == NULL && column->generated == NULL &&
          !column->primary_key &&
          _strata_table_definition_lookup (from->definition, column->name) == NULL)
        add_note (plan, g_strdup_printf (_("column “%s” of table “%s” is NOT NULL without a "
                                           "DEFAULT: the copy fails if the table has rows; give "
                                           "it a DEFAULT, or a value in the INSERT"),
                                         column->name, to->name));
    }
}

/* An AUTOINCREMENT counter may be past the largest key (rows were deleted);
 * copying the rows alone would lower it and hand out old keys again. */
static gboolean
keep_sequence (Plan        *plan,
               const char  *table,
               const char  *temporary,
               GError     **error)
{
  g_autofree char *old = strata_sql_quote_literal (table);
  g_autofree char *new = strata_sql_quote_literal (temporary);

  return emitf (plan, error,
                "INSERT INTO sqlite_sequence (name, seq) SELECT %s, seq FROM sqlite_sequence "
                "WHERE name = %s AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                new, old, new) &&
         emitf (plan, error,
                "UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence "
                "WHERE name = %s)) WHERE name = %s AND EXISTS (SELECT 1 FROM sqlite_sequence "
                "WHERE name = %s)",
                old, new, old);
}

static gboolean
rebuild (Plan                *plan,
         StrataSnapshotEntry *from,
         StrataSnapshotEntry *to,
         GError             **error)
{
  g_autofree char *temporary = scratch_name (plan, to->name);
  g_autofree char *temporary_id = ident (temporary);
  g_autofree char *table_id = ident (from->name);
  g_autofree char *target_id = ident (to->name);
  g_autofree char *create = _strata_table_sql_rename (to->sql, temporary);
  g_autofree char *columns = NULL;
  g_autofree char *values = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean sequence = from->definition->autoincrement && to->definition->autoincrement;

  /* The rename at the end checks every view and trigger of the schema, and
   * fails on those that name the table while it is gone. */
  g_ptr_array_add (names, g_strdup (from->name));
  if (!drop_dependents (plan, names, error))
    return FALSE;
  /* Dropping re-read the schema, and with it the entry @from pointed at. */
  from = current_table (plan, to->name);

  if (plan->restoring)
    note_restored (plan, from, to);
  else
    note_new_not_null (plan, from, to);
  copied_columns (plan, from, to, &columns, &values);
  g_string_append_printf (plan->sql, "-- Rebuild table %s (SQLite cannot ALTER it so).\n",
                          table_id);
  return emit (plan, create, error) &&
         (columns[0] == '\0' ||
          emitf (plan, error, "INSERT INTO %s (%s) SELECT %s FROM %s", temporary_id, columns,
                 values, table_id)) &&
         (!sequence || keep_sequence (plan, from->name, temporary, error)) &&
         emitf (plan, error, "DROP TABLE %s", table_id) &&
         emitf (plan, error, "ALTER TABLE %s RENAME TO %s", temporary_id, target_id) &&
         refresh (plan, error);
}

/* SQLite refuses to rename a table to its own name in other capitals, so
 * the rename goes by way of another name. */
static gboolean
respell_table (Plan        *plan,
               const char  *from,
               const char  *to,
               GError     **error)
{
  /* Copied first: dropping dependents re-reads the schema @from lives in. */
  g_autofree char *from_copy = g_strdup (from);
  g_autofree char *temporary = scratch_name (plan, to);
  g_autofree char *from_id = ident (from);
  g_autofree char *temporary_id = ident (temporary);
  g_autofree char *to_id = ident (to);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (names, g_strdup (from_copy));
  return drop_dependents (plan, names, error) &&
         emitf (plan, error, "ALTER TABLE %s RENAME TO %s", from_id, temporary_id) &&
         emitf (plan, error, "ALTER TABLE %s RENAME TO %s", temporary_id, to_id) &&
         refresh (plan, error);
}

/* Virtual tables that change ---------------------------------------------------- */

static gboolean
is_virtual (StrataSnapshotEntry *entry)
{
  return g_ascii_strncasecmp (entry->key, "CREATE VIRTUAL TABLE", 20) == 0;
}

/* A table's columns as SQLite lists them on the scratch database (a virtual
 * table's too, which has no definition of ours). */
static GPtrArray *
column_names (Plan       *plan,
              const char *table)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (plan->db, "SELECT name FROM pragma_table_info(?1)", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (names, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return names;
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* A virtual table that keeps its own rows (FTS5, R*Tree) and gets a new
 * definition: made under a free name, given the rows of the columns both
 * have (by rowid for FTS, whose rowids others may keep), then renamed. A
 * column the new definition lacks goes with its text: a drop to confirm. */
static gboolean
copy_virtual_table (Plan                *plan,
                    StrataSnapshotEntry *from,
                    StrataSnapshotEntry *to,
                    GError             **error)
{
  g_autofree char *temporary = scratch_name (plan, to->name);
  g_autofree char *temporary_id = ident (temporary);
  g_autofree char *table_id = ident (from->name);
  g_autofree char *target_id = ident (to->name);
  g_autofree char *create = _strata_table_sql_rename (to->sql, temporary);
  g_autofree char *module = _strata_sql_virtual_module (to->sql);
  g_autoptr(GPtrArray) old_columns = column_names (plan, from->name);
  g_autoptr(GPtrArray) new_columns = NULL;
  g_autoptr(GString) common = g_string_new (NULL);

  g_string_append_printf (plan->sql, "-- Rebuild virtual table %s (SQLite cannot ALTER it), "
                                     "its rows copied.\n", table_id);
  if (!emit (plan, create, error))
    return FALSE;
  new_columns = column_names (plan, temporary);
  /* R*Tree's first column is its rowid already. */
  if (g_strcmp0 (module, "rtree") != 0 && g_strcmp0 (module, "rtree_i32") != 0)
    g_string_append (common, "rowid");
  for (guint i = 0; i < old_columns->len; i++)
    {
      const char *name = g_ptr_array_index (old_columns, i);
      g_autofree char *what = NULL;
      g_autofree char *spec = NULL;
      g_autofree char *id = NULL;

      if (!has_name (new_columns, name))
        {
          what = g_strdup_printf (_("column “%s” of table “%s”"), name, from->name);
          spec = g_strdup_printf ("%s.%s", from->name, name);
          if (!confirm_drop (plan, what, spec, NULL, NULL, error))
            return FALSE;
          continue;
        }
      id = ident (name);
      g_string_append_printf (common, "%s%s", common->len ? ", " : "", id);
    }
  return (common->len == 0 ||
          emitf (plan, error, "INSERT INTO %s (%s) SELECT %s FROM %s", temporary_id, common->str,
                 common->str, table_id)) &&
         emitf (plan, error, "DROP TABLE %s", table_id) &&
         emitf (plan, error, "ALTER TABLE %s RENAME TO %s", temporary_id, target_id) &&
         refresh (plan, error);
}

/* A virtual table whose definition changes. An external-content FTS index
 * is made again and rebuilt from its table; one that keeps its own rows
 * has them copied; a contentless one (content='') holds nothing to carry
 * over, and a change between a table and a virtual table is left to the
 * person, each with what to do. */
static gboolean
change_virtual_table (Plan                *plan,
                      StrataSnapshotEntry *from,
                      StrataSnapshotEntry *to,
                      GError             **error)
{
  g_autofree char *rebuild = rebuild_statement (to->name, to->sql);
  g_autofree char *table_id = ident (from->name);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) tokens = _strata_sql_lex (from->sql);

  if (!is_virtual (from) || !is_virtual (to))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                   _("table “%s” changes between a table and a virtual table, which "
                     "autogenerate does not write: write this revision by hand (strata-cli: "
                     "revision -m MESSAGE), creating the new table and copying the rows"),
                   to->name);
      return FALSE;
    }
  for (guint i = 0; i + 2 < tokens->len; i++)
    if (_strata_sql_token_is (tokens, i, "content") && _strata_sql_token_is (tokens, i + 1, "=") &&
        strcmp (((StrataSqlToken *)g_ptr_array_index (tokens, i + 2))->text, "''") == 0 &&
        rebuild == NULL)
      {
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                     _("virtual table “%s” is contentless (content=''): it keeps no text to "
                       "carry over into its new definition; write this revision by hand "
                       "(strata-cli: revision -m MESSAGE), filling the new index from where "
                       "its text lives"), to->name);
        return FALSE;
      }
  /* Triggers that write into it name it: they go and come back with it. */
  g_ptr_array_add (names, g_strdup (from->name));
  if (!drop_dependents (plan, names, error))
    return FALSE;
  if (rebuild == NULL)
    return copy_virtual_table (plan, current_table (plan, to->name), to, error);
  g_string_append_printf (plan->sql, "-- Make the index %s again and rebuild it from its "
                                     "content table.\n", table_id);
  return emitf (plan, error, "DROP TABLE %s", table_id) &&
         emit (plan, to->sql, error) &&
         emit (plan, rebuild, error) &&
         refresh (plan, error);
}

static gboolean
change_tables (Plan    *plan,
               GError **error)
{
  GPtrArray *entries = _strata_schema_snapshot_get_entries (plan->target);

  for (guint i = 0; i < entries->len; i++)
    {
      StrataSnapshotEntry *to = g_ptr_array_index (entries, i);
      StrataSnapshotEntry *from;

      if (to->kind != STRATA_SCHEMA_KIND_TABLE)
        continue;
      from = current_table (plan, to->name);
      if (from != NULL && strcmp (from->key, to->key) == 0 && strcmp (from->name, to->name) != 0)
        {
          if (!respell_table (plan, from->name, to->name, error))
            return FALSE;
          continue;
        }
      if (from == NULL || strcmp (from->key, to->key) == 0)
        continue;
      if ((is_virtual (from) || is_virtual (to)) && !_strata_database_is_shadow_table (plan->db,
                                                                                       to->name))
        {
          if (!change_virtual_table (plan, from, to, error))
            return FALSE;
          continue;
        }
      if (from->definition == NULL || to->definition == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_SQL,
                       _("cannot read the definition of table “%s”"), to->name);
          return FALSE;
        }
      if (try_alter (plan, from, to))
        continue;
      /* try_alter() re-read the schema: look the table up again. */
      if (!rebuild (plan, current_table (plan, to->name), to, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_strata_autogen_plan (StrataDatabase        *scratch,
                      StrataSchemaSnapshot  *target,
                      GPtrArray             *renames,
                      GHashTable            *fills,
                      gboolean               allow_drop,
                      gboolean               restoring,
                      GString               *sql,
                      GStrvBuilder          *notes,
                      GPtrArray             *placeholders,
                      StrataDropQuestion    *question,
                      GError               **error)
{
  Plan plan = { scratch, strata_database_get_handle (scratch), target, renames, allow_drop,
                restoring, sql, notes, question, fills, placeholders, NULL };
  gboolean ok;

  ok = refresh (&plan, error) &&
       drop_changed_dependents (&plan, error) &&
       rename_tables (&plan, error) &&
       rename_columns (&plan, error) &&
       confirm_table_drops (&plan, error) &&
       confirm_column_drops (&plan, error) &&
       create_tables (&plan, error) &&
       change_tables (&plan, error) &&
       drop_tables (&plan, error) &&
       reconcile (&plan, error);
  g_clear_object (&plan.current);
  return ok;
}

gboolean
_strata_autogen_apply_renames (StrataDatabase        *scratch,
                               StrataSchemaSnapshot  *target,
                               GPtrArray             *renames,
                               GError               **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();
  Plan plan = { scratch, strata_database_get_handle (scratch), target, renames, FALSE, FALSE, sql,
                notes, NULL, NULL, NULL, NULL };
  gboolean ok;

  ok = refresh (&plan, error) && rename_tables (&plan, error) && rename_columns (&plan, error);
  g_clear_object (&plan.current);
  return ok;
}
