/* strata-rehearsal.h: a run tried on a copy in memory, each downgrade checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_REHEARSAL         (strata_rehearsal_get_type ())
#define STRATA_TYPE_REHEARSAL_FINDING (strata_rehearsal_finding_get_type ())

G_DECLARE_FINAL_TYPE (StrataRehearsal, strata_rehearsal, STRATA, REHEARSAL, GObject)

typedef enum
{
  STRATA_REHEARSAL_STATEMENT_FAILED = 1, /* SQLite refused a statement of the section */
  STRATA_REHEARSAL_FOREIGN_KEY,          /* the section leaves rows pointing at nothing */
  STRATA_REHEARSAL_DOWNGRADE_MISMATCH,   /* the downgrade does not restore the schema before */
  STRATA_REHEARSAL_UPGRADE_MISMATCH,     /* upgrading again gives another schema than the first time */
} StrataRehearsalProblem;

typedef struct
{
  StrataRehearsalProblem  problem;
  StrataDirection         direction;  /* the section at fault */
  char                   *revision;   /* its id */
  char                   *file;       /* its display path */
  guint                   line;       /* of the failing statement; else of the section */
  char                   *message;    /* one sentence */
  GStrv                   differences; /* for a mismatch: what differs, one sentence each */
} StrataRehearsalFinding;

GType                   strata_rehearsal_finding_get_type  (void) G_GNUC_CONST;
StrataRehearsalFinding *strata_rehearsal_finding_copy      (const StrataRehearsalFinding *finding);
void                    strata_rehearsal_finding_free      (StrataRehearsalFinding       *finding);
/* "versions/ab12_x.sql:7: downgrade: …", then one indented line per difference. */
char                   *strata_rehearsal_finding_to_string (const StrataRehearsalFinding *finding);

/* A rehearsal of upgrading @project's database to @target (Alembic's target
 * syntax). The database is copied into memory with SQLite's online backup
 * API through a read-only connection (a database that does not exist yet is
 * rehearsed from empty); the real file is never written. In the copy each
 * pending revision is upgraded, downgraded and upgraded again, and the
 * normalised schema (StrataSchemaSnapshot) after each step is compared with
 * the one it should equal. */
StrataRehearsal *strata_rehearsal_new           (StrataProject        *project,
                                                 const char           *target);
/* The graph to plan with; when unset the rehearsal loads it from the project. */
void             strata_rehearsal_set_graph     (StrataRehearsal      *self,
                                                 StrataRevisionGraph  *graph);

/* FALSE with @error only when the rehearsal could not take place (an
 * unreadable database, a bad target); what it found is in the findings. */
gboolean         strata_rehearsal_run           (StrataRehearsal      *self,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void             strata_rehearsal_run_async     (StrataRehearsal      *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         strata_rehearsal_run_finish    (StrataRehearsal      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* After a run: StrataRehearsalFinding items in the order they were found. */
GPtrArray       *strata_rehearsal_get_findings  (StrataRehearsal      *self);
/* The revisions rehearsed (upgrade steps planned), in order. */
GPtrArray       *strata_rehearsal_get_steps     (StrataRehearsal      *self);
/* How many revisions were upgraded, downgraded and upgraded again. */
guint            strata_rehearsal_get_n_checked (StrataRehearsal      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRehearsalFinding, strata_rehearsal_finding_free)

G_END_DECLS
