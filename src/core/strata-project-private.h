/* strata-project-private.h: a project read from bytes, for the fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-project.h"

G_BEGIN_DECLS

/* As strata_project_new(), with @contents standing for @directory/strata.ini;
 * nothing is read from disk. */
StrataProject *_strata_project_new_for_data (GFile       *directory,
                                             const char  *contents,
                                             gsize        length,
                                             GError     **error);

G_END_DECLS
