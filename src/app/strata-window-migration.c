/* strata-window-migration.c: running and previewing upgrades and downgrades
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-failure-dialog.h"
#include "strata-sql-preview.h"
#include "strata-window-private.h"

/* No graph is handed over: each run and preview loads the project from disk
 * again, so a file moved or deleted since the window last loaded stops it
 * rather than being applied from memory. */
static StrataMigration *
make_migration (StrataWindow    *self,
                StrataDirection  direction,
                const char      *target)
{
  return strata_migration_new (self->project, direction, target);
}

/* Failures */

/* Retry runs the same migration again: the dialog keeps what it was. */
static void
failure_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     StrataWindow     *self)
{
  if (g_str_equal (response, "convert"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.convert-alembic", NULL);
  else if (g_str_equal (response, "retry"))
    _strata_window_migrate (self,
                            GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "direction")),
                            g_object_get_data (G_OBJECT (dialog), "target"));
}

/* The dialog alone tells of the failure: no toast repeats it. */
static void
show_failure (StrataWindow    *self,
              StrataMigration *migration,
              const GError    *error)
{
  StrataRevision *failed = strata_migration_get_failed_revision (migration);
  AdwMessageDialog *dialog = strata_failure_dialog_new (GTK_WINDOW (self), migration, error);

  g_object_set_data (G_OBJECT (dialog), "direction",
                     GINT_TO_POINTER (strata_migration_get_direction (migration)));
  g_object_set_data_full (G_OBJECT (dialog), "target",
                          g_strdup (strata_migration_get_target (migration)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (failure_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  /* The editor opens the failing revision, its line marked. */
  if (failed != NULL && strata_timeline_select (self->timeline, strata_revision_get_id (failed)))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "revision");
      strata_revision_editor_mark_failure (self->editor,
                                           strata_migration_get_failed_line (migration),
                                           error->message);
    }
}

static void
announce_success (StrataWindow    *self,
                  StrataMigration *migration)
{
  guint n = strata_migration_get_n_steps (migration);
  StrataBackup *backup = strata_migration_get_backup (migration);
  g_autofree char *text = NULL;

  switch (strata_migration_get_direction (migration))
    {
    case STRATA_DIRECTION_UPGRADE:
      text = n == 0 ? g_strdup (_("The database is already up to date"))
                    : g_strdup_printf (ngettext ("Upgraded: %u revision applied",
                                                 "Upgraded: %u revisions applied", n), n);
      break;
    case STRATA_DIRECTION_DOWNGRADE:
      text = n == 0 ? g_strdup (_("Nothing to downgrade"))
                    : g_strdup_printf (ngettext ("Downgraded: %u revision undone",
                                                 "Downgraded: %u revisions undone", n), n);
      break;
    default:
      text = g_strdup (_("Database stamped"));
    }
  if (backup != NULL)
    {
      g_autofree char *plain = g_steal_pointer (&text);
      AdwToast *toast;

      g_autoptr(GDateTime) local = g_date_time_to_local (strata_backup_get_created (backup));
      /* Translators: the time of day a backup was taken; see g_date_time_format() */
      g_autofree char *time = g_date_time_format (local, _("%H:%M:%S"));

      /* Translators: a toast after a run: what it did, and when the backup it
       * took first was made; the Backups button lists it */
      text = g_strdup_printf (_("%s. The database was backed up first, at %s"), plain, time);
      toast = adw_toast_new (text);
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_button_label (toast, _("_Backups"));
      adw_toast_set_action_name (toast, "win.backups");
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }
  strata_window_toast (self, text);
}

/* What a run found and left alone (rows that pointed at missing rows before
 * it): a toast, and the details on demand. */
static void
warnings_details_cb (AdwToast     *toast,
                     StrataWindow *self)
{
  const char * const *warnings = g_object_get_data (G_OBJECT (toast), "warnings");
  g_autofree char *body = g_strjoinv ("\n\n", (char **)warnings);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Rows Left As They Were"), body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
announce_warnings (StrataWindow    *self,
                   StrataMigration *migration)
{
  const char * const *warnings = strata_migration_get_warnings (migration);
  guint n = g_strv_length ((char **)warnings);
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (n == 0)
    return;
  text = g_strdup_printf (ngettext ("%u warning: rows that already pointed at missing rows "
                                    "were left as they are",
                                    "%u warnings: rows that already pointed at missing rows "
                                    "were left as they are", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Details"));
  g_object_set_data_full (G_OBJECT (toast), "warnings", g_strdupv ((char **)warnings),
                          (GDestroyNotify)g_strfreev);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (warnings_details_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Running */

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  StrataMigration *migration = STRATA_MIGRATION (object);
  g_autoptr(GError) error = NULL;

  if (strata_migration_run_finish (migration, result, &error))
    {
      announce_success (self, migration);
      announce_warnings (self, migration);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        strata_window_toast (self, _("Cancelled: the revision in progress was rolled back"));
    }
  else
    show_failure (self, migration, error);

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_clear_object (&self->migration_cancellable);
  g_clear_object (&self->migration);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  _strata_window_update_actions (self);
  /* A run that found the project changed on disk shows why. */
  _strata_window_reload (self);
  strata_inspector_reload (self->inspector);
}

static void
step_finished_cb (StrataWindow *self,
                  StrataStep   *step)
{
  /* Each committed step shows on the timeline. */
  _strata_window_follow_step (self, step);
}

static void
run (StrataWindow    *self,
     StrataDirection  direction,
     const char      *target)
{
  if (self->migration != NULL || self->project == NULL)
    return;

  self->migration = make_migration (self, direction, target);
  self->migration_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Planning…"));
  g_object_bind_property (self->migration, "fraction", self->progress_bar, "fraction", 0);
  g_object_bind_property (self->migration, "message", self->progress_bar, "text", 0);
  g_signal_connect_object (self->migration, "step-finished", G_CALLBACK (step_finished_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  _strata_window_update_actions (self);

  strata_migration_run_async (self->migration, self->migration_cancellable, run_cb,
                              g_object_ref (self));
}

/* Downgrades that drop data ask first */

typedef struct
{
  StrataWindow *self;
  char         *target;
} Confirm;

static void
confirm_free (Confirm *confirm)
{
  g_clear_object (&confirm->self);
  g_free (confirm->target);
  g_free (confirm);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirm          *confirm)
{
  if (g_str_equal (response, "downgrade"))
    run (confirm->self, STRATA_DIRECTION_DOWNGRADE, confirm->target);
}

static char *
describe_drops (StrataMigrationPlan *plan)
{
  const char * const *tables = strata_migration_plan_get_dropped_tables (plan);
  const char * const *columns = strata_migration_plan_get_dropped_columns (plan);
  guint n_tables = g_strv_length ((GStrv)tables);
  guint n_columns = g_strv_length ((GStrv)columns);
  g_autofree char *table_names = g_strjoinv (", ", (GStrv)tables);
  g_autofree char *column_names = g_strjoinv (", ", (GStrv)columns);

  if (n_columns == 0)
    return g_strdup_printf (ngettext ("It drops the table %s.", "It drops the tables %s.",
                                      n_tables), table_names);
  if (n_tables == 0)
    return g_strdup_printf (ngettext ("It drops the column %s.", "It drops the columns %s.",
                                      n_columns), column_names);
  /* Translators: the first %s lists tables, the second columns as table.column */
  return g_strdup_printf (_("It drops the tables %s and the columns %s."), table_names,
                          column_names);
}

static void
ask_about_drops (StrataWindow        *self,
                 StrataMigrationPlan *plan)
{
  g_autofree char *drops = describe_drops (plan);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Confirm *confirm;

  if (strata_migration_plan_get_backs_up (plan))
    /* Translators: %s says what a downgrade drops */
    body = g_strdup_printf (_("%s The database is backed up first: the Backups window can "
                              "put it back."), drops);
  else
    /* Translators: %s says what a downgrade drops */
    body = g_strdup_printf (_("%s No backup is taken (“backup = never” in strata.ini), so the "
                              "data is lost."), drops);

  dialog = _strata_window_new_dialog (self, _("Drop Data?"), body);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "downgrade", _("_Downgrade"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "downgrade", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->target = g_strdup (strata_migration_plan_get_target (plan));
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), confirm,
                         (GClosureNotify)(void (*) (void))confirm_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Every downgrade asks, destructive or not: it undoes work, and a shortcut
 * pressed by mistake must not be enough. */
static void
ask_about_downgrade (StrataWindow        *self,
                     StrataMigrationPlan *plan)
{
  GPtrArray *steps = strata_migration_plan_get_steps (plan);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Confirm *confirm;

  for (guint i = 0; steps != NULL && i < steps->len && i < 3; i++)
    {
      StrataRevision *revision = strata_step_get_revision (g_ptr_array_index (steps, i));

      if (i > 0)
        g_string_append (names, ", ");
      /* Translators: a revision's message, quoted as your language quotes */
      g_string_append_printf (names, _("“%s”"), strata_revision_get_message (revision));
    }
  if (steps != NULL && steps->len > 3)
    /* Translators: ends a list of revisions that a downgrade undoes */
    g_string_append_printf (names, ngettext (" and %u more", " and %u more", steps->len - 3),
                            steps->len - 3);
  /* Translators: %s lists the messages of the revisions a downgrade undoes */
  body = g_strdup_printf (ngettext ("It undoes %s by running its downgrade SQL.",
                                    "It undoes %s by running their downgrade SQL.",
                                    steps != NULL ? steps->len : 0), names->str);
  dialog = _strata_window_new_dialog (self, _("Downgrade the Database?"), body);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "downgrade", _("_Downgrade"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "downgrade", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->target = g_strdup (strata_migration_plan_get_target (plan));
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), confirm,
                         (GClosureNotify)(void (*) (void))confirm_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* One step back from a merge is ambiguous */

typedef struct
{
  StrataWindow *self;
  GStrv         choices;
} Branches;

static void
branches_free (Branches *branches)
{
  g_clear_object (&branches->self);
  g_strfreev (branches->choices);
  g_free (branches);
}

static void
branch_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Branches         *branches)
{
  GtkDropDown *choice = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  guint selected = gtk_drop_down_get_selected (choice);

  if (!g_str_equal (response, "choose") || selected >= g_strv_length (branches->choices))
    return;
  /* The chosen revision is planned like any named target: the question
   * about what it undoes or drops comes next. */
  _strata_window_migrate (branches->self, STRATA_DIRECTION_DOWNGRADE,
                          branches->choices[selected]);
}

/* Each revision the merge merges, as the timeline names it. */
static GtkWidget *
make_branch_choice (StrataWindow       *self,
                    const char * const *choices)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  GtkWidget *choice;

  for (guint i = 0; choices[i] != NULL; i++)
    {
      StrataRevision *revision = self->graph != NULL
                                 ? strata_revision_graph_lookup (self->graph, choices[i])
                                 : NULL;
      g_autofree char *text = g_strdup_printf ("%s  %s", choices[i],
                                               revision != NULL
                                               ? strata_revision_get_message (revision) : "");

      gtk_string_list_append (list, text);
    }
  choice = gtk_drop_down_new (G_LIST_MODEL (list), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Revision to go back to"), -1);
  return choice;
}

/* The core found no one step back (the newest head is a merge), as
 * `strata-cli downgrade -1` finds none: no parent is picked behind the
 * user's back. The dialog says why, in the core's words, and lets the user
 * name the revision, as `strata-cli downgrade REVISION` does. */
static void
ask_which_branch (StrataWindow        *self,
                  StrataMigrationPlan *plan)
{
  const char * const *choices = strata_migration_plan_get_step_back_choices (plan);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Branches *branches;

  /* Translators: the first %s says why one step back is ambiguous; the
   * second is a revision id */
  body = g_strdup_printf (_("%s.\n\nChoose the revision to go back to. From the command line: "
                            "“strata-cli downgrade %s”."),
                          strata_migration_plan_get_step_back_problem (plan), choices[0]);
  dialog = _strata_window_new_dialog (self, _("Which Branch?"), body);
  adw_message_dialog_set_extra_child (dialog, make_branch_choice (self, choices));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "choose", _("C_ontinue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  branches = g_new0 (Branches, 1);
  branches->self = g_object_ref (self);
  branches->choices = g_strdupv ((GStrv)choices);
  g_signal_connect_data (dialog, "response", G_CALLBACK (branch_response_cb), branches,
                         (GClosureNotify)(void (*) (void))branches_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
downgrade_planned_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  /* A plan the core refuses (a revision without a downgrade, a target it
   * cannot resolve) is said before anything is asked, and nothing runs. */
  if (!(plan = strata_migration_plan_new_finish (result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _strata_window_show_error (self, _("Cannot Downgrade"), error);
      return;
    }
  if (strata_migration_plan_get_step_back_choices (plan) != NULL)
    ask_which_branch (self, plan);
  else if (strata_migration_plan_get_n_steps (plan) == 0)
    strata_window_toast (self, _("Nothing to downgrade"));
  else if (strata_migration_plan_get_drops_data (plan))
    ask_about_drops (self, plan);
  else
    ask_about_downgrade (self, plan);
}

void
_strata_window_migrate (StrataWindow    *self,
                        StrataDirection  direction,
                        const char      *target)
{
  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL || self->migration != NULL)
    return;
  if (direction != STRATA_DIRECTION_DOWNGRADE)
    {
      run (self, direction, target);
      return;
    }

  /* The core's plan says what the downgrade would drop before it runs, and
   * resolves a NULL target to one step back. It reads the revisions from
   * disk, as the run will, so that it describes what will run. */
  strata_migration_plan_new_async (self->project, NULL, direction, NULL, target,
                                   self->cancellable, downgrade_planned_cb, g_object_ref (self));
}

/* Preview */

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataSqlPreview) preview = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  sql = strata_migration_render_sql_finish (STRATA_MIGRATION (object), result, &error);
  if (sql != NULL && strata_migration_get_n_steps (STRATA_MIGRATION (object)) == 0)
    strata_sql_preview_set_sql (preview, NULL);
  else if (sql != NULL)
    {
      strata_sql_preview_set_steps (preview, strata_migration_get_steps (STRATA_MIGRATION (object)));
      strata_sql_preview_set_sql (preview, sql);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    strata_sql_preview_set_error (preview, error->message);
}

static void
render_preview (StrataWindow     *self,
                StrataSqlPreview *preview,
                StrataDirection   direction,
                const char       *target)
{
  g_autoptr(StrataMigration) migration = make_migration (self, direction, target);

  strata_migration_render_sql_async (migration, NULL, self->cancellable, preview_cb,
                                     g_object_ref (preview));
}

typedef struct
{
  StrataWindow     *self;
  StrataSqlPreview *preview;
} Preview;

static void
preview_planned_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree Preview *data = user_data;
  g_autoptr(StrataWindow) self = data->self;
  g_autoptr(StrataSqlPreview) preview = data->preview;
  g_autoptr(StrataMigrationPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  if (!(plan = strata_migration_plan_new_finish (result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        strata_sql_preview_set_error (preview, error->message);
      return;
    }
  if (strata_migration_plan_get_step_back_problem (plan) != NULL)
    strata_sql_preview_set_error (preview, strata_migration_plan_get_step_back_problem (plan));
  else if (strata_migration_plan_get_target (plan) == NULL)
    strata_sql_preview_set_sql (preview, NULL);
  else
    render_preview (self, preview, strata_migration_plan_get_direction (plan),
                    strata_migration_plan_get_target (plan));
}

/* A NULL @target previews one step, as the core's plan resolves it. */
void
_strata_window_preview (StrataWindow    *self,
                        StrataDirection  direction,
                        const char      *target)
{
  g_autofree char *title = NULL;
  StrataSqlPreview *preview;
  Preview *data;

  g_assert (STRATA_IS_WINDOW (self));

  if (self->project == NULL)
    return;
  title = direction == STRATA_DIRECTION_UPGRADE ? g_strdup (_("Upgrade to Head"))
                                                : g_strdup (_("Downgrade One Step"));
  preview = strata_sql_preview_new (GTK_WINDOW (self), title);
  gtk_window_present (GTK_WINDOW (preview));
  if (target != NULL)
    {
      render_preview (self, preview, direction, target);
      return;
    }
  data = g_new0 (Preview, 1);
  data->self = g_object_ref (self);
  data->preview = g_object_ref (preview);
  strata_migration_plan_new_async (self->project, NULL, direction, NULL, NULL,
                                   self->cancellable, preview_planned_cb, data);
}
