/* strata-foreign-keys-private.h: a revision answers only for the dangling rows it adds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-database.h"
#include "strata-migration.h"

G_BEGIN_DECLS

/* Before a revision's SQL runs on @database: remembers how many rows of each
 * table point at missing rows now. Cheap when nothing but this connection
 * wrote since the last check. */
gboolean  _strata_foreign_keys_note   (StrataDatabase   *database,
                                       GError          **error);
/* After it ran: fails with STRATA_ERROR_FOREIGN_KEY, naming @revision and
 * @heads, only if some table has more such rows than were noted; rows that
 * were there before are left alone and reported as warnings of @migration
 * (one per table and parent, with the count and the PRAGMA that lists them). */
gboolean  _strata_foreign_keys_check  (StrataDatabase   *database,
                                       StrataMigration  *migration,
                                       const char       *revision,
                                       const char       *heads,
                                       GError          **error);
/* How many rows of each table point at missing rows of each parent, as a
 * table of "table\037parent" to a count; and how many more @after holds
 * than @before, leaving out those whose parent is a table the section
 * dropped or created (@tables_before and @tables_after, from
 * _strata_foreign_keys_list_tables(); NULL to count them all). */
GHashTable *_strata_foreign_keys_count       (StrataDatabase   *database,
                                              GError          **error);
GHashTable *_strata_foreign_keys_list_tables (StrataDatabase   *database);
guint       _strata_foreign_keys_count_added (GHashTable       *before,
                                              GHashTable       *after,
                                              GHashTable       *tables_before,
                                              GHashTable       *tables_after);
/* The warning for @count rows of @table pointing at missing rows of @parent
 * that were there before; for the rehearsal, which checks the same way. */
char     *_strata_foreign_keys_describe_existing (const char *table,
                                                  const char *parent,
                                                  guint       count);

G_END_DECLS
