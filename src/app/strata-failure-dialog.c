/* strata-failure-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "strata-failure-dialog.h"

static const char *
heading_for (StrataDirection direction)
{
  switch (direction)
    {
    case STRATA_DIRECTION_UPGRADE:   return _("Upgrade Failed");
    case STRATA_DIRECTION_DOWNGRADE: return _("Downgrade Failed");
    default:                         return _("Stamp Failed");
    }
}

/* SQLite's words from "path:line: message; what became of it": the core's
 * message leads with the place and ends with the diagnosis. A translation
 * may put a space before the colon and the semicolon, as French does, a
 * plain or a no-break one ("path:line : message ; …"). */
static char *
sqlite_words (const char *message)
{
  g_autoptr(GRegex) parts = g_regex_new ("^(?:[^\\n]*?:[0-9]+[\\s\\x{A0}\\x{202F}]?:\\s)?"
                                         "(.*?)"
                                         "(?:[\\s\\x{A0}\\x{202F}]?;\\s.*)?$",
                                         G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (parts, message, 0, &match))
    return g_strdup (message);
  return g_match_info_fetch (match, 1);
}

/* An Alembic project opened as it is: runs wait for its conversion. */
static gboolean
is_alembic (StrataMigration *migration)
{
  return strata_project_get_alembic (strata_migration_get_project (migration)) != NULL;
}

static char *
describe_what_happened (StrataMigration *migration,
                        const GError    *error)
{
  StrataRevision *failed = strata_migration_get_failed_revision (migration);
  g_autofree char *words = sqlite_words (error->message);

  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_BUSY))
    return g_strdup (_("Another program is writing to the database."));
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY))
    return g_strdup (_("The database cannot be written: the file or its folder is read-only."));
  if (failed != NULL && strata_migration_get_failed_line (migration) > 0)
    /* Translators: a revision's message, the line of its file, SQLite's message */
    return g_strdup_printf (_("“%s” stopped at line %u: %s."), strata_revision_get_message (failed),
                            strata_migration_get_failed_line (migration), words);
  return g_strdup_printf ("%s.", words);
}

static gboolean
failed_outside_transaction (StrataMigration *migration)
{
  StrataRevision *failed = strata_migration_get_failed_revision (migration);

  return failed != NULL &&
         !strata_revision_get_transactional (failed, strata_migration_get_direction (migration));
}

static char *
describe_database (StrataMigration *migration)
{
  guint before = strata_migration_get_step (migration);

  before = before > 0 ? before - 1 : 0;
  if (failed_outside_transaction (migration))
    return g_strdup (_("This revision runs outside a transaction: the statements before the "
                       "failing one stay applied."));
  if (before == 0 || strata_migration_get_failed_revision (migration) == NULL)
    return g_strdup (_("The database was not changed."));
  return g_strdup_printf (ngettext ("The revision before it was applied; this one changed nothing.",
                                    "The %u revisions before it were applied; this one changed nothing.",
                                    before), before);
}

/* The core's advice: what follows the diagnosis in "place: words; advice". */
static char *
core_advice (const char *message)
{
  const char *colon = strstr (message, ": ");
  const char *start = colon != NULL && g_ascii_isdigit (colon[-1]) ? colon + 2 : message;
  const char *advice = strstr (start, "; ");
  g_autofree char *first = NULL;

  if (advice == NULL || advice[2] == '\0')
    return NULL;
  advice += 2;
  first = g_utf8_strup (advice, g_utf8_next_char (advice) - advice);
  return g_strdup_printf ("%s%s%s", first, g_utf8_next_char (advice),
                          g_str_has_suffix (advice, ".") ? "" : ".");
}

static char *
describe_what_to_do (StrataMigration *migration,
                     const GError    *error)
{
  char *advice;

  if (is_alembic (migration))
    return g_strdup (_("Convert it to SQL revisions: they run, and the database stays where "
                       "Alembic left it."));
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_BUSY))
    return g_strdup (_("Close the other program or wait for it to finish, then try again."));
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY))
    return g_strdup (_("Make the file writable, or open a copy of it."));
  if (failed_outside_transaction (migration))
    return g_strdup (_("Finish or undo those statements by hand, then run again; Details say which."));
  if (strata_migration_get_failed_revision (migration) != NULL)
    return g_strdup (_("Fix the statement marked in the editor, save, and run again."));
  /* Nothing ran: the core's message says what to do. */
  if ((advice = core_advice (error->message)))
    return advice;
  return g_strdup (_("Details below say more."));
}

static GtkWidget *
details_label (const char *text,
               gboolean    code)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (code)
    {
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "failed-statement");
    }
  return label;
}

static GtkWidget *
make_details (StrataMigration *migration,
              const GError    *error)
{
  const char *statement = strata_migration_get_failed_statement (migration);
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Details"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_set_margin_top (box, 6);
  gtk_box_append (GTK_BOX (box), details_label (error->message, FALSE));
  if (statement != NULL)
    gtk_box_append (GTK_BOX (box), details_label (statement, TRUE));
  gtk_expander_set_child (GTK_EXPANDER (expander), box);
  return expander;
}

AdwMessageDialog *
strata_failure_dialog_new (GtkWindow       *parent,
                           StrataMigration *migration,
                           const GError    *error)
{
  g_autofree char *happened = NULL;
  g_autofree char *database = NULL;
  g_autofree char *body = NULL;
  g_autofree char *to_do = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (STRATA_IS_MIGRATION (migration), NULL);
  g_return_val_if_fail (error != NULL, NULL);

  happened = describe_what_happened (migration, error);
  database = describe_database (migration);
  to_do = describe_what_to_do (migration, error);
  body = g_strdup_printf ("%s\n\n%s\n\n%s", happened, database, to_do);
  dialog = adw_message_dialog_new (parent, heading_for (strata_migration_get_direction (migration)),
                                   body);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), make_details (migration, error));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (is_alembic (migration))
    {
      /* The window's win.convert-alembic answers it. */
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "convert", _("Con_vert…"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "convert",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "convert");
    }
  else if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_BUSY))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "retry", _("_Retry"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "retry",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "retry");
    }
  return ADW_MESSAGE_DIALOG (dialog);
}
