/* strata-schema-replay.h: the schema a revision starts from, without the rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-database.h"
#include "strata-revision-graph.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCHEMA_REPLAY (strata_schema_replay_get_type ())

G_DECLARE_FINAL_TYPE (StrataSchemaReplay, strata_schema_replay, STRATA, SCHEMA_REPLAY, GObject)

/* Replays revisions' upgrade SQL into in-memory databases, schema only:
 * statements that only read or write rows (SELECT, INSERT, UPDATE, DELETE,
 * REPLACE, WITH …) are skipped, as are transaction control, PRAGMA, VACUUM,
 * ATTACH and DETACH. The memory a replay takes is bounded by the schema's size,
 * never by the rows the revisions insert.
 *
 * Threads: a replay belongs to whoever made it (the editor that checks as
 * the user types, say) and holds a reference on @graph, which is immutable.
 * strata_schema_replay_open() may be called from any thread: it takes the
 * replay's lock around its cached schema, so two workers that overlap (a
 * cancelled check and the next one) take turns. The walk that lint uses
 * (strata-schema-replay-private.h) belongs to one thread at a time. */
StrataSchemaReplay  *strata_schema_replay_new       (StrataRevisionGraph *graph);
StrataRevisionGraph *strata_schema_replay_get_graph (StrataSchemaReplay  *self);
/* A new in-memory database holding the schema that a revision revising
 * @parents (ids, prefixes or labels; NULL or empty for a base) starts from:
 * the upgrades of @parents and all their ancestors, in the graph's order. A
 * parent that resolves to nothing is left out, and a statement SQLite
 * refuses is passed over, so the schema may be partial but is never missing.
 * The schema of the last @parents asked for is kept, serialized, and copied
 * for the next call with the same @parents. */
StrataDatabase      *strata_schema_replay_open      (StrataSchemaReplay  *self,
                                                     const char * const  *parents,
                                                     GCancellable        *cancellable,
                                                     GError             **error);

G_END_DECLS
