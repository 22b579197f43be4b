/* strata-revision-graph-resolve.c: names, symbols and relative targets, as
 * Alembic's RevisionMap resolves them
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

void
_strata_revision_graph_set_relative_error (GError     **error,
                                           const char  *relative,
                                           gint64       steps)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_RANGE,
               _("Relative revision %s didn't produce %lld migrations"),
               relative, (long long)ABS (steps));
}

/* Alembic's filter_for_lineage(): the targets that are ancestors or
 * descendants of what @check_against names. */
gboolean
_strata_revision_graph_filter_for_lineage (StrataRevisionGraph  *self,
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
  else if (!_strata_revision_graph_filter_for_lineage (self, &self->heads, label, FALSE,
                                                       &heads, error))
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
      else if (!_strata_revision_graph_filter_for_lineage (self, &self->heads, label, FALSE,
                                                           &heads, error))
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
gboolean
_strata_revision_graph_resolve_branch (StrataRevisionGraph  *self,
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

  if (check_branch != NULL &&
      !_strata_revision_graph_resolve_branch (self, check_branch, &branch, error))
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
gboolean
_strata_revision_graph_get_revisions (StrataRevisionGraph  *self,
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
              (labels == NULL ||
               !g_ptr_array_find_with_equal_func (labels, label, g_str_equal, NULL)))
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
gboolean
_strata_revision_graph_get_revisions_all (StrataRevisionGraph  *self,
                                          const char * const   *specs,
                                          Vec                  *out,
                                          GError              **error)
{
  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    if (!_strata_revision_graph_get_revisions (self, specs[i], out, error))
      return FALSE;
  return TRUE;
}

/* Alembic's get_revision(): one revision, or REV_NONE for base. */
gboolean
_strata_revision_graph_get_revision (StrataRevisionGraph  *self,
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
        return _strata_revision_graph_filter_for_lineage (self, &candidates, label, FALSE,
                                                          out, error);
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

/* Alembic only says "Ambiguous walk"; we also say where the walk forks and
 * how to go on, since the user cannot see the graph from the error. */
static void
set_ambiguous_walk_error (StrataRevisionGraph  *self,
                          gint                  from,
                          gboolean              up,
                          const Vec            *choices,
                          GError              **error)
{
  g_autoptr(GString) names = g_string_new (NULL);
  const char *first = NULL;

  for (guint i = 0; i < choices->len; i++)
    {
      gint c = choices->v[i];
      const char *id = c >= 0 ? self->nodes[c].id : "base";

      if (first == NULL)
        first = id;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, id);
    }

  if (from < 0)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("Ambiguous walk: one step up from base leads to %s; name the revision "
                   "to go to, such as “%s”"),
                 names->str, first);
  else if (up)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("Ambiguous walk: one step up from %s leads to %s; name the revision to "
                   "go to, such as “%s”, or a branch as “label@+1”"),
                 self->nodes[from].id, names->str, first);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_TARGET,
                 _("Ambiguous walk: %s is a merge of %s, so one step down is not one "
                   "revision; name the revision to go to, such as “%s”"),
                 self->nodes[from].id, names->str, first);
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
          set_ambiguous_walk_error (self, initial, steps > 0, &children, error);
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
          _strata_revision_graph_set_relative_error (error, rel->relative, rel->steps);
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

  if (!_strata_revision_graph_filter_for_lineage (self, &heads, rel->label, FALSE,
                                                  &on_branch, error))
    return FALSE;
  if (on_branch.len == 0)
    {
      g_auto(Vec) implied = { 0 };

      all_current (self, &heads, &implied);
      if (!_strata_revision_graph_filter_for_lineage (self, &implied, rel->label, FALSE,
                                                      &on_branch, error))
        return FALSE;
    }
  if (on_branch.len == 0)
    {
      _strata_revision_graph_set_relative_error (error, rel->relative, rel->steps);
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
    return _strata_revision_graph_get_revision (self, symbol, out, error);
  spec = g_strdup_printf ("%s@%s", label, symbol);
  return _strata_revision_graph_get_revision (self, spec, out, error);
}

/* Alembic's _parse_downgrade_target(): the branch label, if any, and the
 * revision to go down to (REV_NONE or REV_BASE for base). */
gboolean
_strata_revision_graph_parse_downgrade_target (StrataRevisionGraph  *self,
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
      return _strata_revision_graph_get_revision (self, at != NULL ? at + 1 : target, out, error);
    }

  if (rel.steps >= 0)
    {
      if (rel.symbol == NULL)
        {
          _strata_revision_graph_set_relative_error (error, rel.relative, rel.steps);
          return FALSE;
        }
      if (!_strata_revision_graph_get_revision (self, rel.symbol, &start, error) ||
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
        _strata_revision_graph_set_relative_error (error, rel.relative, rel.steps);
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

  if (!_strata_revision_graph_get_revisions_all (self, current, &heads, error) ||
      !_strata_revision_graph_filter_for_lineage (self, &heads, label, FALSE, out, error))
    return FALSE;
  if (out->len > 0)
    return TRUE;

  drop_symbols (&heads);
  applied = _strata_revision_graph_reach (self, REL_NORM_DOWN, &heads);
  for (guint i = 0; i < self->n_nodes; i++)
    if (bits_get (applied, i))
      vec_add (&active, i);
  if (!_strata_revision_graph_filter_for_lineage (self, &active, label, FALSE, &on_branch, error))
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

          if (!_strata_revision_graph_get_revision (self, current[i], &node, error))
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
gboolean
_strata_revision_graph_parse_upgrade_target (StrataRevisionGraph  *self,
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
    return _strata_revision_graph_get_revisions (self, target, out, error);

  if (rel.steps > 0 && rel.symbol == NULL)
    {
      if (!parse_upgrade_relative (self, current, &rel, no_overwalk, &node, error))
        return FALSE;
    }
  else if (rel.steps > 0)
    {
      if (!_strata_revision_graph_get_revision (self, rel.symbol, &start, error) ||
          !walk (self, start, rel.steps, rel.label, no_overwalk, &node, error))
        return FALSE;
    }
  else if (rel.symbol == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, rel.steps);

      _strata_revision_graph_set_relative_error (error, number, rel.steps);
      return FALSE;
    }
  else if (!get_revision_on (self, rel.label, rel.symbol, &start, error) ||
           !walk (self, start, rel.steps, NULL, no_overwalk, &node, error))
    {
      return FALSE;
    }

  if (node == REV_NONE)
    {
      _strata_revision_graph_set_relative_error (error, rel.relative, rel.steps);
      return FALSE;
    }
  if (node >= 0)
    vec_add (out, node);
  return TRUE;
}
