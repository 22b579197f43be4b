/* strata-revision-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision.h"

G_BEGIN_DECLS

/* Like strata_revision_new_from_data(), but the revision keeps a reference
 * to @contents instead of a copy: its SQL is copied out only when asked for.
 * It takes @path (as with _strata_revision_set_path(), may be NULL) and
 * @display_path, even when it fails. */
StrataRevision *_strata_revision_new_from_bytes (char        *path,
                                                 char        *display_path,
                                                 GBytes      *contents,
                                                 GError     **error);

/* Like strata_revision_set_file() with g_file_new_for_path(), but the GFile
 * is made only when strata_revision_get_file() first asks for it. */
void _strata_revision_set_path (StrataRevision *self,
                                const char     *path);

G_END_DECLS
