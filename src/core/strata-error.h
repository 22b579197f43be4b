/* strata-error.h: the one error domain of the migration core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_ERROR (strata_error_quark ())

/* Codes start at 1 so that a zero code never looks like success. */
typedef enum
{
  STRATA_ERROR_CONFIG = 1,       /* strata.ini missing, unreadable or malformed */
  STRATA_ERROR_PARSE,            /* a revision file that cannot be read as one */
  STRATA_ERROR_DUPLICATE,        /* two revisions with the same id or label */
  STRATA_ERROR_UNKNOWN_REVISION, /* an id, prefix or label that names nothing */
  STRATA_ERROR_AMBIGUOUS,        /* a prefix that names several revisions */
  STRATA_ERROR_CYCLE,            /* a cycle or self-loop in Revises / Depends On */
  STRATA_ERROR_MULTIPLE_HEADS,   /* "head" asked for while several heads exist */
  STRATA_ERROR_RANGE,            /* a relative step past either end of the graph */
  STRATA_ERROR_TARGET,           /* a target that is not well formed, or not reachable */
  STRATA_ERROR_DATABASE,         /* not a database, cannot open, corrupt */
  STRATA_ERROR_READ_ONLY,        /* database or its folder cannot be written */
  STRATA_ERROR_BUSY,             /* another connection holds the write lock */
  STRATA_ERROR_SQL,              /* a statement of a revision failed */
  STRATA_ERROR_CONFLICT,         /* the version table moved under us */
  STRATA_ERROR_FOREIGN_KEY,      /* foreign_key_check found violations */
  STRATA_ERROR_MISSING_SQL,      /* a revision neither on disk nor in strata_history */
  STRATA_ERROR_IO,               /* a file could not be read or written */
} StrataErrorCode;

GQuark strata_error_quark (void);

G_END_DECLS
