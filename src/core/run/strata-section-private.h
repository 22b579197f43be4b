/* strata-section-private.h: one section of a revision, applied on one connection
 *
 * How a revision's SQL runs is written here and nowhere else: the live run
 * (strata-run-step.c), the rehearsal (strata-rehearsal.c), the diagnosis after a failure
 * (strata-migration-diagnosis.c), the editor's check (strata-sql-check.c) and the
 * schema-only replay (strata-schema-replay.c) all walk a section with
 * _strata_section_apply(). A change to how statements are cut,
 * numbered, refused or stepped is made once, here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "strata-sql-cursor-private.h"
#include "strata-types.h"

G_BEGIN_DECLS

typedef struct
{
  StrataRevision  *revision;      /* NULL for text not yet in a revision (the editor) */
  StrataDirection  direction;
  const char      *sql;           /* the section's text; never NULL, "" when in_file */
  gboolean         in_file;       /* a big file's: read again from it as it runs */
  guint            first_line;    /* the file line of sql's first byte */
  gboolean         transactional; /* runs inside the runner's transaction */
} StrataSection;

typedef enum
{
  STRATA_SECTION_REFUSED = 1, /* transaction control in a transactional section; nothing ran */
  STRATA_SECTION_UNREADABLE,  /* SQLite could not prepare the statement */
  STRATA_SECTION_FAILED,      /* the statement ran and failed */
  STRATA_SECTION_CANCELLED,   /* the cancellable fired, between or during statements */
  STRATA_SECTION_CHANGED,     /* the file could not be read again, or is not what was read */
} StrataSectionOutcome;

typedef struct
{
  StrataSectionOutcome  outcome;
  guint                 line;      /* of the statement in the file */
  gsize                 offset;    /* of the statement in the section's text */
  gsize                 length;
  char                 *statement; /* its text */
  char                 *message;   /* SQLite's words, or why it was refused */
} StrataSectionFailure;

typedef struct
{
  /* Looked at between statements; a statement SQLite interrupts (the
   * caller's progress handler) while it is cancelled counts as cancelled.
   * NULL: never looked at. */
  GCancellable *cancellable;
  /* Before each statement is stepped; may be NULL. */
  void     (*started)  (const StrataSqlCursor      *statement,
                        gpointer                    data);
  /* After each statement that ran, with @failure NULL, and after each that
   * could not be read or failed, when returning TRUE goes on with the next
   * one. May be NULL: every failure then ends the section. */
  gboolean (*finished) (const StrataSqlCursor      *statement,
                        const StrataSectionFailure *failure,
                        gpointer                    data);
  gpointer      data;
  /* Before each statement; TRUE passes over it, unprepared (the schema
   * replay skips what only touches rows). May be NULL: all of them run. */
  gboolean (*skip)     (const StrataSqlCursor      *statement,
                        gpointer                    data);
} StrataSectionHooks;

/* @revision's @direction section as it runs. The one place that says where
 * a run reads the SQL it executes: the revision's text, or for a big file
 * (in_file) the file itself, read again a piece at a time as the section
 * runs and checked against the checksum taken when it was read for the run.
 * A section whose file changed since ends in STRATA_SECTION_CHANGED, after
 * its last statement: the caller must not keep what it did. */
void      _strata_section_init          (StrataSection              *section,
                                         StrataRevision             *revision,
                                         StrataDirection             direction);
/* Text typed in the editor, line 1 at its start; it is checked, never refused. */
void      _strata_section_init_text     (StrataSection              *section,
                                         const char                 *sql,
                                         StrataDirection             direction);

/* Refuses transaction control in a transactional section (BEGIN, COMMIT,
 * END, ROLLBACK, ROLLBACK TO, SAVEPOINT, RELEASE, whatever the spelling):
 * inside the runner's transaction and savepoint any of them would commit
 * or undo part of the revision behind its back. Reads the text only. */
gboolean  _strata_section_check         (const StrataSection        *section,
                                         StrataSectionFailure       *failure);

/* Each statement of the section, in order, to @func until it returns FALSE;
 * nothing runs. A big file's section is read a piece at a time. FALSE with
 * @failure set (STRATA_SECTION_CHANGED) when the file could not be read to
 * the end or is not what was read for the run. */
typedef gboolean (*StrataSectionVisit) (const StrataSqlCursor *statement,
                                        gpointer               data);

gboolean  _strata_section_foreach       (const StrataSection        *section,
                                         StrataSectionVisit          func,
                                         gpointer                    data,
                                         StrataSectionFailure       *failure);

/* Checks the section, then prepares and steps its statements on @db one by
 * one, in order. FALSE with @failure set when a statement was refused, could
 * not be read, failed or was cancelled and the hooks did not go on. */
gboolean  _strata_section_apply         (const StrataSection        *section,
                                         sqlite3                    *db,
                                         const StrataSectionHooks   *hooks,
                                         StrataSectionFailure       *failure);

void      _strata_section_failure_clear (StrataSectionFailure       *failure);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StrataSectionFailure, _strata_section_failure_clear)

G_END_DECLS
