/* strata-revision.h: one revision file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_REVISION (strata_revision_get_type ())

G_DECLARE_FINAL_TYPE (StrataRevision, strata_revision, STRATA, REVISION, GObject)

/* A revision file is parsed and written in the format of docs/revision-format.md.
 * Header keys match without regard to case; lines the parser does not know are
 * kept and written back, so saving never loses what a person wrote. */
StrataRevision     *strata_revision_new                   (const char           *id,
                                                           const char           *message);
StrataRevision     *strata_revision_new_from_file         (GFile                *file,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
StrataRevision     *strata_revision_new_from_data         (const char           *display_path,
                                                           const char           *data,
                                                           gssize                length,
                                                           GError              **error);
char               *strata_revision_to_data               (StrataRevision       *self);
gboolean            strata_revision_save                  (StrataRevision       *self,
                                                           GFile                *file,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
/* The same on a worker. The file's text is rendered from @self before the
 * call returns, so later changes to @self are not written; the line numbers
 * and the file of @self change in _finish, on the caller's thread. */
void                strata_revision_save_async            (StrataRevision       *self,
                                                           GFile                *file,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean            strata_revision_save_finish           (StrataRevision       *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

char               *strata_revision_generate_id           (void);
char               *strata_revision_make_file_name        (const char           *id,
                                                           const char           *message);

const char         *strata_revision_get_id                (StrataRevision       *self);
void                strata_revision_set_id                (StrataRevision       *self,
                                                           const char           *id);
const char         *strata_revision_get_message           (StrataRevision       *self);
void                strata_revision_set_message           (StrataRevision       *self,
                                                           const char           *message);
const char         *strata_revision_get_create_date       (StrataRevision       *self);
void                strata_revision_set_create_date       (StrataRevision       *self,
                                                           const char           *create_date);
/* Never NULL: an empty vector for a base, several ids for a merge. */
const char * const *strata_revision_get_down_revisions    (StrataRevision       *self);
void                strata_revision_set_down_revisions    (StrataRevision       *self,
                                                           const char * const   *ids);
const char * const *strata_revision_get_branch_labels     (StrataRevision       *self);
void                strata_revision_set_branch_labels     (StrataRevision       *self,
                                                           const char * const   *labels);
const char * const *strata_revision_get_depends_on        (StrataRevision       *self);
void                strata_revision_set_depends_on        (StrataRevision       *self,
                                                           const char * const   *ids);

/* The SQL of a section, exactly as written between its marker and the next. */
const char         *strata_revision_get_sql               (StrataRevision       *self,
                                                           StrataDirection       direction);
void                strata_revision_set_sql               (StrataRevision       *self,
                                                           StrataDirection       direction,
                                                           const char           *sql);
/* The line of the file on which the section's SQL starts (1-based), so an
 * error in the Nth line of the SQL is reported at line + N - 1. */
guint               strata_revision_get_sql_line          (StrataRevision       *self,
                                                           StrataDirection       direction);
/* FALSE for a section marked "transaction:false". */
gboolean            strata_revision_get_transactional     (StrataRevision       *self,
                                                           StrataDirection       direction);
void                strata_revision_set_transactional     (StrataRevision       *self,
                                                           StrataDirection       direction,
                                                           gboolean              transactional);
/* Lowercase hex SHA-256 of the section's SQL. */
char               *strata_revision_get_checksum          (StrataRevision       *self,
                                                           StrataDirection       direction);

/* The file the revision was read from or saved to; NULL for one known only
 * from strata_history (its file is missing on disk). */
GFile              *strata_revision_get_file              (StrataRevision       *self);
void                strata_revision_set_file              (StrataRevision       *self,
                                                           GFile                *file);
/* The path used in messages: relative to the project when it can be. */
const char         *strata_revision_get_display_path      (StrataRevision       *self);
void                strata_revision_set_display_path      (StrataRevision       *self,
                                                           const char           *display_path);
gboolean            strata_revision_is_base               (StrataRevision       *self);
gboolean            strata_revision_is_merge              (StrataRevision       *self);

G_END_DECLS
