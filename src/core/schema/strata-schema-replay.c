/* strata-schema-replay.c
 *
 * A revision's schema is what its ancestors' DDL made. Their rows cost the
 * time and memory of the data (a seed revision of 300,000 rows, a thousand
 * revisions that each insert a few) and change no table, index, view or
 * trigger, so the replay runs only the statements that may change the schema.
 * What rows would have made SQLite refuse (a UNIQUE index over duplicates, a
 * NOT NULL column added to a table with rows) is for the real database to
 * say: lint counts those rows there, and a rehearsal runs the real thing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "strata-database-private.h"
#include "strata-error.h"
#include "strata-revision-graph-private.h"
#include "strata-schema-replay-private.h"
#include "strata-section-private.h"
#include "strata-sql-lexer-private.h"

/* Where the walk stands besides after a revision of the graph. */
#define AT_BASE    (-1) /* the empty schema */
#define AT_OTHER   (-2) /* after a merge, or a revision the graph does not hold */
#define AT_UNKNOWN (-3) /* nowhere yet, or a cancelled rebuild */

typedef struct
{
  unsigned char *data;    /* sqlite3_serialize()'s, NULL for an empty schema */
  sqlite3_int64  size;
  GError        *failure; /* the first statement an ancestor had refused, or NULL */
} Snapshot;

struct _StrataSchemaReplay
{
  GObject              parent_instance;

  StrataRevisionGraph *graph;
  GHashTable          *positions; /* id → position in the graph's order + 1 */
  GArray             **parents;   /* by position: positions of Revises and Depends On */

  /* strata_schema_replay_open()'s last schema, under the lock. */
  GMutex               lock;
  char                *cached_key;
  Snapshot            *cached;

  /* The walk, one thread at a time. */
  guint               *pending;   /* by position: children and dependants not passed yet */
  GHashTable          *snapshots; /* position + 1 → Snapshot */
  StrataDatabase      *walk;
  GError              *walk_failure;
  gint                 at;
};

G_DEFINE_FINAL_TYPE (StrataSchemaReplay, strata_schema_replay, G_TYPE_OBJECT)

/* Statements ------------------------------------------------------------------- */

/* Statements that change no schema: rows, transaction control (a revision
 * runs in a transaction of its own), connection settings (the run sets its
 * own), and what works on files. @p is a statement's first token. */
static gboolean
is_skipped (const char *p)
{
  static const char * const words[] = {
    "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES", "EXPLAIN",
    "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA",
    "VACUUM", "ATTACH", "DETACH",
  };
  gsize length = 0;

  while (g_ascii_isalpha (p[length]))
    length++;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i]) == length && g_ascii_strncasecmp (p, words[i], length) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_strata_schema_replay_changes_schema (const char *statement)
{
  g_return_val_if_fail (statement != NULL, FALSE);

  statement = _strata_sql_skip_blank (statement);
  return *statement != '\0' && !is_skipped (statement);
}

typedef struct
{
  const char  *display_path;
  gboolean     keep_going;
  GError     **error;
  gboolean     failed;
} Replaying;

static gboolean
skip_cb (const StrataSqlCursor *statement,
         gpointer               data)
{
  return is_skipped (statement->text);
}

/* The first failure is the one reported; the rest only go on, or not. */
static gboolean
finished_cb (const StrataSqlCursor      *statement,
             const StrataSectionFailure *failure,
             gpointer                    data)
{
  Replaying *replaying = data;

  if (failure == NULL)
    return TRUE;
  if (!replaying->failed)
    g_set_error (replaying->error, STRATA_ERROR, STRATA_ERROR_SQL, "%s:%u: %s",
                 replaying->display_path, failure->line, failure->message);
  replaying->failed = TRUE;
  return replaying->keep_going;
}

gboolean
_strata_schema_replay_exec (StrataDatabase  *database,
                            const char      *sql,
                            const char      *display_path,
                            guint            first_line,
                            gboolean         keep_going,
                            GError         **error)
{
  Replaying replaying = { display_path, keep_going, error, FALSE };
  StrataSectionHooks hooks = { NULL, NULL, finished_cb, &replaying, skip_cb };
  g_auto(StrataSectionFailure) failure = { 0 };
  StrataSection section;

  g_return_val_if_fail (STRATA_IS_DATABASE (database), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  /* The step engine cuts and numbers the statements, as for a live run, so
   * that a line named here is the line a run names. Its transaction control
   * is skipped, not refused: the replay keeps no transaction of its own. */
  _strata_section_init_text (&section, sql, STRATA_DIRECTION_UPGRADE);
  section.first_line = MAX (first_line, 1);
  _strata_section_apply (&section, strata_database_get_handle (database), &hooks, &failure);
  return !replaying.failed;
}

static gboolean
apply (StrataDatabase  *database,
       StrataRevision  *revision,
       gboolean         keep_going,
       GError         **error)
{
  const char *sql = strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE);

  if (sql == NULL)
    return TRUE;
  return _strata_schema_replay_exec (database, sql, strata_revision_get_display_path (revision),
                                     strata_revision_get_sql_line (revision,
                                                                   STRATA_DIRECTION_UPGRADE),
                                     keep_going, error);
}

/* Snapshots ---------------------------------------------------------------------- */

static void
snapshot_free (Snapshot *snapshot)
{
  sqlite3_free (snapshot->data);
  g_clear_error (&snapshot->failure);
  g_free (snapshot);
}

static Snapshot *
snapshot_take (StrataDatabase *database,
               const GError   *failure)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);

  snapshot->data = sqlite3_serialize (strata_database_get_handle (database), "main",
                                      &snapshot->size, 0);
  snapshot->failure = failure != NULL ? g_error_copy (failure) : NULL;
  return snapshot;
}

static StrataDatabase *
snapshot_restore (const Snapshot  *snapshot,
                  GError         **error)
{
  g_autoptr(StrataDatabase) database = strata_database_open_memory (error);
  unsigned char *copy;

  if (database == NULL || snapshot->data == NULL || snapshot->size == 0)
    return g_steal_pointer (&database);
  /* SQLite owns, and frees, the copy it is given. */
  if ((copy = sqlite3_malloc64 (snapshot->size)) == NULL)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_DATABASE, "out of memory");
      return NULL;
    }
  memcpy (copy, snapshot->data, snapshot->size);
  if (sqlite3_deserialize (strata_database_get_handle (database), "main", copy, snapshot->size,
                           snapshot->size,
                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
      SQLITE_OK)
    {
      strata_database_set_error (database, error, STRATA_ERROR_DATABASE, NULL);
      return NULL;
    }
  return g_steal_pointer (&database);
}

/* The object ---------------------------------------------------------------------- */

static void
strata_schema_replay_finalize (GObject *object)
{
  StrataSchemaReplay *self = (StrataSchemaReplay *)object;
  guint n = strata_revision_graph_get_n_revisions (self->graph);

  for (guint i = 0; i < n; i++)
    g_array_unref (self->parents[i]);
  g_free (self->parents);
  g_free (self->pending);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->snapshots, g_hash_table_unref);
  g_clear_pointer (&self->cached, snapshot_free);
  g_clear_pointer (&self->cached_key, g_free);
  g_clear_object (&self->walk);
  g_clear_error (&self->walk_failure);
  g_clear_object (&self->graph);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (strata_schema_replay_parent_class)->finalize (object);
}

static void
strata_schema_replay_class_init (StrataSchemaReplayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_schema_replay_finalize;
}

static void
strata_schema_replay_init (StrataSchemaReplay *self)
{
  g_mutex_init (&self->lock);
  self->at = AT_UNKNOWN;
  self->snapshots = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)snapshot_free);
}

static gint
position_of_id (StrataSchemaReplay *self,
                const char         *id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (self->positions, id)) - 1;
}

/* Revises and Depends On of each revision, and how many point at each. */
static void
index_parents (StrataSchemaReplay *self)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);

  self->parents = g_new0 (GArray *, revisions->len);
  self->pending = g_new0 (guint, revisions->len);
  for (guint i = 0; i < revisions->len; i++)
    {
      g_auto(GStrv) ids = _strata_revision_graph_get_down_ids (self->graph,
                                                               g_ptr_array_index (revisions, i),
                                                               FALSE);

      self->parents[i] = g_array_new (FALSE, FALSE, sizeof (gint));
      for (guint j = 0; ids[j] != NULL; j++)
        {
          gint position = position_of_id (self, ids[j]);

          g_array_append_val (self->parents[i], position);
          self->pending[position]++;
        }
    }
}

StrataSchemaReplay *
strata_schema_replay_new (StrataRevisionGraph *graph)
{
  StrataSchemaReplay *self;
  GPtrArray *revisions;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  self = g_object_new (STRATA_TYPE_SCHEMA_REPLAY, NULL);
  self->graph = g_object_ref (graph);
  revisions = strata_revision_graph_get_revisions (graph);
  self->positions = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < revisions->len; i++)
    g_hash_table_insert (self->positions,
                         (gpointer)strata_revision_get_id (g_ptr_array_index (revisions, i)),
                         GINT_TO_POINTER (i + 1));
  index_parents (self);
  return self;
}

StrataRevisionGraph *
strata_schema_replay_get_graph (StrataSchemaReplay *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_REPLAY (self), NULL);
  return self->graph;
}

/* Replaying ----------------------------------------------------------------------- */

static gboolean
is_in (GArray *positions,
       gint    position)
{
  for (guint i = 0; i < positions->len; i++)
    if (g_array_index (positions, gint, i) == position)
      return TRUE;
  return FALSE;
}

static gboolean
is_ancestor_of_any (StrataSchemaReplay *self,
                    gint                position,
                    GArray             *parents)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);
  StrataRevision *revision = g_ptr_array_index (revisions, position);

  for (guint i = 0; i < parents->len; i++)
    {
      gint parent = g_array_index (parents, gint, i);

      if (parent == position ||
          strata_revision_graph_is_ancestor (self->graph, revision,
                                             g_ptr_array_index (revisions, parent)))
        return TRUE;
    }
  return FALSE;
}

/* @parents and their ancestors, in the graph's order, from an empty schema.
 * A statement SQLite refuses is passed over; the first goes into @failure. */
static gboolean
replay_into (StrataSchemaReplay  *self,
             StrataDatabase      *database,
             GArray              *parents,
             GError             **failure,
             GCancellable        *cancellable,
             GError             **error)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);
  gint last = -1;

  for (guint i = 0; i < parents->len; i++)
    last = MAX (last, g_array_index (parents, gint, i));
  for (gint position = 0; position <= last; position++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (is_ancestor_of_any (self, position, parents))
        apply (database, g_ptr_array_index (revisions, position), TRUE,
               failure != NULL && *failure == NULL ? failure : NULL);
    }
  return TRUE;
}

/* The parents of a revision the graph may not hold (the editor's copy of a
 * new one): as the graph resolved them, else as the revision names them. */
static GArray *
parents_of (StrataSchemaReplay *self,
            StrataRevision     *revision)
{
  gint position = position_of_id (self, strata_revision_get_id (revision));
  const char * const *lists[2] = { strata_revision_get_down_revisions (revision),
                                   strata_revision_get_depends_on (revision) };
  GArray *parents;

  if (position >= 0)
    return g_array_ref (self->parents[position]);
  parents = g_array_new (FALSE, FALSE, sizeof (gint));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        g_autoptr(GPtrArray) found = strata_revision_graph_resolve (self->graph, lists[l][i],
                                                                     NULL);

        for (guint j = 0; found != NULL && j < found->len; j++)
          {
            gint parent = position_of_id (self,
                                          strata_revision_get_id (g_ptr_array_index (found, j)));
            g_array_append_val (parents, parent);
          }
      }
  return parents;
}

/* The walk ------------------------------------------------------------------------ */

/* Before the walk leaves the schema after a revision whose children are not
 * all passed yet, it keeps a copy for them. */
static void
keep_current (StrataSchemaReplay *self)
{
  if (self->at < 0 || self->walk == NULL || self->pending[self->at] == 0 ||
      g_hash_table_contains (self->snapshots, GINT_TO_POINTER (self->at + 1)))
    return;
  g_hash_table_insert (self->snapshots, GINT_TO_POINTER (self->at + 1),
                       snapshot_take (self->walk, self->walk_failure));
}

static gboolean
restore (StrataSchemaReplay  *self,
         gint                 position,
         GError             **error)
{
  Snapshot *snapshot = g_hash_table_lookup (self->snapshots, GINT_TO_POINTER (position + 1));
  StrataDatabase *database;

  if (snapshot == NULL || !(database = snapshot_restore (snapshot, error)))
    return FALSE;
  g_set_object (&self->walk, database);
  g_object_unref (database);
  g_clear_error (&self->walk_failure);
  self->walk_failure = snapshot->failure != NULL ? g_error_copy (snapshot->failure) : NULL;
  self->at = position;
  return TRUE;
}

static gboolean
rebuild (StrataSchemaReplay  *self,
         GArray              *parents,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(StrataDatabase) database = strata_database_open_memory (error);

  self->at = AT_UNKNOWN;
  g_clear_object (&self->walk);
  g_clear_error (&self->walk_failure);
  if (database == NULL ||
      !replay_into (self, database, parents, &self->walk_failure, cancellable, error))
    return FALSE;
  self->walk = g_steal_pointer (&database);
  if (parents->len == 0)
    self->at = AT_BASE;
  else
    self->at = parents->len == 1 ? g_array_index (parents, gint, 0) : AT_OTHER;
  return TRUE;
}

static gboolean
is_there (StrataSchemaReplay *self,
          GArray             *parents)
{
  if (self->walk == NULL)
    return FALSE;
  if (parents->len == 0)
    return self->at == AT_BASE;
  return parents->len == 1 && self->at == g_array_index (parents, gint, 0);
}

StrataDatabase *
_strata_schema_replay_seek (StrataSchemaReplay  *self,
                            StrataRevision      *revision,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(GArray) parents = NULL;

  g_return_val_if_fail (STRATA_IS_SCHEMA_REPLAY (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);

  parents = parents_of (self, revision);
  if (!is_there (self, parents))
    {
      GError *local_error = NULL;

      keep_current (self);
      if (!(parents->len == 1 &&
            restore (self, g_array_index (parents, gint, 0), &local_error)) &&
          (local_error != NULL || !rebuild (self, parents, cancellable, &local_error)))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  if (self->walk_failure != NULL)
    {
      g_propagate_error (error, g_error_copy (self->walk_failure));
      return NULL;
    }
  return self->walk;
}

/* A revision passed no longer needs the schema its parents left. */
static void
passed (StrataSchemaReplay *self,
        gint                position,
        GArray             *parents)
{
  for (guint i = 0; position >= 0 && i < parents->len; i++)
    {
      gint parent = g_array_index (parents, gint, i);

      if (self->pending[parent] > 0 && --self->pending[parent] == 0)
        g_hash_table_remove (self->snapshots, GINT_TO_POINTER (parent + 1));
    }
  self->at = position >= 0 ? position : AT_OTHER;
}

void
_strata_schema_replay_advance (StrataSchemaReplay *self,
                               StrataRevision     *revision)
{
  gint position;
  g_autoptr(GArray) parents = NULL;
  GError *failure = NULL;

  g_return_if_fail (STRATA_IS_SCHEMA_REPLAY (self));

  /* A seek that could not open a database leaves nothing to advance: the
   * next seek starts again. */
  if (self->walk == NULL)
    return;

  position = position_of_id (self, strata_revision_get_id (revision));
  parents = parents_of (self, revision);
  if (!apply (self->walk, revision, TRUE, &failure) && self->walk_failure == NULL)
    self->walk_failure = g_steal_pointer (&failure);
  g_clear_error (&failure);
  passed (self, position, parents);
}

void
_strata_schema_replay_advanced (StrataSchemaReplay *self,
                                StrataRevision     *revision,
                                gboolean            forget)
{
  gint position;
  g_autoptr(GArray) parents = NULL;

  g_return_if_fail (STRATA_IS_SCHEMA_REPLAY (self));

  position = position_of_id (self, strata_revision_get_id (revision));
  parents = parents_of (self, revision);
  passed (self, position, parents);
  if (forget)
    {
      g_clear_object (&self->walk);
      g_clear_error (&self->walk_failure);
      self->at = AT_UNKNOWN;
    }
}

/* For the editor ------------------------------------------------------------------ */

static GArray *
resolve_parents (StrataSchemaReplay *self,
                 const char * const *parents)
{
  GArray *positions = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint i = 0; parents != NULL && parents[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = strata_revision_graph_resolve (self->graph, parents[i], NULL);

      for (guint j = 0; found != NULL && j < found->len; j++)
        {
          gint position = position_of_id (self,
                                          strata_revision_get_id (g_ptr_array_index (found, j)));

          if (position >= 0 && !is_in (positions, position))
            g_array_append_val (positions, position);
        }
    }
  return positions;
}

static StrataDatabase *
open_locked (StrataSchemaReplay  *self,
             const char * const  *parents,
             GCancellable        *cancellable,
             GError             **error)
{
  static const char *none[] = { NULL };
  g_autofree char *key = g_strjoinv (",", (char **)(parents != NULL ? parents : none));
  g_autoptr(GArray) positions = NULL;
  g_autoptr(StrataDatabase) database = NULL;

  if (self->cached != NULL && g_strcmp0 (self->cached_key, key) == 0)
    return snapshot_restore (self->cached, error);

  positions = resolve_parents (self, parents);
  if (!(database = strata_database_open_memory (error)) ||
      !replay_into (self, database, positions, NULL, cancellable, error))
    return NULL;
  g_clear_pointer (&self->cached, snapshot_free);
  self->cached = snapshot_take (database, NULL);
  g_free (self->cached_key);
  self->cached_key = g_steal_pointer (&key);
  return g_steal_pointer (&database);
}

StrataDatabase *
strata_schema_replay_open (StrataSchemaReplay  *self,
                           const char * const  *parents,
                           GCancellable        *cancellable,
                           GError             **error)
{
  StrataDatabase *database;

  g_return_val_if_fail (STRATA_IS_SCHEMA_REPLAY (self), NULL);

  g_mutex_lock (&self->lock);
  database = open_locked (self, parents, cancellable, error);
  g_mutex_unlock (&self->lock);
  return database;
}
