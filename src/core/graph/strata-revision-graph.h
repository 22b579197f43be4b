/* strata-revision-graph.h: the revisions of a project and Alembic's traversal rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_REVISION_GRAPH (strata_revision_graph_get_type ())

G_DECLARE_FINAL_TYPE (StrataRevisionGraph, strata_revision_graph, STRATA, REVISION_GRAPH, GObject)

/* Builds and validates the graph: duplicate ids or labels, a Revises or Depends On
 * naming nothing, cycles and self-loops are errors worded as Alembic words them,
 * naming the file of the revision at fault. The graph is immutable afterwards, so
 * it may be shared between threads. */
StrataRevisionGraph *strata_revision_graph_new              (GPtrArray           *revisions,
                                                             GError             **error);

/* Every revision, bases first, each after all of its down revisions and
 * dependencies; ties in file-name order, so the order is stable. The array
 * belongs to the graph (transfer none). Every other array below is new, with
 * g_object_unref as its free func (transfer full). */
GPtrArray           *strata_revision_graph_get_revisions    (StrataRevisionGraph *self);
guint                strata_revision_graph_get_n_revisions  (StrataRevisionGraph *self);
/* Exact id only; NULL when absent. */
StrataRevision      *strata_revision_graph_lookup           (StrataRevisionGraph *self,
                                                             const char          *id);
/* Alembic's heads (no revision lists it in Revises) and bases (empty Revises),
 * in file-name order. */
GPtrArray           *strata_revision_graph_get_heads        (StrataRevisionGraph *self);
GPtrArray           *strata_revision_graph_get_bases        (StrataRevisionGraph *self);
/* Revisions whose Revises names @revision. */
GPtrArray           *strata_revision_graph_get_children     (StrataRevisionGraph *self,
                                                             StrataRevision      *revision);
/* How many there are, without making the array. */
guint                strata_revision_graph_get_n_children   (StrataRevisionGraph *self,
                                                             StrataRevision      *revision);
/* The branch labels @revision carries, its own and those it inherits from
 * its ancestors, as `alembic history` shows them. */
GStrv                strata_revision_graph_get_branch_labels (StrataRevisionGraph *self,
                                                              StrataRevision      *revision);
/* Revisions with more than one child (Alembic's branch points), newest first
 * as `alembic branches` lists them. */
GPtrArray           *strata_revision_graph_get_branch_points (StrataRevisionGraph *self);
/* TRUE when @descendant is reachable from @ancestor through Revises and
 * Depends On, or they are the same revision. */
gboolean             strata_revision_graph_is_ancestor      (StrataRevisionGraph *self,
                                                             StrataRevision      *ancestor,
                                                             StrataRevision      *descendant);

/* Alembic's get_revisions(): a full id, a unique prefix of at least four
 * characters, a branch label, "label@id", "head", "heads", "label@head",
 * "base". "head" with several heads is STRATA_ERROR_MULTIPLE_HEADS. "base"
 * resolves to an empty array. */
GPtrArray           *strata_revision_graph_resolve          (StrataRevisionGraph *self,
                                                             const char          *spec,
                                                             GError             **error);

/* The steps of an upgrade or downgrade from the version-table rows
 * @current_heads to @target, in the order they run, with Alembic's target
 * syntax: head, heads, base, ids, prefixes, labels, label@head, label@base,
 * +N, -N, rev+N, rev-N, label@+N, label@-N. Upgrading to a revision already
 * applied gives no steps, as does downgrading to a current head; downgrading
 * to a revision that is not applied is STRATA_ERROR_TARGET, "Destination X is
 * not a valid downgrade target from current head(s)", as in Alembic. "-1"
 * with several current heads is STRATA_ERROR_MULTIPLE_HEADS naming them. */
GPtrArray           *strata_revision_graph_plan             (StrataRevisionGraph *self,
                                                             StrataDirection      direction,
                                                             const char * const  *current_heads,
                                                             const char          *target,
                                                             GError             **error);
/* A stamp: the steps that move the version table to @target without running
 * any SQL (Alembic's StampStep). With @purge, @current_heads are all dropped
 * first, whatever they hold. */
GPtrArray           *strata_revision_graph_plan_stamp       (StrataRevisionGraph *self,
                                                             const char * const  *current_heads,
                                                             const char          *target,
                                                             gboolean             purge,
                                                             GError             **error);
/* Revisions from @upper down to @lower, newest first, as `alembic history -r
 * lower:upper` lists them. Either may be NULL for head(s) / base. */
GPtrArray           *strata_revision_graph_walk             (StrataRevisionGraph *self,
                                                             const char          *lower,
                                                             const char          *upper,
                                                             GError             **error);

G_END_DECLS
