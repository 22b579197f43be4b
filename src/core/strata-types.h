/* strata-types.h: enums and forward declarations shared by the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _StrataDatabase      StrataDatabase;
typedef struct _StrataMigration     StrataMigration;
typedef struct _StrataProject       StrataProject;
typedef struct _StrataRevision      StrataRevision;
typedef struct _StrataRevisionGraph StrataRevisionGraph;
typedef struct _StrataStatus        StrataStatus;
typedef struct _StrataStep          StrataStep;

typedef enum
{
  STRATA_DIRECTION_UPGRADE,
  STRATA_DIRECTION_DOWNGRADE,
  STRATA_DIRECTION_STAMP,
} StrataDirection;

/* How a revision stands against an open database. Several can hold at once
 * (a current head that was edited since it was applied). */
typedef enum /*< flags >*/
{
  STRATA_REVISION_STATE_NONE    = 0,
  STRATA_REVISION_STATE_APPLIED = 1 << 0, /* an ancestor of, or equal to, a current head */
  STRATA_REVISION_STATE_PENDING = 1 << 1, /* not applied */
  STRATA_REVISION_STATE_CURRENT = 1 << 2, /* a row of the version table */
  STRATA_REVISION_STATE_EDITED  = 1 << 3, /* file's SQL differs from what was applied */
  STRATA_REVISION_STATE_MISSING = 1 << 4, /* known only from strata_history */
} StrataRevisionState;

/* How strata_backup_restore_full() may put a file in place. */
typedef enum /*< flags >*/
{
  STRATA_RESTORE_FLAGS_NONE    = 0,
  STRATA_RESTORE_FLAGS_FOREIGN = 1 << 0, /* also a file that is not this database's backup */
} StrataRestoreFlags;

const char *strata_direction_to_string (StrataDirection direction);

G_END_DECLS
