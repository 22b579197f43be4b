/* strata-sql-view.h: a section of a revision's SQL, numbered as its file
 * is, with problems drawn under the text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define STRATA_TYPE_SQL_VIEW (strata_sql_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataSqlView, strata_sql_view, STRATA, SQL_VIEW, GtkSourceView)

/* The buffer's text tags the view draws under: "error" and "failure" (a
 * red wave, the one error style) and "warning" (a straight amber line). */
#define STRATA_SQL_VIEW_TAG_ERROR   "error"
#define STRATA_SQL_VIEW_TAG_FAILURE "failure"
#define STRATA_SQL_VIEW_TAG_WARNING "warning"

GtkWidget *strata_sql_view_new            (void);
/* The line of the revision file the buffer's first line is: the gutter
 * numbers lines as the file does, as the messages of a run do. */
void       strata_sql_view_set_first_line (StrataSqlView *self,
                                           guint          first_line);
guint      strata_sql_view_get_first_line (StrataSqlView *self);
/* The file line the gutter shows for buffer line @line (0-based). */
guint      strata_sql_view_get_file_line  (StrataSqlView *self,
                                           guint          line);

G_END_DECLS
