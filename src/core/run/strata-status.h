/* strata-status.h: what a database says about the project's revisions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_STATUS (strata_status_get_type ())

G_DECLARE_FINAL_TYPE (StrataStatus, strata_status, STRATA, STATUS, GObject)

/* Reads @version_table and strata_history from @database. */
StrataStatus       *strata_status_read                  (StrataDatabase      *database,
                                                         const char          *version_table,
                                                         GError             **error);
StrataStatus       *strata_status_new_empty             (void);

gboolean            strata_status_get_database_exists   (StrataStatus        *self);
/* The version table's rows, sorted. */
const char * const *strata_status_get_heads             (StrataStatus        *self);
/* The revision as it was last applied (message, Revises, both sections' SQL),
 * from strata_history; NULL if it never was, or the history does not exist. */
StrataRevision     *strata_status_lookup_applied        (StrataStatus        *self,
                                                         const char          *id);
/* Every revision ever applied successfully, from strata_history, oldest first. */
GPtrArray          *strata_status_get_applied           (StrataStatus        *self);

/* @revision's state against this database within @graph. */
StrataRevisionState strata_status_get_state             (StrataStatus        *self,
                                                         StrataRevisionGraph *graph,
                                                         StrataRevision      *revision);
/* @graph plus the revisions applied to this database that are missing on disk
 * (a git branch switch), rebuilt from strata_history, so that they can be
 * shown and downgraded. Returns a new reference to @graph when none is missing. */
StrataRevisionGraph *strata_status_complete_graph       (StrataStatus        *self,
                                                         StrataRevisionGraph *graph,
                                                         GError             **error);
/* Ids of the version table that are neither in @graph nor in strata_history. */
GStrv               strata_status_get_unknown_heads     (StrataStatus        *self,
                                                         StrataRevisionGraph *graph);
/* FALSE, with the one message every command gives (what to restore, how to
 * reset the table), when the version table names such ids. */
gboolean            strata_status_check_unknown_heads   (StrataStatus        *self,
                                                         StrataRevisionGraph *graph,
                                                         GFile               *database_file,
                                                         GError             **error);

G_END_DECLS
