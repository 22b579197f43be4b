/* strata-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-sql.h"
#include "strata-status-private.h"

struct _StrataStatus
{
  GObject     parent_instance;

  gboolean    database_exists;
  GStrv       heads;
  /* id -> StrataRevision as it was last applied, rebuilt from strata_history. */
  GHashTable *applied;
  /* id -> SHA-256 of its upgrade SQL when it was last upgraded. */
  GHashTable *upgrade_checksums;
  /* Ids in the order they were first applied. */
  GPtrArray  *applied_order;
};

G_DEFINE_FINAL_TYPE (StrataStatus, strata_status, G_TYPE_OBJECT)

static const char *history_columns =
  "revision, direction, checksum, message, down_revisions, branch_labels, depends_on, "
  "create_date, file, upgrade_sql, downgrade_sql, upgrade_transactional, "
  "downgrade_transactional, from_heads, to_heads, started_at, finished_at, duration_ms, "
  "outcome, error";

static void
strata_status_finalize (GObject *object)
{
  StrataStatus *self = (StrataStatus *)object;

  g_clear_pointer (&self->heads, g_strfreev);
  g_clear_pointer (&self->applied, g_hash_table_unref);
  g_clear_pointer (&self->upgrade_checksums, g_hash_table_unref);
  g_clear_pointer (&self->applied_order, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_status_parent_class)->finalize (object);
}

static void
strata_status_class_init (StrataStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_status_finalize;
}

static void
strata_status_init (StrataStatus *self)
{
  self->heads = g_new0 (char *, 1);
  self->applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->upgrade_checksums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->applied_order = g_ptr_array_new_with_free_func (g_free);
}

StrataStatus *
strata_status_new_empty (void)
{
  return g_object_new (STRATA_TYPE_STATUS, NULL);
}

/* The tables ------------------------------------------------------------------- */

/* Plain names stay bare, so the schema reads exactly as Alembic writes it. */
static char *
identifier (const char *name)
{
  gboolean plain = g_ascii_isalpha (name[0]) || name[0] == '_';

  for (const char *p = name; plain && *p != '\0'; p++)
    plain = g_ascii_isalnum (*p) || *p == '_';
  return plain ? g_strdup (name) : strata_sql_quote_identifier (name);
}

char *
_strata_version_table_create_sql (const char *version_table)
{
  g_autofree char *table = identifier (version_table);
  g_autofree char *constraint_name = g_strdup_printf ("%s_pkc", version_table);
  g_autofree char *constraint = identifier (constraint_name);

  /* Alembic's own DDL, so that Alembic reads our databases and we read its. */
  return g_strdup_printf ("CREATE TABLE IF NOT EXISTS %s (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT %s PRIMARY KEY (version_num));",
                          table, constraint);
}

const char *
_strata_history_create_sql (void)
{
  return
    "CREATE TABLE IF NOT EXISTS " STRATA_HISTORY_TABLE " (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  revision VARCHAR(32) NOT NULL,\n"
    "  direction TEXT NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),\n"
    "  checksum TEXT,\n"
    "  message TEXT NOT NULL DEFAULT '',\n"
    "  down_revisions TEXT NOT NULL DEFAULT '',\n"
    "  branch_labels TEXT NOT NULL DEFAULT '',\n"
    "  depends_on TEXT NOT NULL DEFAULT '',\n"
    "  create_date TEXT,\n"
    "  file TEXT,\n"
    "  upgrade_sql TEXT,\n"
    "  downgrade_sql TEXT,\n"
    "  upgrade_transactional INTEGER NOT NULL DEFAULT 1,\n"
    "  downgrade_transactional INTEGER NOT NULL DEFAULT 1,\n"
    "  from_heads TEXT NOT NULL DEFAULT '',\n"
    "  to_heads TEXT NOT NULL DEFAULT '',\n"
    "  started_at TEXT NOT NULL,\n"
    "  finished_at TEXT NOT NULL,\n"
    "  duration_ms INTEGER NOT NULL,\n"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failed', 'cancelled')),\n"
    "  error TEXT\n"
    ");";
}

const char *
_strata_history_sql_create_sql (void)
{
  return
    "CREATE TABLE IF NOT EXISTS " STRATA_HISTORY_SQL_TABLE " (\n"
    "  history_id INTEGER PRIMARY KEY,\n"
    "  upgrade_sql BLOB,\n"
    "  downgrade_sql BLOB\n"
    ");";
}

const char *
_strata_history_insert_prefix (void)
{
  static char *prefix;

  if (g_once_init_enter (&prefix))
    g_once_init_leave (&prefix, g_strdup_printf ("INSERT INTO " STRATA_HISTORY_TABLE " (%s) "
                                                 "VALUES ", history_columns));
  return prefix;
}

gboolean
_strata_revision_is_from_history (StrataRevision *revision)
{
  g_return_val_if_fail (STRATA_IS_REVISION (revision), FALSE);
  return g_object_get_data (G_OBJECT (revision), "strata-from-history") != NULL;
}

/* Reading ---------------------------------------------------------------------- */

static GStrv
split_ids (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (g_strstrip (parts[i])[0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static const char *
column_text (sqlite3_stmt        *stmt,
             StrataHistoryColumn  column)
{
  return (const char *)sqlite3_column_text (stmt, column - 1);
}

static int
column_int (sqlite3_stmt        *stmt,
            StrataHistoryColumn  column)
{
  return sqlite3_column_int (stmt, column - 1);
}

static StrataRevision *
revision_from_row (sqlite3_stmt *stmt)
{
  const char *id = column_text (stmt, STRATA_HISTORY_REVISION);
  const char *file = column_text (stmt, STRATA_HISTORY_FILE);
  const char *message = column_text (stmt, STRATA_HISTORY_MESSAGE);
  g_autoptr(StrataRevision) revision = strata_revision_new (id, message);
  g_auto(GStrv) down = split_ids (column_text (stmt, STRATA_HISTORY_DOWN_REVISIONS));
  g_auto(GStrv) labels = split_ids (column_text (stmt, STRATA_HISTORY_BRANCH_LABELS));
  g_auto(GStrv) depends = split_ids (column_text (stmt, STRATA_HISTORY_DEPENDS_ON));
  g_autofree char *display = NULL;

  strata_revision_set_down_revisions (revision, (const char * const *)down);
  strata_revision_set_branch_labels (revision, (const char * const *)labels);
  strata_revision_set_depends_on (revision, (const char * const *)depends);
  strata_revision_set_create_date (revision, column_text (stmt, STRATA_HISTORY_CREATE_DATE));
  strata_revision_set_sql (revision, STRATA_DIRECTION_UPGRADE,
                           column_text (stmt, STRATA_HISTORY_UPGRADE_SQL));
  strata_revision_set_sql (revision, STRATA_DIRECTION_DOWNGRADE,
                           column_text (stmt, STRATA_HISTORY_DOWNGRADE_SQL));
  strata_revision_set_transactional (revision, STRATA_DIRECTION_UPGRADE,
                                     column_int (stmt, STRATA_HISTORY_UPGRADE_TRANSACTIONAL));
  strata_revision_set_transactional (revision, STRATA_DIRECTION_DOWNGRADE,
                                     column_int (stmt, STRATA_HISTORY_DOWNGRADE_TRANSACTIONAL));

  /* Line numbers mean nothing without the file, so messages name the history. */
  display = g_strdup_printf (_("%s (missing; as recorded in %s)"),
                             file != NULL && file[0] != '\0' ? file : id, STRATA_HISTORY_TABLE);
  strata_revision_set_display_path (revision, display);
  g_object_set_data (G_OBJECT (revision), "strata-from-history", GINT_TO_POINTER (TRUE));
  return g_steal_pointer (&revision);
}

static void
add_history_row (StrataStatus *self,
                 sqlite3_stmt *stmt)
{
  const char *id = column_text (stmt, STRATA_HISTORY_REVISION);
  const char *direction = column_text (stmt, STRATA_HISTORY_DIRECTION);
  const char *checksum = column_text (stmt, STRATA_HISTORY_CHECKSUM);

  g_assert (STRATA_IS_STATUS (self));

  /* A stamp to base has no revision, and a downgrade applies nothing. */
  if (id == NULL || id[0] == '\0' || g_strcmp0 (direction, "downgrade") == 0)
    return;
  /* A stamp of a revision whose SQL was unknown cannot rebuild it. */
  if (column_text (stmt, STRATA_HISTORY_UPGRADE_SQL) == NULL)
    return;

  if (!g_hash_table_contains (self->applied, id))
    g_ptr_array_add (self->applied_order, g_strdup (id));
  g_hash_table_replace (self->applied, g_strdup (id), revision_from_row (stmt));
  if (g_strcmp0 (direction, "upgrade") == 0 && checksum != NULL)
    g_hash_table_replace (self->upgrade_checksums, g_strdup (id), g_strdup (checksum));
}

/* The successful rows, with the sections of big files that
 * strata_history_sql holds in place of the rows' NULLs. */
static char *
history_query (StrataDatabase  *database,
               GError         **error)
{
  g_auto(GStrv) columns = NULL;
  g_autofree char *list = NULL;
  gboolean has_sql = FALSE;

  if (!_strata_database_table_exists (database, STRATA_HISTORY_SQL_TABLE, &has_sql, error))
    return NULL;
  if (!has_sql)
    return g_strdup_printf ("SELECT %s FROM " STRATA_HISTORY_TABLE
                            " WHERE outcome = 'success' ORDER BY id", history_columns);
  columns = g_strsplit (history_columns, ", ", -1);
  for (guint i = 0; columns[i] != NULL; i++)
    {
      char *column = columns[i];

      if (g_str_has_suffix (column, "_sql"))
        columns[i] = g_strdup_printf ("coalesce(h.%s, CAST(s.%s AS TEXT))", column, column);
      else
        columns[i] = g_strdup_printf ("h.%s", column);
      g_free (column);
    }
  list = g_strjoinv (", ", columns);
  return g_strdup_printf ("SELECT %s FROM " STRATA_HISTORY_TABLE " AS h LEFT JOIN "
                          STRATA_HISTORY_SQL_TABLE " AS s ON s.history_id = h.id"
                          " WHERE h.outcome = 'success' ORDER BY h.id", list);
}

static gboolean
read_history (StrataStatus    *self,
              StrataDatabase  *database,
              GError         **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = strata_database_get_handle (database);
  int rc;

  if (!(sql = history_query (database, error)))
    return FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, STRATA_HISTORY_TABLE);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_history_row (self, stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, STRATA_HISTORY_TABLE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
all_in_graph (const char * const  *ids,
              StrataRevisionGraph *graph)
{
  for (guint i = 0; ids[i] != NULL; i++)
    if (strata_revision_graph_lookup (graph, ids[i]) == NULL)
      return FALSE;
  return TRUE;
}

static StrataStatus *
read_status (StrataDatabase       *database,
             const char           *version_table,
             StrataRevisionGraph  *graph,
             GError              **error)
{
  g_autoptr(StrataStatus) self = NULL;
  gboolean has_history = FALSE;
  GStrv heads;

  if (!(heads = strata_database_read_heads (database, version_table, error)))
    return NULL;

  self = strata_status_new_empty ();
  self->database_exists = TRUE;
  g_strfreev (self->heads);
  self->heads = heads;

  if (graph != NULL && all_in_graph ((const char * const *)heads, graph))
    return g_steal_pointer (&self);
  if (!_strata_database_table_exists (database, STRATA_HISTORY_TABLE, &has_history, error))
    return NULL;
  if (has_history && !read_history (self, database, error))
    return NULL;
  return g_steal_pointer (&self);
}

StrataStatus *
strata_status_read (StrataDatabase  *database,
                    const char      *version_table,
                    GError         **error)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);
  g_return_val_if_fail (version_table != NULL, NULL);

  return read_status (database, version_table, NULL, error);
}

/* A run needs strata_history only to rebuild revisions whose files are gone,
 * and those matter only below a version-table row that @graph lacks (see
 * collect_missing()). Reading the history, with the SQL of every revision
 * ever applied, was most of the time of an upgrade with nothing to do. */
StrataStatus *
_strata_status_read_for_graph (StrataDatabase       *database,
                               const char           *version_table,
                               StrataRevisionGraph  *graph,
                               GError              **error)
{
  g_return_val_if_fail (STRATA_IS_DATABASE (database), NULL);
  g_return_val_if_fail (version_table != NULL, NULL);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  return read_status (database, version_table, graph, error);
}

/* Questions -------------------------------------------------------------------- */

gboolean
strata_status_get_database_exists (StrataStatus *self)
{
  g_return_val_if_fail (STRATA_IS_STATUS (self), FALSE);
  return self->database_exists;
}

const char * const *
strata_status_get_heads (StrataStatus *self)
{
  g_return_val_if_fail (STRATA_IS_STATUS (self), NULL);
  return (const char * const *)self->heads;
}

StrataRevision *
strata_status_lookup_applied (StrataStatus *self,
                              const char   *id)
{
  g_return_val_if_fail (STRATA_IS_STATUS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->applied, id);
}

GPtrArray *
strata_status_get_applied (StrataStatus *self)
{
  GPtrArray *applied;

  g_return_val_if_fail (STRATA_IS_STATUS (self), NULL);

  applied = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->applied_order->len; i++)
    {
      const char *id = g_ptr_array_index (self->applied_order, i);
      g_ptr_array_add (applied, g_object_ref (g_hash_table_lookup (self->applied, id)));
    }
  return applied;
}

static gboolean
is_applied (StrataStatus        *self,
            StrataRevisionGraph *graph,
            StrataRevision      *revision)
{
  for (guint i = 0; self->heads[i] != NULL; i++)
    {
      StrataRevision *head = strata_revision_graph_lookup (graph, self->heads[i]);

      if (head != NULL && strata_revision_graph_is_ancestor (graph, revision, head))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_edited (StrataStatus   *self,
           StrataRevision *revision)
{
  const char *applied;
  g_autofree char *checksum = NULL;

  if (_strata_revision_is_from_history (revision))
    return FALSE;
  applied = g_hash_table_lookup (self->upgrade_checksums, strata_revision_get_id (revision));
  if (applied == NULL)
    return FALSE;
  checksum = strata_revision_get_checksum (revision, STRATA_DIRECTION_UPGRADE);
  return g_strcmp0 (checksum, applied) != 0;
}

StrataRevisionState
strata_status_get_state (StrataStatus        *self,
                         StrataRevisionGraph *graph,
                         StrataRevision      *revision)
{
  StrataRevisionState state = STRATA_REVISION_STATE_NONE;
  const char *id;

  g_return_val_if_fail (STRATA_IS_STATUS (self), STRATA_REVISION_STATE_NONE);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), STRATA_REVISION_STATE_NONE);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), STRATA_REVISION_STATE_NONE);

  id = strata_revision_get_id (revision);
  if (is_applied (self, graph, revision))
    state |= STRATA_REVISION_STATE_APPLIED;
  else
    state |= STRATA_REVISION_STATE_PENDING;
  if (g_strv_contains ((const char * const *)self->heads, id))
    state |= STRATA_REVISION_STATE_CURRENT;
  /* An edit matters only while the database still holds what was applied. */
  if ((state & STRATA_REVISION_STATE_APPLIED) && is_edited (self, revision))
    state |= STRATA_REVISION_STATE_EDITED;
  if (_strata_revision_is_from_history (revision))
    state |= STRATA_REVISION_STATE_MISSING;
  return state;
}

/* Walks down from the version table's rows through revisions known only from
 * the history: those are the ones a downgrade may need. Revisions applied once
 * and downgraded since stay out, or they would show up as extra heads. */
static GPtrArray *
collect_missing (StrataStatus        *self,
                 StrataRevisionGraph *graph)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GQueue) queue = g_queue_new ();

  for (guint i = 0; self->heads[i] != NULL; i++)
    g_queue_push_tail (queue, self->heads[i]);

  while (!g_queue_is_empty (queue))
    {
      const char *id = g_queue_pop_head (queue);
      StrataRevision *revision;
      const char * const *down;

      if (g_hash_table_contains (seen, id) || strata_revision_graph_lookup (graph, id) != NULL)
        continue;
      g_hash_table_add (seen, (gpointer)id);
      if (!(revision = g_hash_table_lookup (self->applied, id)))
        continue;

      g_ptr_array_add (missing, g_object_ref (revision));
      down = strata_revision_get_down_revisions (revision);
      for (guint i = 0; down[i] != NULL; i++)
        g_queue_push_tail (queue, (gpointer)down[i]);
    }
  return g_steal_pointer (&missing);
}

StrataRevisionGraph *
strata_status_complete_graph (StrataStatus         *self,
                              StrataRevisionGraph  *graph,
                              GError              **error)
{
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *revisions;

  g_return_val_if_fail (STRATA_IS_STATUS (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  missing = collect_missing (self, graph);
  if (missing->len == 0)
    return g_object_ref (graph);

  revisions = strata_revision_graph_get_revisions (graph);
  all = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < revisions->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (revisions, i)));
  for (guint i = 0; i < missing->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (missing, i)));

  return strata_revision_graph_new (all, error);
}

gboolean
_strata_status_check_rows (StrataStatus         *self,
                           StrataRevisionGraph  *graph,
                           GFile                *database_file,
                           GError              **error)
{
  g_return_val_if_fail (STRATA_IS_STATUS (self), FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), FALSE);

  for (guint i = 0; self->heads[i] != NULL; i++)
    for (guint j = 0; self->heads[j] != NULL; j++)
      {
        StrataRevision *older = strata_revision_graph_lookup (graph, self->heads[i]);
        StrataRevision *newer = strata_revision_graph_lookup (graph, self->heads[j]);
        g_autofree char *db_name = NULL;

        if (i == j || older == NULL || newer == NULL ||
            !strata_revision_graph_is_ancestor (graph, older, newer))
          continue;
        db_name = g_file_get_parse_name (database_file);
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONFLICT,
                     _("the version table of %s names both %s and %s, but %s is an ancestor of "
                       "%s: no tool writes such a table, and nothing was done; set it to the "
                       "revision the database is really at with “strata-cli stamp --purge "
                       "REVISION”"),
                     db_name, self->heads[i], self->heads[j], self->heads[i], self->heads[j]);
        return FALSE;
      }
  return TRUE;
}

GStrv
strata_status_get_unknown_heads (StrataStatus        *self,
                                 StrataRevisionGraph *graph)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_STATUS (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  for (guint i = 0; self->heads[i] != NULL; i++)
    if (strata_revision_graph_lookup (graph, self->heads[i]) == NULL &&
        !g_hash_table_contains (self->applied, self->heads[i]))
      g_strv_builder_add (builder, self->heads[i]);
  return g_strv_builder_end (builder);
}

gboolean
strata_status_check_unknown_heads (StrataStatus         *self,
                                   StrataRevisionGraph  *graph,
                                   GFile                *database_file,
                                   GError              **error)
{
  g_auto(GStrv) unknown = NULL;
  g_autofree char *list = NULL;
  g_autofree char *db_name = NULL;

  g_return_val_if_fail (STRATA_IS_STATUS (self), FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), FALSE);
  g_return_val_if_fail (G_IS_FILE (database_file), FALSE);

  if (!_strata_status_check_rows (self, graph, database_file, error))
    return FALSE;
  unknown = strata_status_get_unknown_heads (self, graph);
  if (unknown[0] == NULL)
    return TRUE;
  list = g_strjoinv (", ", unknown);
  db_name = g_file_get_parse_name (database_file);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_MISSING_SQL,
               _("the version table of %s names %s, which is neither in the versions folder "
                 "nor in %s; restore its file (check out the branch that has it), or reset the "
                 "table with “strata-cli stamp --purge REVISION”"),
               db_name, list, STRATA_HISTORY_TABLE);
  return FALSE;
}
