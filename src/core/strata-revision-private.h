/* strata-revision-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-revision.h"

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

G_END_DECLS
