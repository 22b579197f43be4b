/* strata-revision-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "strata-revision-editor.h"
#include "strata-sql-check.h"
#include "strata-sql-view.h"

/* How long typing must pause before the SQL is checked. */
#define CHECK_DELAY_MS 500

struct _StrataRevisionEditor
{
  GtkWidget                  parent_instance;

  StrataRevisionGraph       *graph;
  /* The schema of the revision's ancestors, kept between checks; ours
   * alone, shared with the checks' workers (strata-schema-replay.h). */
  StrataSchemaReplay        *replay;
  StrataRevision            *revision;
  StrataRevision            *loaded;       /* the copy the fields were filled from */
  GCancellable              *check_cancellable;
  GCancellable              *lint_cancellable;
  GFile                     *database_file;
  GPtrArray                 *warnings;     /* StrataLintWarning of the last lint */
  GtkTextBuffer             *names_buffer; /* words for completion */
  GStrv                      known_names;
  GStrv                      scratch_names;
  char                      *names_text;   /* what names_buffer holds */
  guint                      check_source;
  int                        n_problems;
  int                        n_warnings;
  guint                      modified : 1;
  guint                      loading : 1;

  GtkStack                  *stack;
  GtkEntry                  *message_entry;
  GtkEntry                  *id_entry;
  GtkEntry                  *revises_entry;
  GtkEntry                  *labels_entry;
  GtkEntry                  *depends_entry;
  GtkLabel                  *path_label;
  GtkSourceView             *upgrade_view;
  GtkSourceView             *downgrade_view;
  GtkLabel                  *upgrade_problems;
  GtkLabel                  *downgrade_problems;
  GtkImage                  *status_icon;
  GtkLabel                  *status_label;
};

G_DEFINE_FINAL_TYPE (StrataRevisionEditor, strata_revision_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODIFIED,
  PROP_REVISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkSourceView *
view_for (StrataRevisionEditor *self,
          StrataDirection       direction)
{
  return direction == STRATA_DIRECTION_DOWNGRADE ? self->downgrade_view : self->upgrade_view;
}

GtkTextBuffer *
strata_revision_editor_get_buffer (StrataRevisionEditor *self,
                                   StrataDirection       direction)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), NULL);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view_for (self, direction)));
}

static char *
dup_buffer_text (StrataRevisionEditor *self,
                 StrataDirection       direction)
{
  GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, direction);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
set_modified (StrataRevisionEditor *self,
              gboolean              modified)
{
  if (self->modified == !!modified)
    return;
  self->modified = !!modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* "a, b ,c" -> { "a", "b", "c" }; empty parts are dropped. */
static GStrv
split_list (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ", ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static char *
join_list (const char * const *items)
{
  return g_strjoinv (", ", (GStrv)items);
}

/* Style and completion */

static void
update_style_scheme (StrataRevisionEditor *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (manager) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, id);

  for (guint i = 0; i < 2; i++)
    {
      GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, i ? STRATA_DIRECTION_DOWNGRADE
                                                                         : STRATA_DIRECTION_UPGRADE);
      gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (buffer), scheme);
    }
}

static void
update_names (StrataRevisionEditor *self)
{
  g_autoptr(GString) words = g_string_new (NULL);

  for (guint i = 0; self->known_names && self->known_names[i]; i++)
    g_string_append_printf (words, "%s\n", self->known_names[i]);
  for (guint i = 0; self->scratch_names && self->scratch_names[i]; i++)
    g_string_append_printf (words, "%s\n", self->scratch_names[i]);
  /* The same names again (the inspector's reload after every run): the
   * words provider would scan a thousand of them anew on the main loop. */
  if (g_strcmp0 (words->str, self->names_text) == 0)
    return;
  gtk_text_buffer_set_text (self->names_buffer, words->str, -1);
  g_free (self->names_text);
  self->names_text = g_string_free (g_steal_pointer (&words), FALSE);
}

static void
setup_completion (StrataRevisionEditor *self,
                  GtkSourceView        *view)
{
  GtkSourceCompletion *completion = gtk_source_view_get_completion (view);
  g_autoptr(GtkSourceCompletionWords) names = gtk_source_completion_words_new (_("Tables and Columns"));
  g_autoptr(GtkSourceCompletionWords) words = gtk_source_completion_words_new (_("This Revision"));

  /* Table and column names from the schema, and words of the text itself. */
  gtk_source_completion_words_register (names, self->names_buffer);
  gtk_source_completion_words_register (words, gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_object_set (names, "minimum-word-size", 2, NULL);
  g_object_set (words, "minimum-word-size", 3, NULL);
  gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (names));
  gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (words));
}

static void
setup_buffer (StrataRevisionEditor *self,
              GtkSourceView        *view)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (buffer),
                                  gtk_source_language_manager_get_language (languages, "sql"));
  /* The view draws under these ranges (a red wave for errors, the same for
   * a run's failure, an amber line for lint warnings); a failure also tints
   * its line. */
  gtk_text_buffer_create_tag (buffer, STRATA_SQL_VIEW_TAG_WARNING, NULL);
  gtk_text_buffer_create_tag (buffer, STRATA_SQL_VIEW_TAG_ERROR, NULL);
  gtk_text_buffer_create_tag (buffer, STRATA_SQL_VIEW_TAG_FAILURE,
                              "paragraph-background-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 0.12 },
                              NULL);
  setup_completion (self, view);
}

/* The syntax check */

static void
clear_problems (StrataRevisionEditor *self)
{
  for (guint i = 0; i < 2; i++)
    {
      StrataDirection direction = i ? STRATA_DIRECTION_DOWNGRADE : STRATA_DIRECTION_UPGRADE;
      GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, direction);
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_remove_tag_by_name (buffer, "error", &start, &end);
      g_object_set_data (G_OBJECT (buffer), "error", NULL);
    }
  gtk_label_set_text (self->upgrade_problems, "");
  gtk_label_set_text (self->downgrade_problems, "");
}

static void
set_status (StrataRevisionEditor *self,
            const char           *icon_name,
            const char           *text,
            gboolean              error)
{
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_label_set_text (self->status_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* Keeps the message of each underlined range so the tooltip can show it. */
static void
remember_problem (GtkTextBuffer *buffer,
                  const char    *tag,
                  int            start,
                  int            end,
                  const char    *message)
{
  GPtrArray *problems = g_object_get_data (G_OBJECT (buffer), tag);
  GtkTextIter begin_iter, end_iter;

  if (problems == NULL)
    {
      problems = g_ptr_array_new_with_free_func (g_free);
      g_object_set_data_full (G_OBJECT (buffer), tag, problems, (GDestroyNotify)g_ptr_array_unref);
    }
  g_ptr_array_add (problems, g_strdup_printf ("%d:%d:%s", start, end, message));
  gtk_text_buffer_get_iter_at_offset (buffer, &begin_iter, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end_iter, end);
  gtk_text_buffer_apply_tag_by_name (buffer, tag, &begin_iter, &end_iter);
}

/* A run's failure mark lasts until the text is edited or another revision opens. */
static void
clear_failures (StrataRevisionEditor *self)
{
  for (guint i = 0; i < 2; i++)
    {
      GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, i ? STRATA_DIRECTION_DOWNGRADE
                                                                         : STRATA_DIRECTION_UPGRADE);
      GtkTextIter start, end;

      if (g_object_get_data (G_OBJECT (buffer), "failure") == NULL)
        continue;
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_remove_tag_by_name (buffer, "failure", &start, &end);
      g_object_set_data (G_OBJECT (buffer), "failure", NULL);
    }
}

static void
show_problem (StrataRevisionEditor   *self,
              const char             *text,
              const StrataSqlProblem *problem)
{
  GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, problem->direction);
  GtkLabel *label = problem->direction == STRATA_DIRECTION_DOWNGRADE ? self->downgrade_problems
                                                                     : self->upgrade_problems;
  int start = g_utf8_pointer_to_offset (text, text + problem->offset);
  int end = g_utf8_pointer_to_offset (text, text + problem->offset + problem->length);
  g_autofree char *line = NULL;

  remember_problem (buffer, "error", start, end, problem->message);
  if (gtk_label_get_text (label)[0] == '\0')
    {
      /* The line of the file, as the gutter and a run's messages number it. */
      guint file_line = strata_sql_view_get_file_line (STRATA_SQL_VIEW (view_for (self, problem->direction)),
                                                       problem->line - 1);

      /* Translators: a syntax error in the SQL editor: line number, SQLite's message */
      line = g_strdup_printf (_("Line %u: %s"), file_line, problem->message);
      gtk_label_set_text (label, line);
    }
}

/* One line at the bottom says how the SQL fares: errors first, then warnings. */
static void
update_status (StrataRevisionEditor *self)
{
  g_autofree char *summary = NULL;

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), NULL);
  if (self->n_problems > 0)
    {
      summary = g_strdup_printf (ngettext ("%d statement does not prepare; hover over it for SQLite’s message",
                                           "%d statements do not prepare; hover over them for SQLite’s message",
                                           self->n_problems),
                                 self->n_problems);
      set_status (self, "dialog-warning-symbolic", summary, TRUE);
    }
  else if (self->n_problems < 0)
    set_status (self, "content-loading-symbolic", _("Checking the SQL…"), FALSE);
  else if (self->n_warnings > 0)
    {
      const StrataLintWarning *first = g_ptr_array_index (self->warnings, 0);
      g_autoptr(GString) all = g_string_new (NULL);

      /* Translators: the editor's status line: how many lint warnings, then the first one */
      summary = g_strdup_printf (ngettext ("%d warning: %s", "%d warnings: %s", self->n_warnings),
                                 self->n_warnings, first->message);
      set_status (self, "dialog-warning-symbolic", summary, FALSE);
      for (guint i = 0; i < self->warnings->len; i++)
        {
          const StrataLintWarning *warning = g_ptr_array_index (self->warnings, i);
          /* Translators: one lint warning in a tooltip: line in the file, message */
          g_string_append_printf (all, i ? _("\nLine %u: %s") : _("Line %u: %s"), warning->line,
                                  warning->message);
        }
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), all->str);
    }
  else
    set_status (self, "emblem-ok-symbolic", _("Every statement prepares against the schema"), FALSE);
}

/* Lint warnings */

typedef struct
{
  StrataRevisionEditor *self;
  char                 *upgrade;     /* the text linted */
  char                 *downgrade;
  guint                 upgrade_line; /* the file line each section starts on */
  guint                 downgrade_line;
} Lint;

static void
lint_free (Lint *lint)
{
  g_clear_object (&lint->self);
  g_free (lint->upgrade);
  g_free (lint->downgrade);
  g_free (lint);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lint, lint_free)

static void
clear_warnings (StrataRevisionEditor *self)
{
  for (guint i = 0; i < 2; i++)
    {
      GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, i ? STRATA_DIRECTION_DOWNGRADE
                                                                         : STRATA_DIRECTION_UPGRADE);
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_remove_tag_by_name (buffer, "warning", &start, &end);
      g_object_set_data (G_OBJECT (buffer), "warning", NULL);
    }
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  self->n_warnings = -1;
}

static void
remember_problem (GtkTextBuffer *buffer,
                  const char    *tag,
                  int            start,
                  int            end,
                  const char    *message);

static void
show_warning (StrataRevisionEditor    *self,
              Lint                    *lint,
              const StrataLintWarning *warning)
{
  gboolean downgrade = warning->direction == STRATA_DIRECTION_DOWNGRADE;
  GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, warning->direction);
  guint first = downgrade ? lint->downgrade_line : lint->upgrade_line;
  GtkTextIter start, end;

  if (first == 0 || warning->line < first ||
      warning->line - first >= (guint)gtk_text_buffer_get_line_count (buffer))
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &start, warning->line - first);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  remember_problem (buffer, "warning", gtk_text_iter_get_offset (&start),
                    gtk_text_iter_get_offset (&end), warning->message);
}

static void
lint_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Lint) lint = user_data;
  StrataRevisionEditor *self = lint->self;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *upgrade = NULL;
  g_autofree char *downgrade = NULL;

  warnings = strata_lint_revision_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The text changed while the worker ran: a newer lint is on its way. */
  upgrade = dup_buffer_text (self, STRATA_DIRECTION_UPGRADE);
  downgrade = dup_buffer_text (self, STRATA_DIRECTION_DOWNGRADE);
  if (g_strcmp0 (upgrade, lint->upgrade) != 0 || g_strcmp0 (downgrade, lint->downgrade) != 0)
    return;

  clear_warnings (self);
  if (warnings == NULL)
    {
      g_debug ("No lint for this revision: %s", error->message);
      self->n_warnings = 0;
      update_status (self);
      return;
    }
  for (guint i = 0; i < warnings->len; i++)
    show_warning (self, lint, g_ptr_array_index (warnings, i));
  self->n_warnings = warnings->len;
  self->warnings = g_steal_pointer (&warnings);
  update_status (self);
}

static void
start_lint (StrataRevisionEditor *self)
{
  g_autoptr(StrataRevision) edited = NULL;
  g_autoptr(StrataRevision) reread = NULL;
  g_autofree char *data = NULL;
  GFile *database = NULL;
  Lint *lint;

  if (self->graph == NULL || self->loaded == NULL)
    return;

  g_cancellable_cancel (self->lint_cancellable);
  g_clear_object (&self->lint_cancellable);
  self->lint_cancellable = g_cancellable_new ();

  /* Warnings name lines of the file as it would be saved: read the edits
   * back as a file to know where each section starts. */
  edited = strata_revision_editor_dup_edited (self);
  data = strata_revision_to_data (edited);
  reread = strata_revision_new_from_data (strata_revision_get_display_path (edited), data, -1, NULL);
  if (reread == NULL)
    return;
  lint = g_new0 (Lint, 1);
  lint->self = g_object_ref (self);
  lint->upgrade = dup_buffer_text (self, STRATA_DIRECTION_UPGRADE);
  lint->downgrade = dup_buffer_text (self, STRATA_DIRECTION_DOWNGRADE);
  lint->upgrade_line = strata_revision_get_sql_line (reread, STRATA_DIRECTION_UPGRADE);
  lint->downgrade_line = strata_revision_get_sql_line (reread, STRATA_DIRECTION_DOWNGRADE);
  if (self->database_file != NULL && g_file_query_exists (self->database_file, NULL))
    database = self->database_file;
  strata_lint_revision_async (reread, self->graph, database, self->lint_cancellable, lint_cb, lint);
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataRevisionEditor) self = user_data;
  g_autoptr(StrataSqlCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *upgrade = NULL;
  g_autofree char *downgrade = NULL;
  const char *checked_upgrade = g_object_get_data (G_OBJECT (self), "checked-upgrade");
  const char *checked_downgrade = g_object_get_data (G_OBJECT (self), "checked-downgrade");

  if (!(check = strata_sql_check_finish (result, &error)))
    return;

  /* The text changed while the worker ran: a newer check is on its way. */
  upgrade = dup_buffer_text (self, STRATA_DIRECTION_UPGRADE);
  downgrade = dup_buffer_text (self, STRATA_DIRECTION_DOWNGRADE);
  if (g_strcmp0 (upgrade, checked_upgrade) != 0 || g_strcmp0 (downgrade, checked_downgrade) != 0)
    return;

  clear_problems (self);
  for (guint i = 0; i < check->problems->len; i++)
    {
      StrataSqlProblem *problem = g_ptr_array_index (check->problems, i);
      show_problem (self, problem->direction == STRATA_DIRECTION_DOWNGRADE ? downgrade : upgrade,
                    problem);
    }
  self->n_problems = check->problems->len;
  g_strfreev (self->scratch_names);
  self->scratch_names = g_steal_pointer (&check->names);
  update_names (self);

  update_status (self);
}

static void
start_check (StrataRevisionEditor *self)
{
  g_auto(GStrv) parents = NULL;
  char *upgrade, *downgrade;

  if (self->graph == NULL || self->revision == NULL)
    return;

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  self->check_cancellable = g_cancellable_new ();

  parents = split_list (gtk_editable_get_text (GTK_EDITABLE (self->revises_entry)));
  upgrade = dup_buffer_text (self, STRATA_DIRECTION_UPGRADE);
  downgrade = dup_buffer_text (self, STRATA_DIRECTION_DOWNGRADE);
  strata_sql_check_async (self->replay, (const char * const *)parents, upgrade, downgrade,
                          self->check_cancellable, check_cb, g_object_ref (self));

  /* An older check is cancelled, so the one that answers checked this text. */
  g_object_set_data_full (G_OBJECT (self), "checked-upgrade", upgrade, g_free);
  g_object_set_data_full (G_OBJECT (self), "checked-downgrade", downgrade, g_free);
}

static gboolean
check_timeout_cb (gpointer data)
{
  StrataRevisionEditor *self = data;

  self->check_source = 0;
  start_check (self);
  start_lint (self);
  return G_SOURCE_REMOVE;
}

static void
queue_check (StrataRevisionEditor *self)
{
  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (CHECK_DELAY_MS, check_timeout_cb, self);
}

/* Changes */

static gboolean
fields_differ (StrataRevisionEditor *self)
{
  g_autoptr(StrataRevision) edited = NULL;
  g_autofree char *edited_data = NULL;
  g_autofree char *loaded_data = NULL;

  if (self->loaded == NULL)
    return FALSE;
  edited = strata_revision_editor_dup_edited (self);
  edited_data = strata_revision_to_data (edited);
  loaded_data = strata_revision_to_data (self->loaded);
  return g_strcmp0 (edited_data, loaded_data) != 0;
}

/* Each section is numbered from the line it starts on in the file as it
 * would be saved: read the edits back as a file to know where that is. */
static void
update_first_lines (StrataRevisionEditor *self)
{
  g_autoptr(StrataRevision) edited = NULL;
  g_autoptr(StrataRevision) reread = NULL;
  g_autofree char *data = NULL;

  if (self->loaded == NULL)
    return;
  edited = strata_revision_editor_dup_edited (self);
  data = strata_revision_to_data (edited);
  reread = strata_revision_new_from_data (strata_revision_get_display_path (edited), data, -1, NULL);
  if (reread == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      StrataDirection direction = i ? STRATA_DIRECTION_DOWNGRADE : STRATA_DIRECTION_UPGRADE;
      guint first = strata_revision_get_sql_line (reread, direction);

      if (first > 0)
        strata_sql_view_set_first_line (STRATA_SQL_VIEW (view_for (self, direction)), first);
    }
}

static void
changed (StrataRevisionEditor *self)
{
  if (self->loading || self->loaded == NULL)
    return;
  update_first_lines (self);
  clear_failures (self);
  set_modified (self, fields_differ (self));
  queue_check (self);
}

static void
entry_changed_cb (StrataRevisionEditor *self)
{
  changed (self);
}

/* Problems are kept as "start:end:message", character offsets in the buffer. */
static const char *
find_message (GtkTextBuffer *buffer,
              const char    *kind,
              int            offset)
{
  GPtrArray *problems = g_object_get_data (G_OBJECT (buffer), kind);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const char *entry = g_ptr_array_index (problems, i);
      char *end = NULL;
      gint64 start = g_ascii_strtoll (entry, &end, 10);
      gint64 stop = g_ascii_strtoll (end + 1, &end, 10);

      if (offset >= start && offset <= stop)
        return end + 1;
    }
  return NULL;
}

static gboolean
query_tooltip_cb (StrataRevisionEditor *self,
                  int                   x,
                  int                   y,
                  gboolean              keyboard,
                  GtkTooltip           *tooltip,
                  GtkWidget            *widget)
{
  GtkTextView *view = GTK_TEXT_VIEW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  const char *message;
  GtkTextIter iter;
  int bx, by, offset;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;
  offset = gtk_text_iter_get_offset (&iter);
  if ((message = find_message (buffer, "failure", offset)) == NULL &&
      (message = find_message (buffer, "error", offset)) == NULL &&
      (message = find_message (buffer, "warning", offset)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, message);
  return TRUE;
}

/* GObject */

static void
strata_revision_editor_dispose (GObject *object)
{
  StrataRevisionEditor *self = (StrataRevisionEditor *)object;

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_cancellable_cancel (self->lint_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_REVISION_EDITOR);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->lint_cancellable);
  g_clear_object (&self->database_file);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_object (&self->replay);
  g_clear_object (&self->graph);
  g_clear_object (&self->revision);
  g_clear_object (&self->loaded);
  g_clear_object (&self->names_buffer);

  G_OBJECT_CLASS (strata_revision_editor_parent_class)->dispose (object);
}

static void
strata_revision_editor_finalize (GObject *object)
{
  StrataRevisionEditor *self = (StrataRevisionEditor *)object;

  g_strfreev (self->known_names);
  g_strfreev (self->scratch_names);
  g_free (self->names_text);

  G_OBJECT_CLASS (strata_revision_editor_parent_class)->finalize (object);
}

static void
strata_revision_editor_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  StrataRevisionEditor *self = STRATA_REVISION_EDITOR (object);

  switch (prop_id)
    {
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    case PROP_REVISION:
      g_value_set_object (value, self->revision);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_revision_editor_class_init (StrataRevisionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_revision_editor_dispose;
  object_class->finalize = strata_revision_editor_finalize;
  object_class->get_property = strata_revision_editor_get_property;

  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVISION] =
    g_param_spec_object ("revision", NULL, NULL, STRATA_TYPE_REVISION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/strata-revision-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, message_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, id_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, revises_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, labels_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, depends_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, path_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, upgrade_view);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, downgrade_view);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, upgrade_problems);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, downgrade_problems);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, status_icon);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionEditor, status_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (STRATA_TYPE_SQL_VIEW);
}

static void
strata_revision_editor_init (StrataRevisionEditor *self)
{
  self->n_problems = -1;
  self->n_warnings = -1;
  self->names_buffer = gtk_text_buffer_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  setup_buffer (self, self->upgrade_view);
  setup_buffer (self, self->downgrade_view);
  g_signal_connect_object (strata_revision_editor_get_buffer (self, STRATA_DIRECTION_UPGRADE),
                           "changed", G_CALLBACK (changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (strata_revision_editor_get_buffer (self, STRATA_DIRECTION_DOWNGRADE),
                           "changed", G_CALLBACK (changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
strata_revision_editor_new (void)
{
  return g_object_new (STRATA_TYPE_REVISION_EDITOR, NULL);
}

/* Loading and saving */

static void
set_buffer_text (StrataRevisionEditor *self,
                 StrataDirection       direction,
                 const char           *text)
{
  GtkTextBuffer *buffer = strata_revision_editor_get_buffer (self, direction);
  GtkTextIter start;

  /* Loading is not an edit: it cannot be undone. */
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

static void
set_entry_list (GtkEntry           *entry,
                const char * const *items)
{
  g_autofree char *text = join_list (items);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
load_fields (StrataRevisionEditor *self)
{
  StrataRevision *loaded = self->loaded;
  const char *path = strata_revision_get_display_path (loaded);

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), strata_revision_get_message (loaded));
  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), strata_revision_get_id (loaded));
  set_entry_list (self->revises_entry, strata_revision_get_down_revisions (loaded));
  set_entry_list (self->labels_entry, strata_revision_get_branch_labels (loaded));
  set_entry_list (self->depends_entry, strata_revision_get_depends_on (loaded));
  set_buffer_text (self, STRATA_DIRECTION_UPGRADE,
                   strata_revision_get_sql (loaded, STRATA_DIRECTION_UPGRADE));
  set_buffer_text (self, STRATA_DIRECTION_DOWNGRADE,
                   strata_revision_get_sql (loaded, STRATA_DIRECTION_DOWNGRADE));
  gtk_label_set_text (self->path_label, path != NULL ? path : "");
  self->loading = FALSE;
  update_first_lines (self);
}

static StrataRevision *
copy_revision (StrataRevision *revision)
{
  g_autofree char *data = strata_revision_to_data (revision);
  g_autoptr(GError) error = NULL;
  StrataRevision *copy;

  copy = strata_revision_new_from_data (strata_revision_get_display_path (revision), data, -1,
                                        &error);
  if (copy == NULL)
    {
      g_warning ("Could not copy revision %s: %s", strata_revision_get_id (revision),
                 error->message);
      return g_object_ref (revision);
    }
  strata_revision_set_file (copy, strata_revision_get_file (revision));
  return copy;
}

static gboolean
same_content (StrataRevisionEditor *self,
              StrataRevision       *revision)
{
  g_autofree char *loaded = strata_revision_to_data (self->loaded);
  g_autofree char *other = strata_revision_to_data (revision);

  return g_strcmp0 (loaded, other) == 0 &&
         g_strcmp0 (strata_revision_get_id (revision), strata_revision_get_id (self->loaded)) == 0;
}

void
strata_revision_editor_set_revision (StrataRevisionEditor *self,
                                     StrataRevisionGraph  *graph,
                                     StrataRevision       *revision)
{
  gboolean editable;

  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));
  g_return_if_fail (!graph || STRATA_IS_REVISION_GRAPH (graph));
  g_return_if_fail (!revision || STRATA_IS_REVISION (revision));

  if (g_set_object (&self->graph, graph))
    {
      g_clear_object (&self->replay);
      self->replay = graph != NULL ? strata_schema_replay_new (graph) : NULL;
    }
  if (revision != NULL && self->loaded != NULL && !self->modified && same_content (self, revision))
    {
      /* Reloaded from disk unchanged (our own save, say): keep cursor and undo. */
      g_set_object (&self->revision, revision);
      return;
    }
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_cancellable_cancel (self->lint_cancellable);
  g_set_object (&self->revision, revision);

  g_clear_object (&self->loaded);
  clear_problems (self);
  clear_failures (self);
  clear_warnings (self);
  self->n_problems = -1;
  update_status (self);
  if (revision != NULL)
    {
      self->loaded = copy_revision (revision);
      load_fields (self);
      queue_check (self);
    }

  /* A revision known only from the database's history has no file to save to. */
  editable = revision != NULL && strata_revision_get_file (revision) != NULL;
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->upgrade_view), editable);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->downgrade_view), editable);
  gtk_stack_set_visible_child_name (self->stack, revision != NULL ? "editor" : "empty");
  set_modified (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

StrataRevision *
strata_revision_editor_get_revision (StrataRevisionEditor *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), NULL);
  return self->revision;
}

gboolean
strata_revision_editor_get_modified (StrataRevisionEditor *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), FALSE);
  return self->modified;
}

int
strata_revision_editor_get_n_problems (StrataRevisionEditor *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), -1);
  return self->n_problems;
}

StrataRevision *
strata_revision_editor_dup_edited (StrataRevisionEditor *self)
{
  g_auto(GStrv) revises = NULL;
  g_auto(GStrv) labels = NULL;
  g_auto(GStrv) depends = NULL;
  g_autofree char *upgrade = NULL;
  g_autofree char *downgrade = NULL;
  StrataRevision *edited;

  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), NULL);
  g_return_val_if_fail (self->loaded != NULL, NULL);

  /* Starting from a copy keeps what the editor has no field for (unknown
   * header lines, transaction flags, the create date). */
  edited = copy_revision (self->loaded);
  revises = split_list (gtk_editable_get_text (GTK_EDITABLE (self->revises_entry)));
  labels = split_list (gtk_editable_get_text (GTK_EDITABLE (self->labels_entry)));
  depends = split_list (gtk_editable_get_text (GTK_EDITABLE (self->depends_entry)));
  upgrade = dup_buffer_text (self, STRATA_DIRECTION_UPGRADE);
  downgrade = dup_buffer_text (self, STRATA_DIRECTION_DOWNGRADE);

  strata_revision_set_message (edited, gtk_editable_get_text (GTK_EDITABLE (self->message_entry)));
  strata_revision_set_id (edited, gtk_editable_get_text (GTK_EDITABLE (self->id_entry)));
  strata_revision_set_down_revisions (edited, (const char * const *)revises);
  strata_revision_set_branch_labels (edited, (const char * const *)labels);
  strata_revision_set_depends_on (edited, (const char * const *)depends);
  strata_revision_set_sql (edited, STRATA_DIRECTION_UPGRADE, upgrade);
  strata_revision_set_sql (edited, STRATA_DIRECTION_DOWNGRADE, downgrade);
  return edited;
}

void
strata_revision_editor_set_message (StrataRevisionEditor *self,
                                    const char           *message)
{
  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), message);
}

void
strata_revision_editor_save_async (StrataRevisionEditor *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(StrataRevision) edited = NULL;

  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));

  if (self->loaded == NULL || strata_revision_get_file (self->loaded) == NULL)
    {
      g_task_report_new_error (self, callback, user_data, strata_revision_editor_save_async,
                               STRATA_ERROR, STRATA_ERROR_IO,
                               _("This revision has no file to save to"));
      return;
    }
  /* The core writes on its worker; the result is the core's, its source
   * object the copy being written. */
  edited = strata_revision_editor_dup_edited (self);
  strata_revision_save_async (edited, strata_revision_get_file (edited), cancellable, callback,
                              user_data);
}

gboolean
strata_revision_editor_save_finish (StrataRevisionEditor  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_autoptr(GObject) edited = NULL;

  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  if (g_async_result_is_tagged (result, strata_revision_editor_save_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  edited = g_async_result_get_source_object (result);
  if (!strata_revision_save_finish (STRATA_REVISION (edited), result, error))
    return FALSE;

  /* What was written is the new unmodified state, unless typing went on. */
  g_set_object (&self->loaded, STRATA_REVISION (edited));
  set_modified (self, fields_differ (self));
  start_lint (self);
  return TRUE;
}

/* Failures from a run */

void
strata_revision_editor_mark_failure (StrataRevisionEditor *self,
                                     guint                 file_line,
                                     const char           *message)
{
  StrataDirection direction = STRATA_DIRECTION_UPGRADE;
  g_autofree char *status = NULL;
  guint downgrade_line, first_line;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  GtkSourceView *view;

  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));

  if (self->loaded == NULL || file_line == 0)
    return;

  downgrade_line = strata_revision_get_sql_line (self->loaded, STRATA_DIRECTION_DOWNGRADE);
  if (downgrade_line > 0 && file_line >= downgrade_line &&
      downgrade_line > strata_revision_get_sql_line (self->loaded, STRATA_DIRECTION_UPGRADE))
    direction = STRATA_DIRECTION_DOWNGRADE;
  first_line = strata_revision_get_sql_line (self->loaded, direction);
  if (file_line < first_line)
    return;

  view = view_for (self, direction);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_iter_at_line (buffer, &start, file_line - first_line);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  remember_problem (buffer, "failure", gtk_text_iter_get_offset (&start),
                    gtk_text_iter_get_offset (&end), message);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (view), &start, 0.2, FALSE, 0, 0);
  gtk_widget_grab_focus (GTK_WIDGET (view));
  /* The failure dialog gives the message; the status line only points at
   * the line, where the tooltip has it too. */
  status = g_strdup_printf (_("Line %u failed in the last run; hover over it for the message"),
                            file_line);
  set_status (self, "dialog-error-symbolic", status, TRUE);
}

void
strata_revision_editor_set_known_names (StrataRevisionEditor *self,
                                        const char * const   *names)
{
  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));

  g_strfreev (self->known_names);
  self->known_names = g_strdupv ((GStrv)names);
  update_names (self);
}

GStrv
strata_revision_editor_dup_completion_names (StrataRevisionEditor *self)
{
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), NULL);

  /* What the "Tables and Columns" provider indexes: one name a line. */
  gtk_text_buffer_get_bounds (self->names_buffer, &start, &end);
  text = gtk_text_buffer_get_text (self->names_buffer, &start, &end, FALSE);
  g_strchomp (text);
  return text[0] != '\0' ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
}

void
strata_revision_editor_set_database_file (StrataRevisionEditor *self,
                                          GFile                *database_file)
{
  g_return_if_fail (STRATA_IS_REVISION_EDITOR (self));
  g_return_if_fail (!database_file || G_IS_FILE (database_file));

  g_set_object (&self->database_file, database_file);
}

int
strata_revision_editor_get_n_warnings (StrataRevisionEditor *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), -1);
  return self->n_warnings;
}

const char *
strata_revision_editor_get_status (StrataRevisionEditor *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_EDITOR (self), NULL);
  return gtk_label_get_text (self->status_label);
}
