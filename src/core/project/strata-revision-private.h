/* strata-revision-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision.h"
#include "strata-revision-source-private.h"

G_BEGIN_DECLS

/* Like strata_revision_new_from_data(), but the revision keeps a reference
 * to @contents instead of a copy: its SQL is copied out only when asked for.
 * It takes @path and @display_path, even when it fails. With @path (which
 * may be NULL), the GFile of strata_revision_get_file() is made only when
 * first asked for: a GFile for each revision loaded costs more than its
 * parsing. */
StrataRevision *_strata_revision_new_from_bytes (char        *path,
                                                 char        *display_path,
                                                 GBytes      *contents,
                                                 GError     **error);

/* Like _strata_revision_new_from_bytes(), for a file too big to hold: @fd
 * is read a piece at a time and the sections stay in the file at @path,
 * each known by its place and the fingerprint of its text (see
 * _strata_revision_open_section()). A section's text is read whole only
 * when strata_revision_get_sql() is asked for it. */
StrataRevision *_strata_revision_new_from_fd    (char        *path,
                                                 char        *display_path,
                                                 int          fd,
                                                 GError     **error);
/* The size of file above which a revision is read that way: 1 MiB, or
 * $STRATA_STREAM_ABOVE bytes (tests run small files as big ones). */
gsize           _strata_revision_stream_above   (void);

/* @direction's section as the file holds it, for reading it again a piece
 * at a time, checked against the fingerprint taken when the file was read;
 * a NULL @source (and TRUE) when the section is held in memory. With
 * @checksum, the source takes the section's checksum too, unless it is
 * known already; hand it back with _strata_revision_take_checksum(). */
gboolean        _strata_revision_open_section   (StrataRevision         *self,
                                                 StrataDirection         direction,
                                                 gboolean                checksum,
                                                 StrataRevisionSource  **source,
                                                 GError                **error);
/* The length of the text of a big file's section, as it was read. */
guint64         _strata_revision_get_section_length (StrataRevision  *self,
                                                     StrataDirection  direction);
/* The checksum of a big file's section as a run read it whole (taken). */
void            _strata_revision_take_checksum  (StrataRevision         *self,
                                                 StrataDirection         direction,
                                                 char                   *checksum);

/* TRUE when @direction's section of @self is a big file's, read again from
 * the file when it runs. */
gboolean        _strata_revision_section_in_file (StrataRevision *self,
                                                  StrataDirection direction);

/* TRUE when @id may be a revision's id: 1 to 32 of [A-Za-z0-9_-], and not
 * a reserved word (base, head, heads, current); else an error stating the
 * rule, after @where ("versions/x.sql:3: ", or ""). */
gboolean        _strata_revision_check_id       (const char      *id,
                                                 const char      *where,
                                                 GError         **error);

/* @self as its file says now, read for the run about to apply it: what runs
 * and the checksum recorded come from these bytes, never from the revision
 * cache the graph may have been loaded from. An error when the file cannot
 * be read, is not a regular file, or its header no longer says what the
 * plan was made of. A revision without a file (read from strata_history, or
 * made in memory) is returned as it is. */
StrataRevision *_strata_revision_read_for_run   (StrataRevision  *self,
                                                 GError         **error);

/* The comment line that says a revision's empty downgrade section is a
 * deliberate no-op (what Alembic users write as `pass`). */
#define STRATA_NO_DOWNGRADE_MARKER "-- strata:no-downgrade"

/* TRUE when @self's upgrade runs statements but its downgrade section holds
 * none (only blanks and comments) and does not carry the no-downgrade
 * marker: a downgrade through it would change nothing and say it worked.
 * FALSE for a merge, and for a revision whose two sections are both empty. */
gboolean        _strata_revision_lacks_downgrade (StrataRevision *self);
/* The same as the refusal every downgrade through @self gives, before
 * anything runs: "file:line: revision X has no downgrade…", naming the
 * downgrade section and the marker. TRUE when it may be downgraded. */
gboolean        _strata_revision_check_downgrade (StrataRevision  *self,
                                                  GError         **error);

G_END_DECLS
