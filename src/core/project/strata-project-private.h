/* strata-project-private.h: what the project's files share
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

/* As strata_project_init(), with @version_table (NULL: Alembic's
 * "alembic_version") written into strata.ini. */
StrataProject *_strata_project_init         (GFile       *directory,
                                             const char  *database,
                                             const char  *version_table,
                                             GError     **error);

typedef struct _StrataProjectSettings StrataProjectSettings;

/* A reference to the project's settings of the moment, never changed after;
 * what a worker thread reads instead of the project. */
StrataProjectSettings *_strata_project_get_settings (StrataProject *self);

G_END_DECLS
