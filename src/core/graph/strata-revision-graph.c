/* strata-revision-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-revision.h"
#include "strata-revision-graph-private.h"
#include "strata-step.h"

G_DEFINE_QUARK (strata-revision-graph-error, _strata_revision_graph_error)

G_DEFINE_FINAL_TYPE (StrataRevisionGraph, strata_revision_graph, G_TYPE_OBJECT)

static void
strata_revision_graph_finalize (GObject *object)
{
  StrataRevisionGraph *self = STRATA_REVISION_GRAPH (object);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      vec_clear (&node->down);
      vec_clear (&node->deps);
      vec_clear (&node->norm_down);
      vec_clear (&node->all_down);
      vec_clear (&node->next);
      vec_clear (&node->all_next);
      g_clear_pointer (&node->labels, g_ptr_array_unref);
    }
  g_clear_pointer (&self->nodes, g_free);
  g_clear_pointer (&self->up_edges, g_free);
  g_clear_pointer (&self->down_edges, g_free);
  vec_clear (&self->heads);
  vec_clear (&self->real_heads);
  vec_clear (&self->bases);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->key_names, g_ptr_array_unref);
  g_clear_pointer (&self->ancestors, g_hash_table_unref);
  g_clear_pointer (&self->sorted, g_ptr_array_unref);
  g_clear_pointer (&self->owned, g_ptr_array_unref);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (strata_revision_graph_parent_class)->finalize (object);
}

static void
strata_revision_graph_class_init (StrataRevisionGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_revision_graph_finalize;
}

static void
strata_revision_graph_init (StrataRevisionGraph *self)
{
  g_mutex_init (&self->cache_lock);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys = g_hash_table_new (g_str_hash, g_str_equal);
  self->key_names = g_ptr_array_new ();
  self->ancestors = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

static const char *
path_of (StrataRevision *revision)
{
  const char *path = strata_revision_get_display_path (revision);

  return path != NULL ? path : strata_revision_get_id (revision);
}

static const char *
node_path (StrataRevisionGraph *self,
           gint                 node)
{
  return path_of (self->nodes[node].revision);
}

static const Vec *
related (StrataRevisionGraph *self,
         gint                 node,
         Rel                  rel)
{
  Node *n = &self->nodes[node];

  switch (rel)
    {
    case REL_DOWN:
      return &n->down;
    case REL_NORM_DOWN:
      return &n->norm_down;
    case REL_ALL_DOWN:
      return &n->all_down;
    case REL_NEXT:
      return &n->next;
    case REL_ALL_NEXT:
    default:
      return &n->all_next;
    }
}

char *
_strata_revision_graph_join_nodes (StrataRevisionGraph *self,
                                   const Vec           *nodes,
                                   const char          *separator)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      if (i > 0)
        g_string_append (joined, separator);
      g_string_append (joined, self->nodes[nodes->v[i]].id);
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Traversal ---------------------------------------------------------------------- */

static gboolean
check_overlap (StrataRevisionGraph  *self,
               gint                  target,
               const Vec            *popped,
               const Bits           *is_target,
               GError              **error)
{
  g_auto(Vec) overlaps = { 0 };
  g_autofree char *names = NULL;

  for (guint i = 0; i < popped->len; i++)
    if (popped->v[i] != target && bits_get (is_target, popped->v[i]))
      vec_add_unique (&overlaps, popped->v[i]);
  if (overlaps.len == 0)
    return TRUE;

  names = _strata_revision_graph_join_nodes (self, &overlaps, ", ");
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
               _("Requested revision %s overlaps with other requested revisions %s"),
               self->nodes[target].id, names);
  return FALSE;
}

/* Alembic's _iterate_related_revisions(): a depth-first walk from each target
 * that marks what it reaches in @seen, remembering the last node it reached.
 * With @check, a target that reaches another target is an error. */
static gboolean
collect (StrataRevisionGraph  *self,
         Rel                   rel,
         const Vec            *targets,
         gboolean              check,
         Bits                 *seen,
         gint                 *last,
         GError              **error)
{
  g_auto(Vec) stack = { 0 };
  g_auto(Vec) popped = { 0 };
  g_autofree Bits *is_target = NULL;

  if (check)
    {
      is_target = bits_new (self->n_nodes);
      for (guint i = 0; i < targets->len; i++)
        bits_set (is_target, targets->v[i]);
    }

  for (guint i = 0; i < targets->len; i++)
    {
      popped.len = 0;
      vec_add (&stack, targets->v[i]);
      while (stack.len > 0)
        {
          gint node = stack.v[--stack.len];
          const Vec *more;

          if (check)
            vec_add (&popped, node);
          if (bits_get (seen, node))
            continue;
          bits_set (seen, node);
          more = related (self, node, rel);
          for (guint j = 0; j < more->len; j++)
            vec_add (&stack, more->v[j]);
          if (last != NULL)
            *last = node;
        }
      if (check && !check_overlap (self, targets->v[i], &popped, is_target, error))
        return FALSE;
    }
  return TRUE;
}

void
_strata_revision_graph_collect (StrataRevisionGraph *self,
                                Rel                  rel,
                                const Vec           *targets,
                                Bits                *seen,
                                gint                *last)
{
  collect (self, rel, targets, FALSE, seen, last, NULL);
}

gboolean
_strata_revision_graph_collect_checked (StrataRevisionGraph  *self,
                                        Rel                   rel,
                                        const Vec            *targets,
                                        Bits                 *seen,
                                        GError              **error)
{
  return collect (self, rel, targets, TRUE, seen, NULL, error);
}

Bits *
_strata_revision_graph_reach (StrataRevisionGraph *self,
                              Rel                  rel,
                              const Vec           *targets)
{
  Bits *seen = bits_new (self->n_nodes);

  collect (self, rel, targets, FALSE, seen, NULL, NULL);
  return seen;
}

Bits *
_strata_revision_graph_reach_one (StrataRevisionGraph *self,
                                  Rel                  rel,
                                  gint                 node)
{
  Vec one = { &node, 1, 1 };

  return _strata_revision_graph_reach (self, rel, &one);
}

/* Alembic's _shares_lineage(), turned around: the nodes that are ancestors or
 * descendants of any of @shares, so each candidate is one bit test. */
Bits *
_strata_revision_graph_lineage_bits (StrataRevisionGraph *self,
                                     const Vec           *shares,
                                     gboolean             include_deps)
{
  Bits *bits = _strata_revision_graph_reach (self, include_deps ? REL_NORM_DOWN : REL_DOWN, shares);
  g_autofree Bits *below = _strata_revision_graph_reach (self,
                                                         include_deps ? REL_ALL_NEXT : REL_NEXT,
                                                         shares);

  for (guint i = 0; i <= self->n_nodes / 64; i++)
    bits[i] |= below[i];
  return bits;
}

/* Building and validating ---------------------------------------------------------- */

static gboolean
check_id (StrataRevision  *revision,
          GError         **error)
{
  const char *id = strata_revision_get_id (revision);
  g_autoptr(GString) illegal = NULL;
  static const char *forbidden[] = { "+", "-", "@" };

  /* Every revision of the project passes here: the message is made only
   * for one that fails. */
  if (strpbrk (id, "+-@") == NULL)
    return TRUE;
  illegal = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (strchr (id, forbidden[i][0]) != NULL)
      g_string_append_printf (illegal, "%s%s", illegal->len > 0 ? ", " : "", forbidden[i]);

  if (illegal->len > 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: Character(s) '%s' not allowed in revision identifier '%s'; "
                     "target syntax gives them a meaning"),
                   path_of (revision), illegal->str, id);
      return FALSE;
    }
  return TRUE;
}

/* Alembic refuses these when it reads the revision, before anything else. */
static gboolean
check_self_loops (StrataRevision  *revision,
                  GError         **error)
{
  const char *id = strata_revision_get_id (revision);

  if (g_strv_contains (strata_revision_get_down_revisions (revision), id))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CYCLE,
                   _("%s: Self-loop is detected in revisions (%s); its “Revises:” line "
                     "names its own id"),
                   path_of (revision), id);
      return FALSE;
    }
  if (g_strv_contains (strata_revision_get_depends_on (revision), id))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CYCLE,
                   _("%s: Dependency self-loop is detected in revisions (%s); its “Depends "
                     "On:” line names its own id"),
                   path_of (revision), id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_ids (StrataRevisionGraph  *self,
         GError              **error)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      gint other = lookup_key (self->ids, node->id);

      if (other >= 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DUPLICATE,
                       _("%s: Revision %s is present more than once (also in %s); give one "
                         "of the two files a new “Revision ID:”"),
                       node_path (self, i), node->id, node_path (self, other));
          return FALSE;
        }
      g_hash_table_insert (self->ids, (gpointer)node->id, GINT_TO_POINTER (i + 1));
      g_hash_table_insert (self->keys, (gpointer)node->id, GINT_TO_POINTER (i + 1));
      g_ptr_array_add (self->key_names, (gpointer)node->id);
    }
  return TRUE;
}

/* Labels share the map with ids, as in Alembic, so a label may not repeat an id. */
static gboolean
add_labels (StrataRevisionGraph  *self,
            GError              **error)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      const char * const *labels = strata_revision_get_branch_labels (self->nodes[i].revision);

      for (guint j = 0; labels[j] != NULL; j++)
        {
          gint other = lookup_key (self->keys, labels[j]);

          if (other >= 0)
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_DUPLICATE,
                           _("%s: Branch name '%s' in revision %s already used by revision %s"),
                           node_path (self, i), labels[j], self->nodes[i].id,
                           self->nodes[other].id);
              return FALSE;
            }
          g_hash_table_insert (self->keys, (gpointer)labels[j], GINT_TO_POINTER (i + 1));
          g_ptr_array_add (self->key_names, (gpointer)labels[j]);
        }
    }
  return TRUE;
}

static gboolean
resolve_down (StrataRevisionGraph  *self,
              gint                  i,
              GError              **error)
{
  Node *node = &self->nodes[i];
  const char * const *down = strata_revision_get_down_revisions (node->revision);

  for (guint j = 0; down[j] != NULL; j++)
    {
      gint parent = lookup_key (self->ids, down[j]);

      if (parent < 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("%s: Revises names “%s”, which is not a revision; fix the "
                         "“Revises:” line or restore that revision's file"),
                       node_path (self, i), down[j]);
          return FALSE;
        }
      vec_add_unique (&node->down, parent);
    }
  return TRUE;
}

/* Keys longer than three characters that start with @prefix, in map order;
 * Alembic matches partial ids against labels too. */
GPtrArray *
_strata_revision_graph_match_prefix (StrataRevisionGraph *self,
                                     const char          *prefix)
{
  GPtrArray *matches = g_ptr_array_new ();

  for (guint i = 0; i < self->key_names->len; i++)
    {
      const char *key = g_ptr_array_index (self->key_names, i);

      if (strlen (key) > 3 && g_str_has_prefix (key, prefix))
        g_ptr_array_add (matches, (gpointer)key);
    }
  return matches;
}

char *
_strata_revision_graph_quote_matches (GPtrArray *matches)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < matches->len && i < 3; i++)
    g_string_append_printf (names, "%s'%s'", i > 0 ? ", " : "",
                            (const char *)g_ptr_array_index (matches, i));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Depends On may name an id, a unique prefix or a branch label. */
static gboolean
resolve_dependency (StrataRevisionGraph  *self,
                    gint                  i,
                    const char           *name,
                    gint                 *out,
                    GError              **error)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *names = NULL;

  if ((*out = lookup_key (self->keys, name)) >= 0)
    return TRUE;

  matches = _strata_revision_graph_match_prefix (self, name);
  if (matches->len == 1)
    {
      *out = lookup_key (self->keys, g_ptr_array_index (matches, 0));
      return TRUE;
    }
  if (matches->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                   _("%s: Depends On names “%s”, which is not a revision or branch label; "
                     "fix the “Depends On:” line or restore that revision's file"),
                   node_path (self, i), name);
      return FALSE;
    }
  names = _strata_revision_graph_quote_matches (matches);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
               _("%s: Depends On names “%s”, but multiple revisions start with '%s': %s...; "
                 "write more of the id"),
               node_path (self, i), name, name, names);
  return FALSE;
}

static gboolean
resolve_dependencies (StrataRevisionGraph  *self,
                      gint                  i,
                      GError              **error)
{
  Node *node = &self->nodes[i];
  const char * const *deps = strata_revision_get_depends_on (node->revision);

  for (guint j = 0; deps[j] != NULL; j++)
    {
      gint dep;

      if (!resolve_dependency (self, i, deps[j], &dep, error))
        return FALSE;
      if (dep == i)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CYCLE,
                       _("%s: Dependency self-loop is detected in revisions (%s); its "
                         "“Depends On:” line names “%s”, which is itself"),
                       node_path (self, i), node->id, deps[j]);
          return FALSE;
        }
      vec_add_unique (&node->deps, dep);
    }

  vec_copy (&node->all_down, &node->down);
  for (guint j = 0; j < node->deps.len; j++)
    vec_add_unique (&node->all_down, node->deps.v[j]);
  return TRUE;
}

/* Each node's Revises and Depends On, as they will be once resolved, sized
 * from the headers: one block for the thousand nodes of a large project. */
static void
borrow_up_edges (StrataRevisionGraph *self)
{
  gsize total = 0;
  gsize used = 0;

  for (guint i = 0; i < self->n_nodes; i++)
    {
      StrataRevision *revision = self->nodes[i].revision;

      total += 3 * (g_strv_length ((char **)strata_revision_get_down_revisions (revision)) +
                    g_strv_length ((char **)strata_revision_get_depends_on (revision)));
    }
  self->up_edges = g_new (gint, MAX (total, 1));
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      guint down = g_strv_length ((char **)strata_revision_get_down_revisions (node->revision));
      guint deps = g_strv_length ((char **)strata_revision_get_depends_on (node->revision));

      vec_borrow (&node->down, self->up_edges, &used, down);
      vec_borrow (&node->deps, self->up_edges, &used, deps);
      vec_borrow (&node->all_down, self->up_edges, &used, down + deps);
      vec_borrow (&node->norm_down, self->up_edges, &used, down + deps);
    }
}

/* The same for the children, counted from the resolved parents. */
static void
borrow_down_edges (StrataRevisionGraph *self)
{
  g_autofree guint *next = g_new0 (guint, self->n_nodes);
  g_autofree guint *all_next = g_new0 (guint, self->n_nodes);
  gsize total = 0;
  gsize used = 0;

  for (guint i = 0; i < self->n_nodes; i++)
    {
      const Node *node = &self->nodes[i];

      for (guint j = 0; j < node->down.len; j++)
        next[node->down.v[j]]++;
      for (guint j = 0; j < node->all_down.len; j++)
        all_next[node->all_down.v[j]]++;
      total += node->down.len + node->all_down.len;
    }
  self->down_edges = g_new (gint, MAX (total, 1));
  for (guint i = 0; i < self->n_nodes; i++)
    {
      vec_borrow (&self->nodes[i].next, self->down_edges, &used, next[i]);
      vec_borrow (&self->nodes[i].all_next, self->down_edges, &used, all_next[i]);
    }
}

static void
link_children (StrataRevisionGraph *self)
{
  borrow_down_edges (self);
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      for (guint j = 0; j < node->down.len; j++)
        vec_add (&self->nodes[node->down.v[j]].next, i);
      for (guint j = 0; j < node->all_down.len; j++)
        vec_add (&self->nodes[node->all_down.v[j]].all_next, i);
    }

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      if (node->next.len == 0)
        vec_add (&self->heads, i);
      if (node->all_next.len == 0)
        vec_add (&self->real_heads, i);
      if (node->down.len == 0)
        vec_add (&self->bases, i);
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char **)a, *(const char **)b);
}

/* Alembic names every revision its test cannot reach, not only the loop. At
 * most a few files are listed, so that a long tail stays readable. */
static void
set_cycle_error (StrataRevisionGraph  *self,
                 const char           *kind,
                 const Bits           *reached,
                 GError              **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GString) paths = g_string_new (NULL);
  g_autofree char *joined = NULL;
  guint n_paths = 0;

  for (guint i = 0; i < self->n_nodes; i++)
    if (reached == NULL || !bits_get (reached, i))
      {
        g_ptr_array_add (ids, (gpointer)self->nodes[i].id);
        if (n_paths++ < 4)
          g_string_append_printf (paths, "%s%s", n_paths > 1 ? ", " : "", node_path (self, i));
      }
  if (n_paths > 4)
    g_string_append (paths, ", …");

  if (reached != NULL)
    g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  joined = g_strjoinv (", ", (char **)ids->pdata);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CYCLE,
               _("%s is detected in revisions (%s); check the “Revises:” and “Depends On:” "
                 "lines of %s"),
               kind, joined, paths->str);
}

/* Alembic's _detect_cycles(): every revision must be reachable down from a
 * head and up from a base, first through Revises, then with dependencies. */
static gboolean
detect_cycles (StrataRevisionGraph  *self,
               gboolean              with_deps,
               GError              **error)
{
  const char *kind = with_deps ? _("Dependency cycle") : _("Cycle");
  g_auto(Vec) bases = { 0 };
  g_autofree Bits *down = NULL;
  g_autofree Bits *up = NULL;
  const Vec *heads = with_deps ? &self->real_heads : &self->heads;

  for (guint i = 0; i < self->bases.len; i++)
    {
      gint base = self->bases.v[i];
      gboolean declares = strata_revision_get_depends_on (self->nodes[base].revision)[0] != NULL;

      if (!with_deps || !declares)
        vec_add (&bases, base);
    }

  if (self->n_nodes == 0)
    return TRUE;
  if (heads->len == 0 || bases.len == 0)
    {
      set_cycle_error (self, kind, NULL, error);
      return FALSE;
    }

  down = _strata_revision_graph_reach (self, with_deps ? REL_ALL_DOWN : REL_DOWN, heads);
  up = _strata_revision_graph_reach (self, with_deps ? REL_ALL_NEXT : REL_NEXT, &bases);
  for (guint i = 0; i <= self->n_nodes / 64; i++)
    down[i] &= up[i];
  for (guint i = 0; i < self->n_nodes; i++)
    if (!bits_get (down, i))
      {
        set_cycle_error (self, kind, down, error);
        return FALSE;
      }
  return TRUE;
}

static void
heap_push (Vec  *heap,
           gint  value)
{
  guint i = heap->len;

  vec_add (heap, value);
  while (i > 0 && heap->v[(i - 1) / 2] > heap->v[i])
    {
      gint tmp = heap->v[i];

      heap->v[i] = heap->v[(i - 1) / 2];
      heap->v[(i - 1) / 2] = tmp;
      i = (i - 1) / 2;
    }
}

static gint
heap_pop (Vec *heap)
{
  gint top = heap->v[0];
  guint i = 0;

  heap->v[0] = heap->v[--heap->len];
  for (;;)
    {
      guint smallest = i;
      guint left = 2 * i + 1;
      gint tmp;

      if (left < heap->len && heap->v[left] < heap->v[smallest])
        smallest = left;
      if (left + 1 < heap->len && heap->v[left + 1] < heap->v[smallest])
        smallest = left + 1;
      if (smallest == i)
        return top;
      tmp = heap->v[i];
      heap->v[i] = heap->v[smallest];
      heap->v[smallest] = tmp;
      i = smallest;
    }
}

/* Kahn's algorithm, always taking the first ready revision in file-name order.
 * It also catches the dependency loops Alembic's reachability test misses. */
static gboolean
sort_topologically (StrataRevisionGraph  *self,
                    GError              **error)
{
  g_autofree guint *pending = g_new0 (guint, self->n_nodes + 1);
  g_auto(Vec) ready = { 0 };
  g_autofree Bits *done = bits_new (self->n_nodes);

  self->sorted = g_ptr_array_new_full (self->n_nodes, g_object_unref);
  for (guint i = 0; i < self->n_nodes; i++)
    if ((pending[i] = self->nodes[i].all_down.len) == 0)
      heap_push (&ready, i);

  while (ready.len > 0)
    {
      gint node = heap_pop (&ready);
      const Vec *children = &self->nodes[node].all_next;

      self->nodes[node].topo = self->sorted->len;
      bits_set (done, node);
      g_ptr_array_add (self->sorted, g_object_ref (self->nodes[node].revision));
      for (guint j = 0; j < children->len; j++)
        if (--pending[children->v[j]] == 0)
          heap_push (&ready, children->v[j]);
    }

  if (self->sorted->len < self->n_nodes)
    {
      set_cycle_error (self, _("Dependency cycle"), done, error);
      return FALSE;
    }
  return TRUE;
}

/* What a revision inherits: the dependencies of all its ancestors through
 * Revises. Sets are shared down plain lines, so a long history costs little. */
static GHashTable *
inherit (StrataRevisionGraph  *self,
         GHashTable          **inherited,
         gint                  i)
{
  Node *node = &self->nodes[i];
  GHashTable *set = NULL;

  if (node->down.len == 1 && self->nodes[node->down.v[0]].deps.len == 0)
    {
      GHashTable *parent = inherited[node->down.v[0]];

      return parent != NULL ? g_hash_table_ref (parent) : NULL;
    }

  for (guint j = 0; j < node->down.len; j++)
    {
      gint parent = node->down.v[j];
      GHashTableIter iter;
      gpointer key;

      if (set == NULL && (self->nodes[parent].deps.len > 0 || inherited[parent] != NULL))
        set = g_hash_table_new (NULL, NULL);
      for (guint k = 0; k < self->nodes[parent].deps.len; k++)
        g_hash_table_add (set, GINT_TO_POINTER (self->nodes[parent].deps.v[k] + 1));
      if (inherited[parent] == NULL)
        continue;
      g_hash_table_iter_init (&iter, inherited[parent]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (set, key);
    }
  return set;
}

/* Alembic's _normalize_depends_on(): a dependency that an ancestor already
 * has is no edge of its own. */
static void
normalize_dependencies (StrataRevisionGraph *self)
{
  g_autofree GHashTable **inherited = g_new0 (GHashTable *, self->n_nodes + 1);
  g_autofree gint *order = g_new0 (gint, self->n_nodes + 1);

  for (guint i = 0; i < self->n_nodes; i++)
    order[self->nodes[i].topo] = i;

  for (guint t = 0; t < self->n_nodes; t++)
    {
      gint i = order[t];
      Node *node = &self->nodes[i];

      inherited[i] = inherit (self, inherited, i);
      vec_copy (&node->norm_down, &node->down);
      for (guint j = 0; j < node->deps.len; j++)
        {
          gint dep = node->deps.v[j];

          if (inherited[i] != NULL &&
              g_hash_table_contains (inherited[i], GINT_TO_POINTER (dep + 1)))
            continue;
          node->has_norm_deps = TRUE;
          vec_add_unique (&node->norm_down, dep);
        }
    }

  for (guint i = 0; i < self->n_nodes; i++)
    g_clear_pointer (&inherited[i], g_hash_table_unref);
}

static void
add_node_labels (Node               *node,
                 const char * const *labels)
{
  if (node->labels == NULL)
    node->labels = g_ptr_array_new ();
  for (guint i = 0; labels[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (node->labels, labels[i], g_str_equal, NULL))
      g_ptr_array_add (node->labels, (gpointer)labels[i]);
}

/* Alembic's _add_branches(): a label reaches every descendant, then, from the
 * last one its walk visited, back down a plain line until a branch or merge
 * point, so "label@base" finds the root a labelled branch grew from. */
static void
propagate_labels (StrataRevisionGraph *self)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      const char * const *labels = strata_revision_get_branch_labels (self->nodes[i].revision);
      g_autofree Bits *seen = NULL;
      gint start = i;
      gint last = i;
      gint parent;
      Vec one = { &start, 1, 1 };

      if (labels[0] == NULL)
        continue;

      seen = bits_new (self->n_nodes);
      collect (self, REL_NEXT, &one, FALSE, seen, &last, NULL);
      for (guint j = 0; j < self->n_nodes; j++)
        if (bits_get (seen, j))
          add_node_labels (&self->nodes[j], labels);

      for (parent = last; parent >= 0;)
        {
          Node *node = &self->nodes[parent];

          if (node->all_next.len > 1 || node->down.len > 1)
            break;
          add_node_labels (node, labels);
          parent = node->down.len == 1 ? node->down.v[0] : -1;
        }
    }
}

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  StrataRevision *ra = *(StrataRevision **)a;
  StrataRevision *rb = *(StrataRevision **)b;

  return g_strcmp0 (strata_revision_get_display_path (ra),
                    strata_revision_get_display_path (rb));
}

static gboolean
build (StrataRevisionGraph  *self,
       GError              **error)
{
  self->n_nodes = self->owned->len;
  self->nodes = g_new0 (Node, self->n_nodes + 1);
  for (guint i = 0; i < self->n_nodes; i++)
    {
      StrataRevision *revision = g_ptr_array_index (self->owned, i);

      if (!check_id (revision, error) || !check_self_loops (revision, error))
        return FALSE;
      self->nodes[i].revision = revision;
      self->nodes[i].id = strata_revision_get_id (revision);
    }

  if (!add_ids (self, error) || !add_labels (self, error))
    return FALSE;
  borrow_up_edges (self);
  for (guint i = 0; i < self->n_nodes; i++)
    if (!resolve_down (self, i, error) || !resolve_dependencies (self, i, error))
      return FALSE;

  link_children (self);
  if (!detect_cycles (self, FALSE, error) ||
      !detect_cycles (self, TRUE, error) ||
      !sort_topologically (self, error))
    return FALSE;

  normalize_dependencies (self);
  propagate_labels (self);
  return TRUE;
}

StrataRevisionGraph *
strata_revision_graph_new (GPtrArray  *revisions,
                           GError    **error)
{
  g_autoptr(StrataRevisionGraph) self = NULL;

  g_return_val_if_fail (revisions != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (STRATA_TYPE_REVISION_GRAPH, NULL);
  self->owned = g_ptr_array_new_full (revisions->len, g_object_unref);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);

      g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);
      g_ptr_array_add (self->owned, g_object_ref (revision));
    }
  /* GLib's sort is stable: revisions without a file keep the caller's order. */
  g_ptr_array_sort (self->owned, compare_file_names);

  if (!build (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Queries ------------------------------------------------------------------------ */

static gint
node_of (StrataRevisionGraph *self,
         StrataRevision      *revision)
{
  return lookup_key (self->ids, strata_revision_get_id (revision));
}

static GPtrArray *
revisions_of_nodes (StrataRevisionGraph *self,
                    const Vec           *nodes)
{
  GPtrArray *revisions = g_ptr_array_new_full (nodes->len, g_object_unref);

  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (revisions, g_object_ref (self->nodes[nodes->v[i]].revision));
  return revisions;
}

GPtrArray *
strata_revision_graph_get_revisions (StrataRevisionGraph *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  return self->sorted;
}

guint
strata_revision_graph_get_n_revisions (StrataRevisionGraph *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), 0);

  return self->n_nodes;
}

StrataRevision *
strata_revision_graph_lookup (StrataRevisionGraph *self,
                              const char          *id)
{
  gint node;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = lookup_key (self->ids, id);
  return node >= 0 ? self->nodes[node].revision : NULL;
}

GPtrArray *
strata_revision_graph_get_heads (StrataRevisionGraph *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  return revisions_of_nodes (self, &self->heads);
}

GPtrArray *
strata_revision_graph_get_bases (StrataRevisionGraph *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  return revisions_of_nodes (self, &self->bases);
}

GPtrArray *
strata_revision_graph_get_children (StrataRevisionGraph *self,
                                    StrataRevision      *revision)
{
  gint node;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);

  if ((node = node_of (self, revision)) < 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  return revisions_of_nodes (self, &self->nodes[node].next);
}

guint
strata_revision_graph_get_n_children (StrataRevisionGraph *self,
                                      StrataRevision      *revision)
{
  gint node;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), 0);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), 0);

  node = node_of (self, revision);
  return node >= 0 ? self->nodes[node].next.len : 0;
}

/* In the order `alembic branches` prints them: newest first. */
GPtrArray *
strata_revision_graph_get_branch_points (StrataRevisionGraph *self)
{
  GPtrArray *points;
  GPtrArray *newest_first;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  points = g_ptr_array_new_with_free_func (g_object_unref);
  newest_first = strata_revision_graph_walk (self, NULL, NULL, NULL);
  if (newest_first == NULL)
    return points;

  for (guint i = 0; i < newest_first->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (newest_first, i);

      if (self->nodes[node_of (self, revision)].next.len > 1)
        g_ptr_array_add (points, g_object_ref (revision));
    }
  g_ptr_array_unref (newest_first);
  return points;
}

/* Status asks this for every revision against each current head, so each
 * head's ancestors are kept once computed. Nodes are topologically numbered
 * as well, which answers most negatives at once. */
gboolean
strata_revision_graph_is_ancestor (StrataRevisionGraph *self,
                                   StrataRevision      *ancestor,
                                   StrataRevision      *descendant)
{
  gint a;
  gint d;
  Bits *bits;
  gboolean result;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION (ancestor), FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION (descendant), FALSE);

  a = node_of (self, ancestor);
  d = node_of (self, descendant);
  if (a < 0 || d < 0)
    return FALSE;
  if (a == d)
    return TRUE;
  if (self->nodes[a].topo > self->nodes[d].topo)
    return FALSE;

  g_mutex_lock (&self->cache_lock);
  bits = g_hash_table_lookup (self->ancestors, GINT_TO_POINTER (d + 1));
  if (bits == NULL)
    {
      if (g_hash_table_size (self->ancestors) >= 1024)
        g_hash_table_remove_all (self->ancestors);
      bits = _strata_revision_graph_reach_one (self, REL_NORM_DOWN, d);
      g_hash_table_insert (self->ancestors, GINT_TO_POINTER (d + 1), bits);
    }
  result = bits_get (bits, a);
  g_mutex_unlock (&self->cache_lock);

  return result;
}

GStrv
_strata_revision_graph_get_down_ids (StrataRevisionGraph *self,
                                     StrataRevision      *revision,
                                     gboolean             normalized)
{
  gint node;
  const Vec *down;
  GStrv ids;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  node = node_of (self, revision);
  g_return_val_if_fail (node >= 0, NULL);

  down = normalized ? &self->nodes[node].norm_down : &self->nodes[node].all_down;
  ids = g_new0 (char *, down->len + 1);
  for (guint i = 0; i < down->len; i++)
    ids[i] = g_strdup (self->nodes[down->v[i]].id);
  return ids;
}

GStrv
_strata_revision_graph_get_labels (StrataRevisionGraph *self,
                                   StrataRevision      *revision)
{
  GPtrArray *labels;
  GStrv copy;
  gint node;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  node = node_of (self, revision);
  g_return_val_if_fail (node >= 0, NULL);

  labels = self->nodes[node].labels;
  copy = g_new0 (char *, (labels != NULL ? labels->len : 0) + 1);
  for (guint i = 0; labels != NULL && i < labels->len; i++)
    copy[i] = g_strdup (g_ptr_array_index (labels, i));
  return copy;
}

GStrv
strata_revision_graph_get_branch_labels (StrataRevisionGraph *self,
                                         StrataRevision      *revision)
{
  return _strata_revision_graph_get_labels (self, revision);
}
