/* strata-revision-graph-plan.c: resolving targets and planning steps, as
 * Alembic's RevisionMap, ScriptDirectory and HeadMaintainer do
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

/* Collecting and ordering ---------------------------------------------------------- */

static char *
spec_to_string (const char * const *specs)
{
  g_autoptr(GString) text = NULL;

  if (specs == NULL || specs[0] == NULL)
    return g_strdup ("base");
  if (specs[1] == NULL)
    return g_strdup (specs[0]);

  text = g_string_new ("(");
  for (guint i = 0; specs[i] != NULL; i++)
    g_string_append_printf (text, "%s'%s'", i > 0 ? ", " : "", specs[i]);
  g_string_append_c (text, ')');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_not_ancestor (GError             **error,
                  const char * const  *lower,
                  const char * const  *upper)
{
  g_autofree char *from = spec_to_string (lower);
  g_autofree char *to = spec_to_string (upper);

  g_set_error (error, GRAPH_ERROR, GRAPH_ERROR_NOT_ANCESTOR,
               _("Revision %s is not an ancestor of revision %s"), from, to);
}

static gboolean
is_single (const char * const *specs)
{
  return specs != NULL && specs[0] != NULL && specs[1] == NULL;
}

/* "label@..." as the lower end keeps only targets on that branch; an id there
 * stands for its one branch label. */
static gboolean
keep_branch_targets (StrataRevisionGraph  *self,
                     const char           *lower,
                     Vec                  *targets,
                     GError              **error)
{
  g_autofree char *branch = g_strndup (lower, strchr (lower, '@') - lower);
  const char *label = branch;
  guint kept = 0;
  gint node;

  if (!_strata_revision_graph_get_revision (self, branch, &node, error))
    return FALSE;
  if (node >= 0 && g_str_equal (self->nodes[node].id, branch))
    label = self->nodes[node].labels != NULL && self->nodes[node].labels->len > 0
          ? g_ptr_array_index (self->nodes[node].labels, 0) : NULL;

  for (guint i = 0; i < targets->len; i++)
    {
      GPtrArray *labels = self->nodes[targets->v[i]].labels;

      if (label != NULL && labels != NULL &&
          g_ptr_array_find_with_equal_func (labels, label, g_str_equal, NULL))
        targets->v[kept++] = targets->v[i];
    }
  targets->len = kept;
  return TRUE;
}

static Bits *
closure (StrataRevisionGraph  *self,
         const Vec            *nodes,
         GError              **error)
{
  g_autofree Bits *bits = bits_new (self->n_nodes);

  if (!_strata_revision_graph_collect_checked (self, REL_NORM_DOWN, nodes, bits, error))
    return NULL;
  return g_steal_pointer (&bits);
}

/* Alembic's _collect_upgrade_revisions(): what @upper needs that @lower
 * lacks, and the targets, which lead the ordering. */
static gboolean
collect_upgrade (StrataRevisionGraph  *self,
                 const char * const   *upper,
                 const char * const   *lower,
                 StrataIterateFlags    flags,
                 Bits                **out_needs,
                 Vec                  *targets,
                 GError              **error)
{
  gboolean no_overwalk = !(flags & STRATA_ITERATE_NO_ASSERT_LENGTH);
  g_auto(Vec) current = { 0 };
  g_autofree Bits *required = NULL;
  g_autofree Bits *present = NULL;
  g_auto(GStrv) relative_lower = NULL;

  if (is_single (upper) ? !_strata_revision_graph_parse_upgrade_target (self, lower, upper[0],
                                                                       no_overwalk, targets, error)
                        : !_strata_revision_graph_get_revisions_all (self, upper, targets, error))
    return FALSE;
  drop_symbols (targets);
  if (is_single (lower) && strchr (lower[0], '@') != NULL &&
      !keep_branch_targets (self, lower[0], targets, error))
    return FALSE;

  if (!(required = closure (self, targets, error)) ||
      !_strata_revision_graph_get_revisions_all (self, lower, &current, error))
    return FALSE;

  if (!(flags & STRATA_ITERATE_IMPLICIT_BASE))
    for (guint i = 0; i < current.len; i++)
      if (current.v[i] >= 0 && !bits_get (required, current.v[i]))
        {
          set_not_ancestor (error, lower, upper);
          return FALSE;
        }

  if (current.len > 0 && current.v[0] == REV_NONE && is_single (lower))
    {
      g_autofree char *label = NULL;
      gint rev;

      if (!_strata_revision_graph_parse_downgrade_target (self, upper, lower[0], no_overwalk,
                                                          &label, &rev, error))
        return FALSE;
      current.len = 0;
      if (rev >= 0)
        {
          const char *ids[] = { self->nodes[rev].id, NULL };

          vec_add (&current, rev);
          relative_lower = g_strdupv ((char **)ids);
        }
      lower = (const char * const *)relative_lower;
    }
  drop_symbols (&current);

  if (!(present = closure (self, &current, error)))
    return FALSE;
  for (guint i = 0; i <= self->n_nodes / 64; i++)
    required[i] &= ~present[i];

  if (flags & STRATA_ITERATE_INCLUSIVE)
    {
      g_auto(Vec) again = { 0 };

      if (!_strata_revision_graph_get_revisions_all (self, lower, &again, error))
        return FALSE;
      drop_symbols (&again);
      for (guint i = 0; i < again.len; i++)
        bits_set (required, again.v[i]);
    }

  if (current.len > 0 && !(flags & STRATA_ITERATE_IMPLICIT_BASE))
    {
      g_autofree Bits *above = bits_new (self->n_nodes);

      if (!_strata_revision_graph_collect_checked (self, REL_NEXT, &current, above, error))
        return FALSE;
      for (guint i = 0; i <= self->n_nodes / 64; i++)
        required[i] &= above[i];
    }

  *out_needs = g_steal_pointer (&required);
  return TRUE;
}

/* The revisions a downgrade removes first: every child of the target, or
 * every base, narrowed to @label's branch when there is a choice. */
static gboolean
downgrade_roots (StrataRevisionGraph  *self,
                 gint                  target,
                 const char           *label,
                 gboolean              inclusive,
                 Vec                  *roots,
                 GError              **error)
{
  g_autofree Bits *on_branch = NULL;
  gint branch;
  guint kept = 0;

  if (target < 0)
    {
      for (guint i = 0; i < self->bases.len; i++)
        vec_add (roots, self->bases.v[i]);
    }
  else if (inclusive)
    vec_add (roots, target);
  else
    vec_copy (roots, &self->nodes[target].next);

  if (label == NULL || roots->len <= 1)
    return TRUE;

  if (!_strata_revision_graph_resolve_branch (self, label, &branch, error))
    return FALSE;
  on_branch = _strata_revision_graph_reach_one (self, REL_DOWN, branch);
  for (guint i = 0; i < roots->len; i++)
    if (bits_get (on_branch, roots->v[i]))
      roots->v[kept++] = roots->v[i];
  roots->len = kept;

  if (kept == 0)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                           _("Not a valid downgrade target from current heads"));
      return FALSE;
    }
  return TRUE;
}

/* Alembic's _collect_downgrade_revisions(): what is applied and stands on
 * the target's children, plus the current heads, which lead the ordering. */
static gboolean
collect_downgrade (StrataRevisionGraph  *self,
                   const char * const   *upper,
                   const char           *target,
                   StrataIterateFlags    flags,
                   Bits                **out_drop,
                   Vec                  *heads,
                   GError              **error)
{
  g_autofree char *label = NULL;
  g_auto(Vec) roots = { 0 };
  g_autofree Bits *drop = NULL;
  g_autofree Bits *active = NULL;
  gboolean empty = TRUE;
  gint rev;

  if (!_strata_revision_graph_parse_downgrade_target (self, upper, target,
                               !(flags & STRATA_ITERATE_NO_ASSERT_LENGTH), &label, &rev, error) ||
      !downgrade_roots (self, rev, label, flags & STRATA_ITERATE_INCLUSIVE, &roots, error) ||
      !_strata_revision_graph_get_revisions_all (self, upper, heads, error))
    return FALSE;
  drop_symbols (heads);

  drop = _strata_revision_graph_reach (self, REL_ALL_NEXT, &roots);
  active = _strata_revision_graph_reach (self, REL_NORM_DOWN, heads);
  for (guint i = 0; i <= self->n_nodes / 64; i++)
    drop[i] &= active[i];

  if (flags & STRATA_ITERATE_IMPLICIT_BASE)
    {
      g_autofree Bits *kept = _strata_revision_graph_reach (self, REL_NORM_DOWN, &roots);

      for (guint i = 0; i <= self->n_nodes / 64; i++)
        drop[i] |= active[i] & ~kept[i];
    }

  for (guint i = 0; i <= self->n_nodes / 64 && empty; i++)
    empty = drop[i] == 0;
  if (rev >= 0 && empty && !vec_has (heads, rev))
    {
      const char *nothing[] = { "Nothing to drop", NULL };

      set_not_ancestor (error, nothing, upper);
      return FALSE;
    }

  *out_drop = g_steal_pointer (&drop);
  return TRUE;
}

typedef struct
{
  Vec        heads;
  GPtrArray *ancestors;
} Lanes;

static void
lanes_add (StrataRevisionGraph *self,
           Lanes               *lanes,
           gint                 head)
{
  vec_add (&lanes->heads, head);
  g_ptr_array_add (lanes->ancestors, _strata_revision_graph_reach_one (self, REL_NORM_DOWN, head));
}

static void
lanes_remove (Lanes *lanes,
              guint  index)
{
  memmove (&lanes->heads.v[index], &lanes->heads.v[index + 1],
           (lanes->heads.len - index - 1) * sizeof (gint));
  lanes->heads.len--;
  g_ptr_array_remove_index (lanes->ancestors, index);
}

/* Another lane still has to pass through @candidate: go down that one first. */
static gint
blocking_lane (Lanes *lanes,
               guint  index)
{
  gint candidate = lanes->heads.v[index];

  for (guint j = 0; j < lanes->heads.len; j++)
    if (j != index && bits_get (g_ptr_array_index (lanes->ancestors, j), candidate))
      return j;
  return -1;
}

/* Moves lane @index below @candidate. A plain line only loses one ancestor;
 * anything else is recomputed, as Alembic does. */
static guint
advance_lane (StrataRevisionGraph *self,
              Lanes               *lanes,
              guint                index,
              const Bits          *todo)
{
  gint candidate = lanes->heads.v[index];
  Node *node = &self->nodes[candidate];
  g_auto(Vec) below = { 0 };

  for (guint j = 0; j < node->norm_down.len; j++)
    if (bits_get (todo, node->norm_down.v[j]) && !vec_has (&lanes->heads, node->norm_down.v[j]))
      vec_add (&below, node->norm_down.v[j]);

  if (below.len == 0)
    {
      lanes_remove (lanes, index);
      return index > 0 ? index - 1 : 0;
    }

  lanes->heads.v[index] = below.v[0];
  if (!node->has_norm_deps && node->down.len == 1)
    {
      bits_unset (g_ptr_array_index (lanes->ancestors, index), candidate);
      return index;
    }
  g_free (lanes->ancestors->pdata[index]);
  lanes->ancestors->pdata[index] = _strata_revision_graph_reach_one (self, REL_NORM_DOWN,
                                                                     below.v[0]);
  for (guint j = 1; j < below.len; j++)
    lanes_add (self, lanes, below.v[j]);
  return index;
}

/* Alembic's _topological_sort(): newest first, one branch at a time down to
 * where branches meet, heads taken in file-name order. */
static gboolean
topological_sort (StrataRevisionGraph  *self,
                  Bits                 *todo,
                  const Vec            *heads,
                  Vec                  *out,
                  GError              **error)
{
  g_autofree Bits *is_head = bits_new (self->n_nodes);
  Lanes lanes = { { 0 }, g_ptr_array_new_with_free_func (g_free) };
  guint index = 0;
  gboolean left = FALSE;

  for (guint i = 0; i < heads->len; i++)
    bits_set (is_head, heads->v[i]);
  for (guint i = 0; i < self->n_nodes; i++)
    if (bits_get (is_head, i) && bits_get (todo, i))
      lanes_add (self, &lanes, i);

  while (lanes.heads.len > 0)
    {
      gint blocker = blocking_lane (&lanes, index);
      gint candidate = lanes.heads.v[index];

      if (blocker >= 0)
        {
          index = blocker;
          continue;
        }
      if (bits_get (todo, candidate))
        {
          vec_add (out, candidate);
          bits_unset (todo, candidate);
        }
      index = advance_lane (self, &lanes, index, todo);
    }

  vec_clear (&lanes.heads);
  g_ptr_array_unref (lanes.ancestors);

  for (guint i = 0; i <= self->n_nodes / 64 && !left; i++)
    left = todo[i] != 0;
  if (left)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                           _("Some revisions to run are not below the given heads"));
      return FALSE;
    }
  return TRUE;
}

/* Alembic's iterate_revisions(), newest first. */
static gboolean
iterate (StrataRevisionGraph  *self,
         const char * const   *upper,
         const char * const   *lower,
         StrataIterateFlags    flags,
         Vec                  *out,
         GError              **error)
{
  g_autofree Bits *todo = NULL;
  g_auto(Vec) heads = { 0 };

  if (flags & STRATA_ITERATE_DOWNGRADE)
    {
      if (lower != NULL && lower[0] != NULL && lower[1] != NULL)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                               _("A downgrade goes to one target at a time"));
          return FALSE;
        }
      if (!collect_downgrade (self, upper, lower != NULL ? lower[0] : NULL, flags,
                              &todo, &heads, error))
        return FALSE;
    }
  else if (!collect_upgrade (self, upper, lower, flags, &todo, &heads, error))
    {
      return FALSE;
    }

  return topological_sort (self, todo, &heads, out, error);
}

/* Alembic's HeadMaintainer ----------------------------------------------------------- */

/* One planned move before its rows are known: a revision step, or a stamp
 * from some rows to others (Alembic's StampStep). */
typedef struct
{
  gint     node;        /* REV_NONE for a stamp */
  gboolean upgrade;
  gboolean branch_move; /* a stamp that starts or ends a branch */
  Vec      from;
  Vec      to;
} Move;

static void
move_clear (Move *move)
{
  vec_clear (&move->from);
  vec_clear (&move->to);
}

/* The running set of version-table rows, and what the current step did to it.
 * A row that is not where Alembic expects it (which would be an assertion
 * there) is inserted or left alone, so the table never disagrees with us. */
typedef struct
{
  StrataRevisionGraph *graph;
  Vec                  heads;
  Vec                  deleted;
  Vec                  inserted;
  gint                 update_from;
  gint                 update_to;
} Maintainer;

static void
op_delete (Maintainer *m,
           gint        row)
{
  if (vec_remove (&m->heads, row))
    vec_add (&m->deleted, row);
}

static void
op_insert (Maintainer *m,
           gint        row)
{
  if (vec_has (&m->heads, row))
    return;
  vec_add (&m->heads, row);
  vec_add (&m->inserted, row);
}

static void
op_update (Maintainer *m,
           gint        from,
           gint        to)
{
  if (!vec_has (&m->heads, from))
    {
      op_insert (m, to);
      return;
    }
  if (vec_has (&m->heads, to))
    {
      op_delete (m, from);
      return;
    }
  for (guint i = 0; i < m->heads.len; i++)
    if (m->heads.v[i] == from)
      m->heads.v[i] = to;
  m->update_from = from;
  m->update_to = to;
}

/* @candidates less those the other rows already imply. */
static void
not_implied (Maintainer *m,
             const Vec  *candidates,
             const Vec  *mine,
             Vec        *out)
{
  g_auto(Vec) others = { 0 };
  g_autofree Bits *implied = NULL;

  for (guint i = 0; i < m->heads.len; i++)
    if (!vec_has (mine, m->heads.v[i]))
      vec_add (&others, m->heads.v[i]);
  if (others.len > 0)
    implied = _strata_revision_graph_reach (m->graph, REL_NORM_DOWN, &others);
  for (guint i = 0; i < candidates->len; i++)
    if (implied == NULL || !bits_get (implied, candidates->v[i]))
      vec_add (out, candidates->v[i]);
}

/* RevisionStep downgrade: delete the row, or turn it into the parents no
 * other row implies (an unmerge inserts all but the last of them). */
static void
downgrade_revision (Maintainer *m,
                    gint        node)
{
  Vec self_only = { &node, 1, 1 };
  g_auto(Vec) parents = { 0 };

  if (!vec_has (&m->heads, node))
    return;
  not_implied (m, &m->graph->nodes[node].norm_down, &self_only, &parents);
  if (parents.len == 0)
    {
      op_delete (m, node);
      return;
    }
  for (guint i = 0; i + 1 < parents.len; i++)
    op_insert (m, parents.v[i]);
  op_update (m, node, parents.v[parents.len - 1]);
}

/* RevisionStep upgrade: a new branch, a merge of several rows, or one row moving up. */
static void
upgrade_revision (Maintainer *m,
                  gint        node)
{
  const Vec *parents = &m->graph->nodes[node].norm_down;
  g_auto(Vec) present = { 0 };
  g_auto(Vec) merged = { 0 };

  for (guint i = 0; i < parents->len; i++)
    if (vec_has (&m->heads, parents->v[i]))
      vec_add (&present, parents->v[i]);

  if (present.len == 0)
    {
      op_insert (m, node);
      return;
    }
  if (present.len == 1)
    {
      op_update (m, present.v[0], node);
      return;
    }

  not_implied (m, parents, parents, &merged);
  for (guint i = merged.len; i > 0; i--)
    if (!vec_has (&m->heads, merged.v[i - 1]))
      vec_remove (&merged, merged.v[i - 1]);
  for (guint i = 0; i + 1 < merged.len; i++)
    op_delete (m, merged.v[i]);
  op_update (m, merged.v[merged.len - 1], node);
}

static gboolean
any_missing (const Vec *rows,
             const Vec *heads)
{
  for (guint i = 0; i < rows->len; i++)
    if (!vec_has (heads, rows->v[i]))
      return TRUE;
  return FALSE;
}

/* StampStep, in the order of HeadMaintainer.update_to_step(). */
static void
stamp (Maintainer *m,
       const Move *move)
{
  if (!move->upgrade && move->branch_move)
    {
      op_delete (m, move->from.v[0]);
    }
  else if (move->upgrade && (move->branch_move || any_missing (&move->from, &m->heads)) &&
           any_missing (&move->to, &m->heads))
    {
      op_insert (m, move->to.v[0]);
    }
  else if (move->from.len > 0 && move->to.len > 0)
    {
      for (guint i = 0; i + 1 < move->from.len; i++)
        op_delete (m, move->from.v[i]);
      op_update (m, move->from.v[move->from.len - 1], move->to.v[0]);
    }
}

static GStrv
row_ids (StrataRevisionGraph *self,
         const Vec           *rows,
         gint                 last)
{
  GStrv ids = g_new0 (char *, rows->len + 2);
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    ids[n++] = g_strdup (self->nodes[rows->v[i]].id);
  if (last >= 0)
    ids[n++] = g_strdup (self->nodes[last].id);
  return ids;
}

static StrataStep *
apply_move (Maintainer *m,
            const Move *move)
{
  StrataRevisionGraph *self = m->graph;
  g_auto(GStrv) from = NULL;
  g_auto(GStrv) to = NULL;

  m->deleted.len = m->inserted.len = 0;
  m->update_from = m->update_to = REV_NONE;

  if (move->node < 0)
    stamp (m, move);
  else if (move->upgrade)
    upgrade_revision (m, move->node);
  else
    downgrade_revision (m, move->node);

  from = row_ids (self, &m->deleted, m->update_from);
  to = row_ids (self, &m->inserted, m->update_to);
  if (move->node < 0)
    {
      if (from[0] == NULL && to[0] == NULL)
        return NULL;
      return strata_step_new (NULL, STRATA_DIRECTION_STAMP,
                              (const char * const *)from, (const char * const *)to);
    }
  return strata_step_new (self->nodes[move->node].revision,
                          move->upgrade ? STRATA_DIRECTION_UPGRADE : STRATA_DIRECTION_DOWNGRADE,
                          (const char * const *)from, (const char * const *)to);
}

static GPtrArray *
run_moves (StrataRevisionGraph *self,
           const Vec           *heads,
           GArray              *moves,
           GPtrArray           *steps)
{
  Maintainer m = { self, { 0 }, { 0 }, { 0 }, REV_NONE, REV_NONE };

  vec_copy (&m.heads, heads);
  for (guint i = 0; i < moves->len; i++)
    {
      StrataStep *step = apply_move (&m, &g_array_index (moves, Move, i));

      if (step != NULL)
        g_ptr_array_add (steps, step);
    }
  vec_clear (&m.heads);
  vec_clear (&m.deleted);
  vec_clear (&m.inserted);
  return steps;
}

static GArray *
moves_new (void)
{
  GArray *moves = g_array_new (FALSE, TRUE, sizeof (Move));

  g_array_set_clear_func (moves, (GDestroyNotify)move_clear);
  return moves;
}

static void
add_revision_moves (GArray    *moves,
                    const Vec *order,
                    gboolean   upgrade)
{
  for (guint i = 0; i < order->len; i++)
    {
      Move move = { 0 };

      move.node = order->v[upgrade ? order->len - 1 - i : i];
      move.upgrade = upgrade;
      g_array_append_val (moves, move);
    }
}

/* Planning ------------------------------------------------------------------------ */

/* Alembic's _catch_revision_errors(): the same failure reads differently for
 * each command. @kind is "upgrade", "downgrade", "stamp", "history", or NULL
 * to keep RevisionMap's words. */
static void
reword_error (GError     **error,
              const char  *kind,
              const char  *start,
              const char  *end)
{
  GError *local = *error;

  if (local->domain != GRAPH_ERROR)
    return;

  *error = NULL;
  if (local->code == GRAPH_ERROR_NOT_ANCESTOR && g_strcmp0 (kind, "history") == 0)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("Requested range %s:%s does not refer to ancestor/descendant revisions "
                   "along the same branch"),
                 start, end);
  else if (local->code == GRAPH_ERROR_NOT_ANCESTOR && kind != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("Destination %s is not a valid %s target from current head(s)"), end, kind);
  else if (local->code == GRAPH_ERROR_NOT_ANCESTOR)
    g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_TARGET, local->message);
  else if (g_strcmp0 (kind, "stamp") == 0)
    g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
                         _("Multiple heads are present; please specify a single target "
                           "revision"));
  else
    {
      const char *argument = end != NULL ? end : local->message;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
                   _("Multiple head revisions are present for given argument '%s'; please "
                     "specify a specific target revision, '<branchname>@%s' to narrow to a "
                     "specific head, or 'heads' for all heads"),
                   argument, argument);
    }
  g_error_free (local);
}

/* The version table holds exact ids: no prefixes, labels or symbols. */
static gboolean
current_rows (StrataRevisionGraph  *self,
              const char * const   *current_heads,
              Vec                  *rows,
              GStrv                *ids,
              GError              **error)
{
  for (guint i = 0; current_heads != NULL && current_heads[i] != NULL; i++)
    {
      gint node = GPOINTER_TO_INT (g_hash_table_lookup (self->ids, current_heads[i])) - 1;

      if (node < 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("The database is at revision “%s”, which is neither in versions/ "
                         "nor in strata_history"),
                       current_heads[i]);
          return FALSE;
        }
      vec_add_unique (rows, node);
    }
  *ids = row_ids (self, rows, REV_NONE);
  return TRUE;
}

static gboolean
plan_moves (StrataRevisionGraph  *self,
            StrataDirection       direction,
            const char * const   *current,
            const char           *target,
            GArray               *moves,
            GError              **error)
{
  const char *upper[] = { target, NULL };
  g_auto(Vec) order = { 0 };

  if (direction == STRATA_DIRECTION_UPGRADE)
    {
      if (!iterate (self, upper, current, STRATA_ITERATE_IMPLICIT_BASE, &order, error))
        return FALSE;
    }
  else if (!iterate (self, current, upper, STRATA_ITERATE_DOWNGRADE, &order, error))
    {
      return FALSE;
    }
  add_revision_moves (moves, &order, direction == STRATA_DIRECTION_UPGRADE);
  return TRUE;
}

GPtrArray *
strata_revision_graph_plan (StrataRevisionGraph  *self,
                            StrataDirection       direction,
                            const char * const   *current_heads,
                            const char           *target,
                            GError              **error)
{
  g_autoptr(GArray) moves = moves_new ();
  g_autoptr(GError) local = NULL;
  g_auto(Vec) rows = { 0 };
  g_auto(GStrv) ids = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);
  g_return_val_if_fail (direction == STRATA_DIRECTION_UPGRADE ||
                        direction == STRATA_DIRECTION_DOWNGRADE, NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!current_rows (self, current_heads, &rows, &ids, error))
    return NULL;
  if (!plan_moves (self, direction, (const char * const *)ids, target, moves, &local))
    {
      reword_error (&local, strata_direction_to_string (direction), NULL, target);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return run_moves (self, &rows, moves, g_ptr_array_new_with_free_func (g_object_unref));
}

static void
add_stamp_move (GArray    *moves,
                const Vec *from,
                gint       to,
                gboolean   upgrade,
                gboolean   branch_move)
{
  Move move = { REV_NONE, upgrade, branch_move, { 0 }, { 0 } };

  vec_copy (&move.from, from);
  if (to >= 0)
    vec_add (&move.to, to);
  g_array_append_val (moves, move);
}

static gboolean
intersects (const Bits *bits,
            const Vec  *nodes)
{
  for (guint i = 0; i < nodes->len; i++)
    if (bits_get (bits, nodes->v[i]))
      return TRUE;
  return FALSE;
}

/* Alembic's ScriptDirectory._stamp_revs(): one move per destination, from the
 * current rows on its lineage. */
static gboolean
stamp_moves (StrataRevisionGraph  *self,
             const Vec            *rows,
             const char           *target,
             GArray               *moves,
             GError              **error)
{
  g_auto(Vec) lineage = { 0 };
  g_auto(Vec) dests = { 0 };

  if (!_strata_revision_graph_filter_for_lineage (self, rows, target, TRUE, &lineage, error) ||
      !_strata_revision_graph_get_revisions (self, target, &dests, error))
    return FALSE;
  if (dests.len == 0)
    vec_add (&dests, REV_NONE);

  for (guint i = 0; i < dests.len; i++)
    {
      gint dest = dests.v[i];
      g_autofree Bits *above = NULL;
      g_autofree Bits *below = NULL;

      if (dest < 0)
        {
          for (guint j = 0; j < lineage.len; j++)
            {
              Vec one = { &lineage.v[j], 1, 1 };

              add_stamp_move (moves, &one, REV_NONE, FALSE, TRUE);
            }
          continue;
        }
      if (vec_has (&lineage, dest))
        continue;

      above = _strata_revision_graph_reach_one (self, REL_ALL_NEXT, dest);
      below = _strata_revision_graph_reach_one (self, REL_NORM_DOWN, dest);
      if (intersects (above, &lineage))
        add_stamp_move (moves, &lineage, dest, FALSE, FALSE);
      else if (intersects (below, &lineage))
        add_stamp_move (moves, &lineage, dest, TRUE, FALSE);
      else
        {
          Vec none = { 0 };

          add_stamp_move (moves, &none, dest, TRUE, TRUE);
        }
    }
  return TRUE;
}

/* A purge empties the version table whatever it holds, ids we do not know included. */
static StrataStep *
purge_step (const char * const *current_heads)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  const char *none[] = { NULL };

  for (guint i = 0; current_heads != NULL && current_heads[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (rows, current_heads[i], g_str_equal, NULL))
      g_ptr_array_add (rows, (gpointer)current_heads[i]);
  if (rows->len == 0)
    return NULL;
  g_ptr_array_add (rows, NULL);
  return strata_step_new (NULL, STRATA_DIRECTION_STAMP, (const char * const *)rows->pdata, none);
}

GPtrArray *
strata_revision_graph_plan_stamp (StrataRevisionGraph  *self,
                                  const char * const   *current_heads,
                                  const char           *target,
                                  gboolean              purge,
                                  GError              **error)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) moves = moves_new ();
  g_autoptr(GError) local = NULL;
  g_auto(Vec) rows = { 0 };
  g_auto(GStrv) ids = NULL;
  StrataStep *purge_rows;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!purge && !current_rows (self, current_heads, &rows, &ids, error))
    return NULL;
  if (!stamp_moves (self, &rows, target, moves, &local))
    {
      reword_error (&local, "stamp", NULL, target);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  if (purge && (purge_rows = purge_step (current_heads)) != NULL)
    g_ptr_array_add (steps, purge_rows);
  return run_moves (self, &rows, moves, g_steal_pointer (&steps));
}

static GPtrArray *
revisions_of (StrataRevisionGraph *self,
              const Vec           *nodes)
{
  GPtrArray *revisions = g_ptr_array_new_full (nodes->len, g_object_unref);

  for (guint i = 0; i < nodes->len; i++)
    if (nodes->v[i] >= 0)
      g_ptr_array_add (revisions, g_object_ref (self->nodes[nodes->v[i]].revision));
  return revisions;
}

GPtrArray *
strata_revision_graph_walk (StrataRevisionGraph  *self,
                            const char           *lower,
                            const char           *upper,
                            GError              **error)
{
  const char *low[] = { lower != NULL ? lower : "base", NULL };
  const char *up[] = { upper != NULL ? upper : "heads", NULL };
  g_autoptr(GError) local = NULL;
  g_auto(Vec) order = { 0 };

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  if (!iterate (self, up, low, STRATA_ITERATE_INCLUSIVE | STRATA_ITERATE_NO_ASSERT_LENGTH,
                &order, &local))
    {
      reword_error (&local, "history", low[0], up[0]);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return revisions_of (self, &order);
}

GPtrArray *
strata_revision_graph_resolve (StrataRevisionGraph  *self,
                               const char           *spec,
                               GError              **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(Vec) nodes = { 0 };

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!_strata_revision_graph_get_revisions (self, spec, &nodes, &local))
    {
      reword_error (&local, NULL, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (vec_has (&nodes, REV_NONE))
    {
      const char *at = strrchr (spec, '@');
      const char *relative = at != NULL ? at + 1 : spec;

      _strata_revision_graph_set_relative_error (error, relative,
                                                 g_ascii_strtoll (relative, NULL, 10));
      return NULL;
    }
  return revisions_of (self, &nodes);
}

GPtrArray *
_strata_revision_graph_iterate (StrataRevisionGraph  *self,
                                const char * const   *upper,
                                const char * const   *lower,
                                StrataIterateFlags    flags,
                                GError              **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(Vec) order = { 0 };

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (self), NULL);

  if (!iterate (self, upper, lower, flags, &order, &local))
    {
      reword_error (&local, NULL, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return revisions_of (self, &order);
}
