/* strata-schema-replay-private.h: the replay's walk, for lint and autogenerate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision.h"
#include "strata-schema-replay.h"

G_BEGIN_DECLS

/* Runs the statements of @sql that may change the schema on @database and
 * skips those that only touch rows (see strata-schema-replay.h). A statement
 * SQLite refuses sets @error to "@display_path:line: message" (@first_line
 * is the line @sql starts on) and stops the run, unless @keep_going, in
 * which case the rest still runs and the first failure is the one kept.
 * Returns FALSE when a statement failed. */
gboolean        _strata_schema_replay_exec    (StrataDatabase      *database,
                                               const char          *sql,
                                               const char          *display_path,
                                               guint                first_line,
                                               gboolean             keep_going,
                                               GError             **error);

/* FALSE for a statement the replay skips (rows, transaction control…). */
gboolean        _strata_schema_replay_changes_schema (const char *statement);

/* The walk: a cursor that moves through the graph's revisions in their
 * order, so that each revision's upgrade is replayed once for the whole
 * graph. The schema after a revision with more than one child (or
 * dependant) is kept, serialized, until its last child has been passed;
 * a merge is replayed from the start.
 *
 * Moves the walk to the schema @revision starts from and returns the walk's
 * database (owned by the replay, valid until the next seek; the caller may
 * change it inside a savepoint it rolls back). When an ancestor's statement
 * failed, returns NULL with that failure in @error, the walk still at
 * @revision's start; a cancel also returns NULL. */
StrataDatabase *_strata_schema_replay_seek    (StrataSchemaReplay  *self,
                                               StrataRevision      *revision,
                                               GCancellable        *cancellable,
                                               GError             **error);
/* Runs @revision's upgrade, schema only, on the walk's database, which the
 * last seek left at @revision's start. */
void            _strata_schema_replay_advance (StrataSchemaReplay  *self,
                                               StrataRevision      *revision);

/* The same when the caller ran @revision's upgrade on the walk's database
 * itself and left it with the schema only. With @forget (a statement that
 * may change the schema failed, perhaps because of rows that a replay would
 * not have had) the database is dropped, and the next seek replays from the
 * start. */
void            _strata_schema_replay_advanced (StrataSchemaReplay *self,
                                                StrataRevision     *revision,
                                                gboolean            forget);

G_END_DECLS
