/* strata-rehearsal-private.h: statements one by one in a scratch database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-database.h"
#include "strata-rehearsal.h"
#include "strata-schema-snapshot.h"

G_BEGIN_DECLS

/* After a transaction:false section failed half-way: replays @revision's
 * @direction section statement by statement on a scratch database holding
 * the schema @before, and finds after which statement the scratch schema
 * equals @live. Returns the number of statements that took effect (0 when
 * none did), or -1 when @live matches no point of the section (someone else
 * changed the schema). Where several points match (statements that change
 * only rows), @expected wins when it is one of them. @n_statements is set to the section's count, and
 * @lines (may be NULL) to each statement's line in the file. */
int   _strata_rehearsal_locate   (StrataSchemaSnapshot  *before,
                                  StrataSchemaSnapshot  *live,
                                  StrataRevision        *revision,
                                  StrataDirection        direction,
                                  guint                  expected,
                                  guint                 *n_statements,
                                  GArray               **lines);

G_END_DECLS
