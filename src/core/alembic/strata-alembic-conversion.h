/* strata-alembic-conversion.h: an Alembic project written out as SQL revisions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_ALEMBIC_CONVERSION (strata_alembic_conversion_get_type ())

G_DECLARE_FINAL_TYPE (StrataAlembicConversion, strata_alembic_conversion, STRATA,
                      ALEMBIC_CONVERSION, GObject)

/* Converts the Alembic project at @source (the folder of alembic.ini, or the
 * file) into a new Strata project in @directory (docs/alembic.md): the graph,
 * labels, messages and dates read statically, each revision's SQL rendered
 * by Alembic in its offline mode for SQLite, through a helper script run with
 * the user's Python. */
StrataAlembicConversion *strata_alembic_conversion_new           (GFile                    *source,
                                                                  GFile                    *directory);
/* The Python that imports Alembic and the project's modules: a name looked
 * up in PATH or a path (default "python3"). */
void                     strata_alembic_conversion_set_python    (StrataAlembicConversion  *self,
                                                                  const char               *python);

/* Refuses a @directory that is a project already, and leaves nothing
 * written when Python or Alembic is missing or cannot load the project. A
 * revision Alembic cannot render is written with its Python as a comment
 * and a statement that stops any run: see get_unfinished(). */
gboolean                 strata_alembic_conversion_run           (StrataAlembicConversion  *self,
                                                                  GCancellable             *cancellable,
                                                                  GError                  **error);
void                     strata_alembic_conversion_run_async     (StrataAlembicConversion  *self,
                                                                  GCancellable             *cancellable,
                                                                  GAsyncReadyCallback       callback,
                                                                  gpointer                  user_data);
gboolean                 strata_alembic_conversion_run_finish    (StrataAlembicConversion  *self,
                                                                  GAsyncResult             *result,
                                                                  GError                  **error);

/* After a run: the new project, and the revisions written (with their files),
 * in graph order. */
StrataProject           *strata_alembic_conversion_get_project   (StrataAlembicConversion  *self);
GPtrArray               *strata_alembic_conversion_get_revisions (StrataAlembicConversion  *self);
/* The ids of the revisions left for the user to finish, and why each is. */
const char * const      *strata_alembic_conversion_get_unfinished (StrataAlembicConversion *self);
const char              *strata_alembic_conversion_get_reason    (StrataAlembicConversion  *self,
                                                                  const char               *id);
/* What the user should check by hand, such as a database that was not a
 * SQLite URL: human-readable lines. */
const char * const      *strata_alembic_conversion_get_notes     (StrataAlembicConversion  *self);

G_END_DECLS
