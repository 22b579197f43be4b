/* strata-sql-preview.h: the SQL a run would execute, read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <strata.h>

G_BEGIN_DECLS

#define STRATA_TYPE_SQL_PREVIEW (strata_sql_preview_get_type ())

G_DECLARE_FINAL_TYPE (StrataSqlPreview, strata_sql_preview, STRATA, SQL_PREVIEW, AdwWindow)

/* Shows a spinner until strata_sql_preview_set_sql() or _set_error(). */
StrataSqlPreview *strata_sql_preview_new       (GtkWindow        *parent,
                                                const char       *title);
void              strata_sql_preview_set_sql   (StrataSqlPreview *self,
                                                const char       *sql);
void              strata_sql_preview_set_error (StrataSqlPreview *self,
                                                const char       *message);
const char       *strata_sql_preview_get_sql   (StrataSqlPreview *self);
/* Before strata_sql_preview_set_sql(): the planned steps. The preview then
 * shows their revisions' SQL, the whole script (with the version table and
 * strata_history statements) folded under it, and a button that runs them
 * through the parent window's win.upgrade or win.downgrade. */
void              strata_sql_preview_set_steps (StrataSqlPreview *self,
                                                GPtrArray        *steps);
const char       *strata_sql_preview_get_revision_sql (StrataSqlPreview *self);
/* Lines shown above the SQL under @heading (a call per group; NULL or empty
 * @lines adds nothing). */
void              strata_sql_preview_add_details (StrataSqlPreview   *self,
                                                  const char         *heading,
                                                  const char * const *lines);
/* @widget below the details (a form that acts on what they say). */
void              strata_sql_preview_add_widget  (StrataSqlPreview   *self,
                                                  GtkWidget          *widget);
/* The text of the details, a line each, headings included. */
char             *strata_sql_preview_get_details (StrataSqlPreview   *self);
/* A message entry and a button labelled @label below the SQL; the button
 * emits "confirm" with the message and is enabled once there is one. */
void              strata_sql_preview_set_confirm (StrataSqlPreview *self,
                                                  const char       *label,
                                                  const char       *message);
const char       *strata_sql_preview_get_message (StrataSqlPreview *self);

G_END_DECLS
