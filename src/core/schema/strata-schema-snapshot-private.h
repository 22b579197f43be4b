/* strata-schema-snapshot-private.h: the snapshot's objects, for autogenerate and lint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-schema.h"
#include "strata-schema-snapshot.h"
#include "strata-table-definition-private.h"

G_BEGIN_DECLS

typedef struct
{
  StrataSchemaKind        kind;
  char                   *name;
  char                   *table;      /* its table, for indexes and triggers */
  char                   *sql;        /* as stored in sqlite_schema */
  char                   *canonical;  /* normalised, for people */
  char                   *key;        /* normalised and case-folded, for comparing */
  StrataTableDefinition  *definition; /* tables only */
  StrataSchemaObject     *object;     /* what the pragmas say; tables and views */
} StrataSnapshotEntry;

/* StrataSnapshotEntry items in sqlite_schema order (the order of creation). */
GPtrArray           *_strata_schema_snapshot_get_entries (StrataSchemaSnapshot *self);
/* By name, without regard to ASCII case; NULL when absent. */
StrataSnapshotEntry *_strata_schema_snapshot_lookup      (StrataSchemaSnapshot *self,
                                                          StrataSchemaKind      kind,
                                                          const char           *name);
/* Which tables changed and how, in words, for one table present in both. */
void                 _strata_schema_snapshot_compare_table (StrataSnapshotEntry *from,
                                                            StrataSnapshotEntry *to,
                                                            GStrvBuilder        *builder);

G_END_DECLS
