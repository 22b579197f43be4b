/* strata-revision-editor.h: the header fields and SQL of one revision
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_REVISION_EDITOR (strata_revision_editor_get_type ())

G_DECLARE_FINAL_TYPE (StrataRevisionEditor, strata_revision_editor, STRATA, REVISION_EDITOR, GtkWidget)

GtkWidget      *strata_revision_editor_new              (void);
/* Shows a copy of @revision (NULL for none); @graph gives the syntax check
 * its scratch schema. Edits never touch @revision itself. */
void            strata_revision_editor_set_revision     (StrataRevisionEditor *self,
                                                         StrataRevisionGraph  *graph,
                                                         StrataRevision       *revision);
/* The revision as loaded (not the edits); NULL when none is shown. */
StrataRevision *strata_revision_editor_get_revision     (StrataRevisionEditor *self);
gboolean        strata_revision_editor_get_modified     (StrataRevisionEditor *self);
/* A new revision holding the edits, with the loaded one's file. */
StrataRevision *strata_revision_editor_dup_edited       (StrataRevisionEditor *self);
/* Writes the edits to the revision's file on the core's worker
 * (strata_revision_save_async()). @callback's source object is the copy
 * being written, not the editor: pass the result to _finish. */
void            strata_revision_editor_save_async       (StrataRevisionEditor *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean        strata_revision_editor_save_finish      (StrataRevisionEditor *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* Underlines the statement at @file_line (a line of the revision file) and
 * shows @message beside it, as after a failed run. */
void            strata_revision_editor_mark_failure     (StrataRevisionEditor *self,
                                                         guint                 file_line,
                                                         const char           *message);
/* Names offered by completion besides those of the scratch schema. */
void            strata_revision_editor_set_known_names  (StrataRevisionEditor *self,
                                                         const char * const   *names);
/* The names the table-and-column completion offers now, known and scratch. */
GStrv           strata_revision_editor_dup_completion_names (StrataRevisionEditor *self);
/* Number of statements the last syntax check could not prepare; -1 before. */
int             strata_revision_editor_get_n_problems   (StrataRevisionEditor *self);
/* The database lint counts rows against (a new NOT NULL or UNIQUE that
 * current rows break), when the file exists. */
void            strata_revision_editor_set_database_file (StrataRevisionEditor *self,
                                                          GFile                *database_file);
/* Number of lint warnings of the last lint; -1 before. */
int             strata_revision_editor_get_n_warnings   (StrataRevisionEditor *self);
/* The status line below the editors. */
const char     *strata_revision_editor_get_status       (StrataRevisionEditor *self);
GtkTextBuffer  *strata_revision_editor_get_buffer       (StrataRevisionEditor *self,
                                                         StrataDirection       direction);
void            strata_revision_editor_set_message      (StrataRevisionEditor *self,
                                                         const char           *message);

G_END_DECLS
