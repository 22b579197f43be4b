/* strata-test-util.h: helpers of the app's widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*StrataTestCondition) (gpointer data);

/* Starts GTK, libadwaita and GtkSourceView for a widget test. */
void   strata_test_init            (int                  *argc,
                                    char               ***argv);
/* A fresh copy of the example project ($STRATA_SOURCE_ROOT/migrations),
 * without its database. Free with strata_test_remove_tree(). */
char  *strata_test_copy_example    (void);
void   strata_test_remove_tree     (const char           *path);
/* A new project of @n revisions in a line, each creating one small table,
 * after running @work (SQL, or NULL) when it upgrades. Free with
 * strata_test_remove_tree(). */
char  *strata_test_make_linear_project (guint             n,
                                        const char       *work);
/* The id of the @i-th revision of such a project, counted from 0. */
char  *strata_test_linear_id       (guint                 i);
/* Spins the main context until @condition holds; fails after 30 s. */
void   strata_test_wait            (StrataTestCondition   condition,
                                    gpointer              data,
                                    const char           *what);
/* Destroys @window and spins until it, and everything it started, has let
 * go of it: g_assert_finalize_object() for widgets with work in flight. */
void   strata_test_destroy_window  (GtkWindow            *window);
/* Rows of the version table, sorted and joined with ",": "" for none. */
char  *strata_test_read_heads      (const char           *database_path);
/* Runs @sql on the database at @path, creating it. */
void   strata_test_exec            (const char           *database_path,
                                    const char           *sql);

G_END_DECLS
