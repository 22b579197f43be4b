/* strata-revision-graph-private.h: Alembic's RevisionMap internals, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision-graph.h"

G_BEGIN_DECLS

/* Shared by strata-revision-graph.c (building) and
 * strata-revision-graph-plan.c (resolving and planning). */
/* Nodes are numbered in file-name order, which is Alembic's map order. Lists
 * of nodes hold gint so that the two symbols Alembic mixes into its revision
 * tuples fit beside them. */
#define REV_NONE (-1) /* Python's None: base, or a walk that went too far */
#define REV_BASE (-2) /* the string "base" that a downward walk ends on */

/* Errors whose final wording depends on the command that met them, as
 * Alembic's _catch_revision_errors() rewords them. */
#define GRAPH_ERROR (_strata_revision_graph_error_quark ())
GQuark _strata_revision_graph_error_quark (void);

typedef enum
{
  GRAPH_ERROR_NOT_ANCESTOR,   /* RangeNotAncestorError, message as RevisionMap words it */
  GRAPH_ERROR_MULTIPLE_HEADS, /* MultipleHeads, message is the argument */
} GraphErrorCode;

/* Small vectors and bitsets ------------------------------------------------------- */

typedef struct
{
  gint     *v;
  guint     len;
  guint     cap;
  /* v is a slice of a block that someone else frees (the graph's edges,
   * sized in advance); growing past cap moves the vector to its own. */
  gboolean  borrowed;
} Vec;

static inline void
vec_add (Vec  *vec,
         gint  value)
{
  if (vec->len == vec->cap)
    {
      guint cap = MAX (4, vec->cap * 2);

      if (vec->borrowed)
        {
          gint *own = g_new (gint, cap);

          if (vec->len > 0)
            memcpy (own, vec->v, vec->len * sizeof (gint));
          vec->v = own;
          vec->borrowed = FALSE;
        }
      else
        vec->v = g_renew (gint, vec->v, cap);
      vec->cap = cap;
    }
  vec->v[vec->len++] = value;
}

/* Points @vec at @cap free places of @block, from *@used on. */
static inline void
vec_borrow (Vec   *vec,
            gint  *block,
            gsize *used,
            guint  cap)
{
  g_assert (vec->v == NULL && vec->len == 0);
  vec->v = cap > 0 ? block + *used : NULL;
  vec->cap = cap;
  vec->borrowed = cap > 0;
  *used += cap;
}

static inline gboolean
vec_has (const Vec *vec,
         gint       value)
{
  for (guint i = 0; i < vec->len; i++)
    if (vec->v[i] == value)
      return TRUE;
  return FALSE;
}

static inline void
vec_add_unique (Vec  *vec,
                gint  value)
{
  if (!vec_has (vec, value))
    vec_add (vec, value);
}

static inline gboolean
vec_remove (Vec  *vec,
            gint  value)
{
  for (guint i = 0; i < vec->len; i++)
    if (vec->v[i] == value)
      {
        memmove (&vec->v[i], &vec->v[i + 1], (vec->len - i - 1) * sizeof (gint));
        vec->len--;
        return TRUE;
      }
  return FALSE;
}

static inline void
vec_copy (Vec       *dest,
          const Vec *src)
{
  for (guint i = 0; i < src->len; i++)
    vec_add (dest, src->v[i]);
}

static inline void
vec_clear (Vec *vec)
{
  if (!vec->borrowed)
    g_free (vec->v);
  vec->v = NULL;
  vec->len = vec->cap = 0;
  vec->borrowed = FALSE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Vec, vec_clear)

typedef guint64 Bits;

static inline Bits *
bits_new (guint n)
{
  return g_new0 (Bits, n / 64 + 1);
}

static inline gboolean
bits_get (const Bits *bits,
          gint        i)
{
  return (bits[(guint)i / 64] >> ((guint)i % 64)) & 1;
}

static inline void
bits_set (Bits *bits,
          gint  i)
{
  bits[(guint)i / 64] |= G_GUINT64_CONSTANT (1) << ((guint)i % 64);
}

static inline void
bits_unset (Bits *bits,
            gint  i)
{
  bits[(guint)i / 64] &= ~(G_GUINT64_CONSTANT (1) << ((guint)i % 64));
}

/* The graph ---------------------------------------------------------------------- */

typedef struct
{
  StrataRevision *revision;
  const char     *id;
  Vec             down;      /* Revises */
  Vec             deps;      /* Depends On, resolved */
  Vec             norm_down; /* Revises, then the dependencies no ancestor has */
  Vec             all_down;  /* Revises, then every dependency */
  Vec             next;      /* revisions whose Revises names this one */
  Vec             all_next;  /* ... whose Revises or Depends On names it */
  GPtrArray      *labels;    /* own and inherited branch labels, borrowed */
  guint           topo;      /* position in the topological order */
  gboolean        has_norm_deps;
} Node;

typedef enum
{
  REL_DOWN,      /* through Revises */
  REL_NORM_DOWN, /* Alembic's ancestors: Revises and dependencies */
  REL_ALL_DOWN,
  REL_NEXT,      /* Alembic's descendants without dependencies */
  REL_ALL_NEXT,  /* ... and with them */
} Rel;

struct _StrataRevisionGraph
{
  GObject      parent_instance;

  GPtrArray   *owned;      /* the revisions, in file-name order */
  GPtrArray   *sorted;     /* topological order, bases first */
  Node        *nodes;
  guint        n_nodes;
  GHashTable  *ids;        /* id → node + 1 */
  GHashTable  *keys;       /* id or branch label → node + 1: Alembic's map */
  GPtrArray   *key_names;  /* the keys in map order, for prefix matches */
  /* The nodes' edge vectors, two blocks instead of six allocations a node. */
  gint        *up_edges;   /* down, deps, all_down, norm_down */
  gint        *down_edges; /* next, all_next */
  Vec          heads;      /* no revision's Revises names them */
  Vec          real_heads; /* nor any Depends On */
  Vec          bases;      /* empty Revises */

  GMutex       cache_lock;
  GHashTable  *ancestors;  /* node + 1 → Bits, for is_ancestor() */
};


/* Node of an id or label in one of the graph's tables, or -1. */
static inline gint
lookup_key (GHashTable *table,
            const char *key)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (table, key)) - 1;
}

void       _strata_revision_graph_collect          (StrataRevisionGraph  *self,
                                                    Rel                   rel,
                                                    const Vec            *targets,
                                                    Bits                 *seen,
                                                    gint                 *last);
gboolean   _strata_revision_graph_collect_checked  (StrataRevisionGraph  *self,
                                                    Rel                   rel,
                                                    const Vec            *targets,
                                                    Bits                 *seen,
                                                    GError              **error);
Bits      *_strata_revision_graph_reach            (StrataRevisionGraph  *self,
                                                    Rel                   rel,
                                                    const Vec            *targets);
Bits      *_strata_revision_graph_reach_one        (StrataRevisionGraph  *self,
                                                    Rel                   rel,
                                                    gint                  node);
Bits      *_strata_revision_graph_lineage_bits     (StrataRevisionGraph  *self,
                                                    const Vec            *shares,
                                                    gboolean              include_deps);
GPtrArray *_strata_revision_graph_match_prefix     (StrataRevisionGraph  *self,
                                                    const char           *prefix);
char      *_strata_revision_graph_quote_matches    (GPtrArray            *matches);
char      *_strata_revision_graph_join_nodes       (StrataRevisionGraph  *self,
                                                    const Vec            *nodes,
                                                    const char           *separator);

typedef enum
{
  STRATA_ITERATE_NONE              = 0,
  STRATA_ITERATE_INCLUSIVE         = 1 << 0,
  STRATA_ITERATE_IMPLICIT_BASE     = 1 << 1,
  STRATA_ITERATE_DOWNGRADE         = 1 << 2, /* select_for_downgrade */
  STRATA_ITERATE_NO_ASSERT_LENGTH  = 1 << 3, /* assert_relative_length=False */
} StrataIterateFlags;

/* strata-revision-graph-resolve.c: Alembic's RevisionMap name resolution. Node
 * lists may hold REV_NONE and REV_BASE where Alembic's tuples hold None and "base". */
void _strata_revision_graph_set_relative_error (GError     **error,
                                                const char  *relative,
                                                gint64       steps);
gboolean _strata_revision_graph_filter_for_lineage (StrataRevisionGraph  *self,
                                                    const Vec            *targets,
                                                    const char           *check_against,
                                                    gboolean              include_deps,
                                                    Vec                  *out,
                                                    GError              **error);
gboolean _strata_revision_graph_resolve_branch (StrataRevisionGraph  *self,
                                                const char           *label,
                                                gint                 *out,
                                                GError              **error);
gboolean _strata_revision_graph_get_revisions (StrataRevisionGraph  *self,
                                               const char           *spec,
                                               Vec                  *out,
                                               GError              **error);
gboolean _strata_revision_graph_get_revisions_all (StrataRevisionGraph  *self,
                                                   const char * const   *specs,
                                                   Vec                  *out,
                                                   GError              **error);
gboolean _strata_revision_graph_get_revision (StrataRevisionGraph  *self,
                                              const char           *spec,
                                              gint                 *out,
                                              GError              **error);
gboolean _strata_revision_graph_parse_downgrade_target (StrataRevisionGraph  *self,
                                                        const char * const   *current,
                                                        const char           *target,
                                                        gboolean              no_overwalk,
                                                        char                **out_label,
                                                        gint                 *out,
                                                        GError              **error);
gboolean _strata_revision_graph_parse_upgrade_target (StrataRevisionGraph  *self,
                                                      const char * const   *current,
                                                      const char           *target,
                                                      gboolean              no_overwalk,
                                                      Vec                  *out,
                                                      GError              **error);

static inline void
drop_symbols (Vec *nodes)
{
  guint kept = 0;

  for (guint i = 0; i < nodes->len; i++)
    if (nodes->v[i] >= 0)
      nodes->v[kept++] = nodes->v[i];
  nodes->len = kept;
}

/* Alembic's RevisionMap.iterate_revisions(): @upper and @lower are NULL for
 * None, or a vector of specs (one spec behaves as a string, several as a
 * tuple). Revisions come newest first; errors keep RevisionMap's wording. */
GPtrArray *_strata_revision_graph_iterate          (StrataRevisionGraph *self,
                                                    const char * const  *upper,
                                                    const char * const  *lower,
                                                    StrataIterateFlags   flags,
                                                    GError             **error);
/* Revises plus those Depends On that no ancestor already depends on
 * (Alembic's _normalized_down_revisions), or with every dependency
 * (_all_down_revisions). */
GStrv      _strata_revision_graph_get_down_ids     (StrataRevisionGraph *self,
                                                    StrataRevision      *revision,
                                                    gboolean             normalized);
/* The branch labels @revision carries, its own and those it inherits. */
GStrv      _strata_revision_graph_get_labels       (StrataRevisionGraph *self,
                                                    StrataRevision      *revision);

G_END_DECLS
