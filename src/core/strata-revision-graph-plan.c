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

/* Resolving names ------------------------------------------------------------------ */

static gboolean ident         (StrataRevisionGraph  *self,
                               const char           *id,
                               const char           *check_branch,
                               gint                 *out,
                               GError              **error);
static gboolean lineage_of    (StrataRevisionGraph  *self,
                               const char           *check_against,
                               gboolean              include_deps,
                               Bits                **out,
                               GError              **error);

static void
set_multiple_heads (GError     **error,
                    const char  *argument)
{
  g_set_error_literal (error, GRAPH_ERROR, GRAPH_ERROR_MULTIPLE_HEADS, argument);
}

static void
set_relative_error (GError     **error,
                    const char  *relative,
                    gint64       steps)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_RANGE,
               _("Relative revision %s didn't produce %" G_GINT64_FORMAT " migrations"),
               relative, ABS (steps));
}

/* Alembic's filter_for_lineage(): the targets that are ancestors or
 * descendants of what @check_against names. */
static gboolean
filter_for_lineage (StrataRevisionGraph  *self,
                    const Vec            *targets,
                    const char           *check_against,
                    gboolean              include_deps,
                    Vec                  *out,
                    GError              **error)
{
  g_autofree Bits *lineage = NULL;

  if (!lineage_of (self, check_against, include_deps, &lineage, error))
    return FALSE;
  for (guint i = 0; i < targets->len; i++)
    if (targets->v[i] >= 0 && (lineage == NULL || bits_get (lineage, targets->v[i])))
      vec_add (out, targets->v[i]);
  return TRUE;
}

/* Alembic's get_current_head(). */
static gboolean
current_head (StrataRevisionGraph  *self,
              const char           *label,
              gint                 *out,
              GError              **error)
{
  g_auto(Vec) heads = { 0 };

  if (label == NULL)
    vec_copy (&heads, &self->heads);
  else if (!filter_for_lineage (self, &self->heads, label, FALSE, &heads, error))
    return FALSE;

  if (heads.len > 1)
    {
      g_autofree char *argument = label != NULL ? g_strdup_printf ("%s@head", label)
                                                : g_strdup ("head");

      set_multiple_heads (error, argument);
      return FALSE;
    }
  *out = heads.len > 0 ? heads.v[0] : REV_NONE;
  return TRUE;
}

static void
add_node_ids (StrataRevisionGraph *self,
              GPtrArray           *ids,
              const Vec           *nodes)
{
  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (ids, g_strdup (self->nodes[nodes->v[i]].id));
}

/* Alembic's _resolve_revision_number(): "label@rest" is split, and head,
 * heads and base become ids. */
static gboolean
resolve_number (StrataRevisionGraph  *self,
                const char           *spec,
                GPtrArray           **out_ids,
                char                **out_label,
                GError              **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *label = NULL;
  const char *id = spec;
  const char *at = spec != NULL ? strchr (spec, '@') : NULL;

  if (at != NULL)
    {
      if (at > spec)
        label = g_strndup (spec, at - spec);
      id = at + 1;
    }

  if (g_strcmp0 (id, "heads") == 0)
    {
      g_auto(Vec) heads = { 0 };

      if (label == NULL)
        vec_copy (&heads, &self->real_heads);
      else if (!filter_for_lineage (self, &self->heads, label, FALSE, &heads, error))
        return FALSE;
      add_node_ids (self, ids, &heads);
    }
  else if (g_strcmp0 (id, "head") == 0)
    {
      gint head;

      if (!current_head (self, label, &head, error))
        return FALSE;
      if (head >= 0)
        g_ptr_array_add (ids, g_strdup (self->nodes[head].id));
    }
  else if (id != NULL && !g_str_equal (id, "base"))
    {
      g_ptr_array_add (ids, g_strdup (id));
    }

  *out_ids = g_steal_pointer (&ids);
  *out_label = g_steal_pointer (&label);
  return TRUE;
}

/* The nodes @check_against names, as Alembic's filter_for_lineage() collects
 * them; NULL bits when it names nothing, which lets every target through. */
static gboolean
lineage_of (StrataRevisionGraph  *self,
            const char           *check_against,
            gboolean              include_deps,
            Bits                **out,
            GError              **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *label = NULL;
  g_auto(Vec) shares = { 0 };
  gint node;

  *out = NULL;
  if (!resolve_number (self, check_against, &ids, &label, error))
    return FALSE;
  if (label != NULL)
    {
      if (!ident (self, label, NULL, &node, error))
        return FALSE;
      vec_add (&shares, node);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      if (!ident (self, g_ptr_array_index (ids, i), NULL, &node, error))
        return FALSE;
      vec_add (&shares, node);
    }
  if (shares.len > 0)
    *out = _strata_revision_graph_lineage_bits (self, &shares, include_deps);
  return TRUE;
}

/* A partial id: Alembic's prefix match, narrowed to @check_branch's lineage. */
static gboolean
ident_prefix (StrataRevisionGraph  *self,
              const char           *id,
              const char           *check_branch,
              gint                 *out,
              GError              **error)
{
  g_autoptr(GPtrArray) matches = _strata_revision_graph_match_prefix (self, id);
  g_autofree Bits *lineage = NULL;
  g_autofree char *names = NULL;

  if (check_branch != NULL && matches->len > 0)
    {
      if (!lineage_of (self, check_branch, FALSE, &lineage, error))
        return FALSE;
      for (guint i = matches->len; lineage != NULL && i > 0; i--)
        if (!bits_get (lineage, lookup_key (self->keys, g_ptr_array_index (matches, i - 1))))
          g_ptr_array_remove_index (matches, i - 1);
    }

  if (matches->len == 1)
    {
      *out = lookup_key (self->keys, g_ptr_array_index (matches, 0));
      return TRUE;
    }
  if (matches->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                   _("No such revision or branch '%s'%s"), id,
                   strlen (id) < 4 ? _("; please ensure at least four characters are present "
                                       "for partial revision identifier matches")
                                   : "");
      return FALSE;
    }
  names = _strata_revision_graph_quote_matches (matches);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
               _("Multiple revisions start with '%s': %s..."), id, names);
  return FALSE;
}

/* Alembic's _resolve_branch(): a label, else anything an id may be. */
static gboolean
resolve_branch (StrataRevisionGraph  *self,
                const char           *label,
                gint                 *out,
                GError              **error)
{
  g_autoptr(GError) local = NULL;

  if ((*out = lookup_key (self->keys, label)) >= 0)
    return TRUE;
  if (ident (self, label, NULL, out, &local))
    return TRUE;
  if (g_error_matches (local, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION) ||
      g_error_matches (local, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                   _("No such branch: '%s'"), label);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Alembic's _revision_for_ident(): @id is an id, a label or a prefix; NULL
 * stands for base and gives REV_NONE. */
static gboolean
ident (StrataRevisionGraph  *self,
       const char           *id,
       const char           *check_branch,
       gint                 *out,
       GError              **error)
{
  gint branch = REV_NONE;
  gint revision;

  if (check_branch != NULL && !resolve_branch (self, check_branch, &branch, error))
    return FALSE;
  if (id == NULL)
    {
      *out = REV_NONE;
      return TRUE;
    }

  revision = lookup_key (self->keys, id);
  if (revision < 0 && !ident_prefix (self, id, check_branch, &revision, error))
    return FALSE;

  if (check_branch != NULL)
    {
      Vec one = { &branch, 1, 1 };
      g_autofree Bits *lineage = _strata_revision_graph_lineage_bits (self, &one, FALSE);

      if (!bits_get (lineage, revision))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                       _("Revision %s is not a member of branch '%s'"),
                       self->nodes[revision].id, check_branch);
          return FALSE;
        }
    }
  *out = revision;
  return TRUE;
}

static gboolean walk (StrataRevisionGraph  *self,
                      gint                  start,
                      gint64                steps,
                      const char           *label,
                      gboolean              no_overwalk,
                      gint                 *out,
                      GError              **error);

/* Python's int() on "-3", for Alembic's "label@-3" lookups. */
static gboolean
parse_negative (const char *text,
                gint64     *out)
{
  gint64 value;

  if (text[0] != '-' || !g_ascii_isdigit (text[1]))
    return FALSE;
  if (!g_ascii_string_to_signed (text, 10, G_MININT, 0, &value, NULL) || value == 0)
    return FALSE;
  *out = value;
  return TRUE;
}

/* Alembic's get_revisions() on one spec. The result may hold REV_NONE (a
 * walk past the end) and REV_BASE, as Alembic's tuple may hold None and
 * "base". */
static gboolean
get_revisions (StrataRevisionGraph  *self,
               const char           *spec,
               Vec                  *out,
               GError              **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *label = NULL;
  gint64 steps;
  gint node;

  if (!resolve_number (self, spec, &ids, &label, error))
    return FALSE;

  if (ids->len == 1 && parse_negative (g_ptr_array_index (ids, 0), &steps))
    {
      for (guint i = 0; i < self->real_heads.len; i++)
        {
          gint head = self->real_heads.v[i];
          GPtrArray *labels = self->nodes[head].labels;

          if (label != NULL &&
              (labels == NULL || !g_ptr_array_find_with_equal_func (labels, label, g_str_equal, NULL)))
            continue;
          if (!walk (self, head, steps, NULL, TRUE, &node, error))
            return FALSE;
          vec_add (out, node);
        }
      return TRUE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      if (!ident (self, g_ptr_array_index (ids, i), label, &node, error))
        return FALSE;
      vec_add (out, node);
    }
  return TRUE;
}

/* The same over a tuple of specs; NULL is Python's None. */
static gboolean
get_revisions_all (StrataRevisionGraph  *self,
                   const char * const   *specs,
                   Vec                  *out,
                   GError              **error)
{
  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    if (!get_revisions (self, specs[i], out, error))
      return FALSE;
  return TRUE;
}

/* Alembic's get_revision(): one revision, or REV_NONE for base. */
static gboolean
get_revision (StrataRevisionGraph  *self,
              const char           *spec,
              gint                 *out,
              GError              **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *label = NULL;

  if (!resolve_number (self, spec, &ids, &label, error))
    return FALSE;
  if (ids->len > 1)
    {
      set_multiple_heads (error, spec);
      return FALSE;
    }
  return ident (self, ids->len > 0 ? g_ptr_array_index (ids, 0) : NULL, label, out, error);
}

/* One step of Alembic's _walk(): the children (up) or parents (down) of
 * @initial, where REV_NONE stands below the bases and above the heads. */
static gboolean
walk_candidates (StrataRevisionGraph  *self,
                 gint                  initial,
                 gboolean              up,
                 const char           *label,
                 Vec                  *out,
                 GError              **error)
{
  g_auto(Vec) candidates = { 0 };

  if (up)
    {
      vec_copy (&candidates, initial < 0 ? &self->bases : &self->nodes[initial].next);
      if (label != NULL)
        return filter_for_lineage (self, &candidates, label, FALSE, out, error);
      vec_copy (out, &candidates);
      return TRUE;
    }

  if (initial == REV_BASE)
    return TRUE;
  vec_copy (out, initial == REV_NONE ? &self->heads : &self->nodes[initial].down);
  if (out->len == 0)
    vec_add (out, REV_BASE);
  return TRUE;
}

/* Alembic's _walk(): @steps up (positive) or down (negative) from @start.
 * Past either end it gives REV_NONE, or stays put without @no_overwalk. */
static gboolean
walk (StrataRevisionGraph  *self,
      gint                  start,
      gint64                steps,
      const char           *label,
      gboolean              no_overwalk,
      gint                 *out,
      GError              **error)
{
  gint initial = start;

  for (gint64 i = 0; i < ABS (steps); i++)
    {
      g_auto(Vec) children = { 0 };

      if (!walk_candidates (self, initial, steps > 0, label, &children, error))
        return FALSE;
      if (children.len == 0)
        {
          *out = no_overwalk ? REV_NONE : initial;
          return TRUE;
        }
      if (children.len > 1)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_TARGET, _("Ambiguous walk"));
          return FALSE;
        }
      initial = children.v[0];
    }
  *out = initial;
  return TRUE;
}

/* Alembic's _get_all_current(): what @current implies, narrowed to the tips
 * through Revises. The set is closed under ancestry, so a member with a
 * descendant inside it has a child inside it. */
static void
all_current (StrataRevisionGraph *self,
             const Vec           *current,
             Vec                 *out)
{
  g_autofree Bits *top = _strata_revision_graph_reach (self, REL_NORM_DOWN, current);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      const Vec *children = &self->nodes[i].next;
      gboolean tip = bits_get (top, i);

      for (guint j = 0; j < children->len && tip; j++)
        tip = !bits_get (top, children->v[j]);
      if (tip)
        vec_add (out, i);
    }
}

static void
drop_symbols (Vec *nodes)
{
  guint kept = 0;

  for (guint i = 0; i < nodes->len; i++)
    if (nodes->v[i] >= 0)
      nodes->v[kept++] = nodes->v[i];
  nodes->len = kept;
}

/* Relative targets ----------------------------------------------------------------- */

typedef struct
{
  char   *label;
  char   *symbol;
  char   *relative;
  gint64  steps;
} Relative;

static void
relative_clear (Relative *rel)
{
  g_clear_pointer (&rel->label, g_free);
  g_clear_pointer (&rel->symbol, g_free);
  g_clear_pointer (&rel->relative, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Relative, relative_clear)

static char *
fetch_group (GMatchInfo *info,
             gint        group)
{
  gint start;
  gint end;

  if (!g_match_info_fetch_pos (info, group, &start, &end) || start < 0 || start == end)
    return NULL;
  return g_match_info_fetch (info, group);
}

/* Alembic's _relative_destination, matched at the start as re.match() does:
 * "label@symbol+N", "symbol-N", "+N", each part but the number optional. */
static gboolean
parse_relative (const char *target,
                Relative   *rel)
{
  static gsize once;
  static GRegex *regex;
  g_autoptr(GMatchInfo) info = NULL;
  gint64 steps;

  if (g_once_init_enter (&once))
    {
      regex = g_regex_new ("(?:(.+?)@)?(\\w+)?((?:\\+|-)\\d+)", G_REGEX_ANCHORED, 0, NULL);
      g_once_init_leave (&once, 1);
    }

  if (target == NULL || !g_regex_match (regex, target, 0, &info))
    return FALSE;

  rel->label = fetch_group (info, 1);
  rel->symbol = fetch_group (info, 2);
  rel->relative = fetch_group (info, 3);
  steps = g_ascii_strtoll (rel->relative, NULL, 10);
  rel->steps = CLAMP (steps, -(gint64)G_MAXINT, (gint64)G_MAXINT);
  return TRUE;
}

static char *
ids_of (StrataRevisionGraph *self,
        const Vec           *nodes)
{
  return _strata_revision_graph_join_nodes (self, nodes, ", ");
}

/* Alembic picks the first head and warns; a guess that downgrades the wrong
 * branch is worse than a question. */
static void
set_ambiguous_heads (StrataRevisionGraph  *self,
                     const Vec            *heads,
                     const char           *relative,
                     GError              **error)
{
  g_autofree char *names = ids_of (self, heads);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
               _("“%s” from multiple current heads (%s) is ambiguous; please name the "
                 "branch to move, e.g. “%s@%s”"),
               relative, names, self->nodes[heads->v[0]].id, relative);
}

static gboolean
nodes_of_ids (StrataRevisionGraph  *self,
              const char * const   *ids,
              Vec                  *out,
              GError              **error)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      gint node;

      if (!ident (self, ids[i], NULL, &node, error))
        return FALSE;
      vec_add_unique (out, node);
    }
  return TRUE;
}

/* The revision a relative downgrade steps from: the current head on the
 * branch, or the only current head. */
static gboolean
downgrade_origin (StrataRevisionGraph  *self,
                  const char * const   *current,
                  Relative             *rel,
                  GError              **error)
{
  g_auto(Vec) heads = { 0 };
  g_auto(Vec) on_branch = { 0 };

  if (!nodes_of_ids (self, current, &heads, error))
    return FALSE;

  if (rel->label == NULL)
    {
      if (heads.len == 0)
        {
          set_relative_error (error, rel->relative, rel->steps);
          return FALSE;
        }
      if (heads.len > 1)
        {
          set_ambiguous_heads (self, &heads, rel->relative, error);
          return FALSE;
        }
      rel->symbol = g_strdup (self->nodes[heads.v[0]].id);
      rel->label = g_strdup (rel->symbol);
      return TRUE;
    }

  if (!filter_for_lineage (self, &heads, rel->label, FALSE, &on_branch, error))
    return FALSE;
  if (on_branch.len == 0)
    {
      g_auto(Vec) implied = { 0 };

      all_current (self, &heads, &implied);
      if (!filter_for_lineage (self, &implied, rel->label, FALSE, &on_branch, error))
        return FALSE;
    }
  if (on_branch.len == 0)
    {
      set_relative_error (error, rel->relative, rel->steps);
      return FALSE;
    }
  if (on_branch.len > 1)
    {
      set_ambiguous_heads (self, &on_branch, rel->relative, error);
      return FALSE;
    }
  rel->symbol = g_strdup (self->nodes[on_branch.v[0]].id);
  return TRUE;
}

static gboolean
get_revision_on (StrataRevisionGraph  *self,
                 const char           *label,
                 const char           *symbol,
                 gint                 *out,
                 GError              **error)
{
  g_autofree char *spec = NULL;

  if (label == NULL)
    return get_revision (self, symbol, out, error);
  spec = g_strdup_printf ("%s@%s", label, symbol);
  return get_revision (self, spec, out, error);
}

/* Alembic's _parse_downgrade_target(): the branch label, if any, and the
 * revision to go down to (REV_NONE or REV_BASE for base). */
static gboolean
parse_downgrade_target (StrataRevisionGraph  *self,
                        const char * const   *current,
                        const char           *target,
                        gboolean              no_overwalk,
                        char                **out_label,
                        gint                 *out,
                        GError              **error)
{
  g_auto(Relative) rel = { 0 };
  gboolean from_current;
  const char *at;
  gint start;

  *out = REV_NONE;
  if (target == NULL)
    return TRUE;

  if (!parse_relative (target, &rel))
    {
      at = strrchr (target, '@');
      if (at != NULL && at > target)
        *out_label = g_strndup (target, at - target);
      return get_revision (self, at != NULL ? at + 1 : target, out, error);
    }

  if (rel.steps >= 0)
    {
      if (rel.symbol == NULL)
        {
          set_relative_error (error, rel.relative, rel.steps);
          return FALSE;
        }
      if (!get_revision (self, rel.symbol, &start, error) ||
          !walk (self, start, rel.steps, rel.label, no_overwalk, out, error))
        return FALSE;
      if (*out == REV_NONE)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_RANGE, _("Walked too far"));
          return FALSE;
        }
      *out_label = g_steal_pointer (&rel.label);
      return TRUE;
    }

  from_current = rel.symbol == NULL;
  if (from_current && !downgrade_origin (self, current, &rel, error))
    return FALSE;
  if (!get_revision_on (self, rel.label, rel.symbol, &start, error) ||
      !walk (self, start, rel.steps, NULL, no_overwalk, out, error))
    return FALSE;
  if (*out == REV_NONE)
    {
      if (from_current)
        set_relative_error (error, rel.relative, rel.steps);
      else
        g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_RANGE, _("Walked too far"));
      return FALSE;
    }
  *out_label = g_steal_pointer (&rel.label);
  return TRUE;
}

/* The revisions a relative upgrade starts from: on a branch, the current
 * heads in it, else the tips of what is applied in it, else base. */
static gboolean
upgrade_origin (StrataRevisionGraph  *self,
                const char * const   *current,
                const char           *label,
                Vec                  *out,
                GError              **error)
{
  g_auto(Vec) heads = { 0 };
  g_auto(Vec) active = { 0 };
  g_auto(Vec) on_branch = { 0 };
  g_autofree Bits *applied = NULL;
  g_autofree Bits *below = NULL;

  if (!get_revisions_all (self, current, &heads, error) ||
      !filter_for_lineage (self, &heads, label, FALSE, out, error))
    return FALSE;
  if (out->len > 0)
    return TRUE;

  drop_symbols (&heads);
  applied = _strata_revision_graph_reach (self, REL_NORM_DOWN, &heads);
  for (guint i = 0; i < self->n_nodes; i++)
    if (bits_get (applied, i))
      vec_add (&active, i);
  if (!filter_for_lineage (self, &active, label, FALSE, &on_branch, error))
    return FALSE;

  below = bits_new (self->n_nodes);
  for (guint i = 0; i < on_branch.len; i++)
    for (guint j = 0; j < self->nodes[on_branch.v[i]].norm_down.len; j++)
      bits_set (below, self->nodes[on_branch.v[i]].norm_down.v[j]);
  for (guint i = 0; i < on_branch.len; i++)
    if (!bits_get (below, on_branch.v[i]))
      vec_add (out, on_branch.v[i]);
  if (out->len == 0)
    vec_add (out, REV_NONE);
  return TRUE;
}

static gboolean
parse_upgrade_relative (StrataRevisionGraph  *self,
                        const char * const   *current,
                        Relative             *rel,
                        gboolean              no_overwalk,
                        gint                 *out,
                        GError              **error)
{
  g_auto(Vec) starts = { 0 };

  if (rel->label != NULL)
    {
      if (!upgrade_origin (self, current, rel->label, &starts, error))
        return FALSE;
    }
  else if (current == NULL || current[0] == NULL)
    {
      vec_add (&starts, REV_NONE);
    }
  else
    {
      for (guint i = 0; current[i] != NULL; i++)
        {
          gint node;

          if (!get_revision (self, current[i], &node, error))
            return FALSE;
          vec_add (&starts, node);
        }
    }

  if (starts.len > 1)
    {
      g_autofree char *names = ids_of (self, &starts);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_MULTIPLE_HEADS,
                   _("Ambiguous upgrade from multiple current revisions (%s); please name "
                     "the branch to move, e.g. “%s@%s”"),
                   names, self->nodes[starts.v[0]].id, rel->relative);
      return FALSE;
    }
  return walk (self, starts.v[0], rel->steps, rel->label, no_overwalk, out, error);
}

/* Alembic's _parse_upgrade_target(): the revisions to upgrade to. A walk
 * past the end is an error here, where Alembic trips an assertion. */
static gboolean
parse_upgrade_target (StrataRevisionGraph  *self,
                      const char * const   *current,
                      const char           *target,
                      gboolean              no_overwalk,
                      Vec                  *out,
                      GError              **error)
{
  g_auto(Relative) rel = { 0 };
  gint start;
  gint node;

  if (!parse_relative (target, &rel))
    return get_revisions (self, target, out, error);

  if (rel.steps > 0 && rel.symbol == NULL)
    {
      if (!parse_upgrade_relative (self, current, &rel, no_overwalk, &node, error))
        return FALSE;
    }
  else if (rel.steps > 0)
    {
      if (!get_revision (self, rel.symbol, &start, error) ||
          !walk (self, start, rel.steps, rel.label, no_overwalk, &node, error))
        return FALSE;
    }
  else if (rel.symbol == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, rel.steps);

      set_relative_error (error, number, rel.steps);
      return FALSE;
    }
  else if (!get_revision_on (self, rel.label, rel.symbol, &start, error) ||
           !walk (self, start, rel.steps, NULL, no_overwalk, &node, error))
    {
      return FALSE;
    }

  if (node == REV_NONE)
    {
      set_relative_error (error, rel.relative, rel.steps);
      return FALSE;
    }
  if (node >= 0)
    vec_add (out, node);
  return TRUE;
}

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

  if (!get_revision (self, branch, &node, error))
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

  if (is_single (upper) ? !parse_upgrade_target (self, lower, upper[0], no_overwalk, targets, error)
                        : !get_revisions_all (self, upper, targets, error))
    return FALSE;
  drop_symbols (targets);
  if (is_single (lower) && strchr (lower[0], '@') != NULL &&
      !keep_branch_targets (self, lower[0], targets, error))
    return FALSE;

  if (!(required = closure (self, targets, error)) ||
      !get_revisions_all (self, lower, &current, error))
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

      if (!parse_downgrade_target (self, upper, lower[0], no_overwalk, &label, &rev, error))
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

      if (!get_revisions_all (self, lower, &again, error))
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

  if (!resolve_branch (self, label, &branch, error))
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

  if (!parse_downgrade_target (self, upper, target,
                               !(flags & STRATA_ITERATE_NO_ASSERT_LENGTH), &label, &rev, error) ||
      !downgrade_roots (self, rev, label, flags & STRATA_ITERATE_INCLUSIVE, &roots, error) ||
      !get_revisions_all (self, upper, heads, error))
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
  lanes->ancestors->pdata[index] = _strata_revision_graph_reach_one (self, REL_NORM_DOWN, below.v[0]);
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

  if (!filter_for_lineage (self, rows, target, TRUE, &lineage, error) ||
      !get_revisions (self, target, &dests, error))
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

  if (!get_revisions (self, spec, &nodes, &local))
    {
      reword_error (&local, NULL, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (vec_has (&nodes, REV_NONE))
    {
      const char *at = strrchr (spec, '@');
      const char *relative = at != NULL ? at + 1 : spec;

      set_relative_error (error, relative, g_ascii_strtoll (relative, NULL, 10));
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
