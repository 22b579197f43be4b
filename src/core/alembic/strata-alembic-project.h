/* strata-alembic-project.h: an Alembic project, read without running Python
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_ALEMBIC_PROJECT (strata_alembic_project_get_type ())

G_DECLARE_FINAL_TYPE (StrataAlembicProject, strata_alembic_project, STRATA, ALEMBIC_PROJECT,
                      GObject)

/* The [alembic] section of alembic.ini (script_location, version_locations,
 * sqlalchemy.url) and the revision modules' plain assignments and docstrings
 * (docs/alembic.md). Nothing is imported or run: the project opens where
 * Python or the user's environment is missing. @path is the folder holding
 * alembic.ini, or the ini file itself. */
StrataAlembicProject *strata_alembic_project_new                (GFile                 *path,
                                                                 GError               **error);

/* The alembic.ini of the Alembic project in @directory: the folder holding
 * it, or the script folder (env.py) below it, as people open either; NULL
 * when @directory is neither. */
GFile                *strata_alembic_project_find_config        (GFile                 *directory);

/* alembic.ini, and the folder holding it (Alembic's %(here)s). */
GFile                *strata_alembic_project_get_config_file    (StrataAlembicProject  *self);
GFile                *strata_alembic_project_get_directory      (StrataAlembicProject  *self);
/* script_location: the folder of env.py. */
GFile                *strata_alembic_project_get_script_directory (StrataAlembicProject *self);
/* sqlalchemy.url as written, or NULL. */
const char           *strata_alembic_project_get_url            (StrataAlembicProject  *self);
/* The database of a sqlite:/// URL; NULL when sqlalchemy.url is absent, not
 * SQLite or in memory (then the reason is in get_database_problem()). */
GFile                *strata_alembic_project_get_database_file  (StrataAlembicProject  *self);
const char           *strata_alembic_project_get_database_problem (StrataAlembicProject *self);
/* version_table=… in env.py's context.configure(), else "alembic_version". */
const char           *strata_alembic_project_get_version_table  (StrataAlembicProject  *self);

/* Every revision module (*.py) of the version locations, as revisions with
 * empty SQL sections, each with its file set to the module. */
GPtrArray            *strata_alembic_project_load_revisions     (StrataAlembicProject  *self,
                                                                 GCancellable          *cancellable,
                                                                 GError               **error);

/* One revision module's revision, down_revision, branch_labels, depends_on,
 * message and Create Date; @display_path names it in errors. */
StrataRevision       *strata_alembic_project_read_revision      (const char            *display_path,
                                                                 const char            *source,
                                                                 GError               **error);

G_END_DECLS
