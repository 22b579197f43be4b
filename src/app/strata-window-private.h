/* strata-window-private.h: what the window's sibling files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-inspector.h"
#include "strata-revision-editor.h"
#include "strata-start-page.h"
#include "strata-timeline.h"
#include "strata-window.h"

G_BEGIN_DECLS

struct _StrataWindow
{
  AdwApplicationWindow  parent_instance;

  /* Cancelled when the window closes: every async call of the window uses it. */
  GCancellable         *cancellable;
  GCancellable         *migration_cancellable;
  GSettings            *settings;
  StrataProject        *project;
  StrataRevisionGraph  *disk_graph;   /* as the versions folder has it */
  StrataRevisionGraph  *graph;        /* with revisions missing on disk */
  StrataStatus         *status;
  StrataMigration      *migration;    /* the run in progress */
  StrataAutogen        *autogen;      /* New Revision from Schema in progress */
  GFileMonitor         *monitor;
  char                 *select_after_reload; /* a revision just created */
  GError               *load_error;   /* why the project on disk does not load */
  guint                 reload_source;
  guint                 follow_source;
  guint                 back_source;
  char                **run_heads;    /* the heads the run's last step left */
  guint                 reload_serial;
  guint                 n_reloads;    /* completed reloads, for tests */
  guint                 n_restores;   /* completed restores, for tests */
  guint                 close_confirmed : 1;
  guint                 loading : 1;

  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  StrataStartPage      *start_page;
  AdwStatusPage        *error_page;
  GtkLabel             *error_location;
  GtkLabel             *error_message;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *back_button;
  GtkLabel             *heads_label;
  StrataTimeline       *timeline;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *revision_page;
  StrataRevisionEditor *editor;
  StrataInspector      *inspector;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  AdwSplitButton       *upgrade_button;
  AdwSplitButton       *downgrade_button;
  GtkWidget            *upgrade_icon_button;
  GtkWidget            *downgrade_icon_button;
  GtkWidget            *save_button;
  GtkWidget            *preview_button;
  GtkRevealer          *read_only_banner;
};

void     _strata_window_class_actions_init (StrataWindowClass *klass);
/* strata-window-alembic.c: win.convert-alembic, and the toast that offers it
 * when the project is an Alembic one (docs/alembic.md). */
void     _strata_window_class_alembic_init (StrataWindowClass *klass);
void     _strata_window_offer_conversion   (StrataWindow      *self);
void     _strata_window_update_actions     (StrataWindow      *self);
/* Reads the graph and the database's status again, then updates every view. */
void     _strata_window_reload             (StrataWindow      *self);
/* Shows the states a run's step left, without reading the database. */
void     _strata_window_follow_step        (StrataWindow      *self,
                                            StrataStep        *step);
AdwMessageDialog *_strata_window_new_dialog (StrataWindow      *self,
                                             const char        *heading,
                                             const char        *body);
void     _strata_window_show_error         (StrataWindow      *self,
                                            const char        *heading,
                                            const GError      *error);
/* Runs @target with @direction, asking first when the core's plan says a
 * downgrade drops tables or columns. A NULL @target is one step (the plan
 * resolves it from the database's heads), for a run and a preview alike. */
void     _strata_window_migrate            (StrataWindow      *self,
                                            StrataDirection    direction,
                                            const char        *target);
void     _strata_window_preview            (StrataWindow      *self,
                                            StrataDirection    direction,
                                            const char        *target);
void     _strata_window_save               (StrataWindow      *self,
                                            GAsyncReadyCallback callback,
                                            gpointer           user_data);
/* New Revision from Schema: compare, ask about drops, preview, write. */
void     _strata_window_new_from_schema    (StrataWindow      *self);
/* Rehearses the pending revisions and shows what it found. */
void     _strata_window_rehearse           (StrataWindow      *self);
/* The backups window, whose Restore buttons ask, then restore. */
void     _strata_window_show_backups       (StrataWindow      *self);
/* In a narrow window, shows the views in place of the timeline. */
void     _strata_window_show_content       (StrataWindow      *self);
/* The reason the project on disk does not load, or NULL when it does. */
const GError *_strata_window_get_load_error (StrataWindow    *self);
/* For tests: completed reloads, and whether a run is in progress. */
guint    _strata_window_get_n_reloads      (StrataWindow      *self);
gboolean _strata_window_get_busy           (StrataWindow      *self);

G_END_DECLS
