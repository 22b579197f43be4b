/* strata-cli-output.c: revisions printed as Alembic prints them, or as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "strata-cli-private.h"

struct _StrataCliPrinter
{
  StrataRevisionGraph *graph;
  JsonBuilder         *builder;
  /* id → GPtrArray of the revisions whose Revises names it (Alembic's nextrev) */
  GHashTable          *children;
  /* ids that some revision's Depends On resolves to */
  GHashTable          *depended_on;
  GHashTable          *current;
  /* Text lines not printed yet: g_print() flushes stdout on every call, which
   * for a history of a thousand revisions was a thousand write() calls. */
  GString             *text;
};

static void
flush_text (StrataCliPrinter *self)
{
  if (self->text->len == 0)
    return;

  g_print ("%s", self->text->str);
  g_string_truncate (self->text, 0);
}

static void
add_text_line (StrataCliPrinter *self,
               const char       *line)
{
  g_string_append (self->text, line);
  g_string_append_c (self->text, '\n');
}

static void
add_child (StrataCliPrinter *self,
           const char       *parent_id,
           StrataRevision   *child)
{
  GPtrArray *children = g_hash_table_lookup (self->children, parent_id);

  g_assert (self != NULL);

  if (children == NULL)
    {
      children = g_ptr_array_new ();
      g_hash_table_insert (self->children, (char *)parent_id, children);
    }

  g_ptr_array_add (children, child);
}

static void
add_dependencies (StrataCliPrinter *self,
                  StrataRevision   *revision)
{
  const char * const *depends_on = strata_revision_get_depends_on (revision);

  g_assert (self != NULL);

  for (guint i = 0; depends_on[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) targets = NULL;

      /* Depends On may name a label; the graph already validated it. */
      targets = strata_revision_graph_resolve (self->graph, depends_on[i], NULL);
      for (guint j = 0; targets != NULL && j < targets->len; j++)
        g_hash_table_add (self->depended_on,
                          (char *)strata_revision_get_id (g_ptr_array_index (targets, j)));
    }
}

/* One pass over the graph, so that printing every revision of a large project
 * stays linear. Children, in the graph's order, are indexed only when a
 * command lists them; heads and history only count them. */
static void
index_dependencies (StrataCliPrinter *self)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);

  for (guint i = 0; i < revisions->len; i++)
    add_dependencies (self, g_ptr_array_index (revisions, i));
}

static void
index_children (StrataCliPrinter *self)
{
  GPtrArray *revisions = strata_revision_graph_get_revisions (self->graph);

  self->children = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < revisions->len; i++)
    {
      StrataRevision *revision = g_ptr_array_index (revisions, i);
      const char * const *down = strata_revision_get_down_revisions (revision);

      for (guint j = 0; down[j] != NULL; j++)
        add_child (self, down[j], revision);
    }
}

StrataCliPrinter *
strata_cli_printer_new (StrataRevisionGraph *graph,
                        gboolean             json)
{
  StrataCliPrinter *self;

  g_return_val_if_fail (STRATA_IS_REVISION_GRAPH (graph), NULL);

  self = g_new0 (StrataCliPrinter, 1);
  self->graph = g_object_ref (graph);
  self->depended_on = g_hash_table_new (g_str_hash, g_str_equal);
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->text = g_string_new (NULL);
  index_dependencies (self);

  if (json)
    {
      self->builder = json_builder_new ();
      json_builder_begin_object (self->builder);
      json_builder_set_member_name (self->builder, "version");
      json_builder_add_int_value (self->builder, STRATA_CLI_JSON_VERSION);
    }

  return self;
}

void
strata_cli_printer_free (StrataCliPrinter *self)
{
  g_return_if_fail (self != NULL);

  flush_text (self);
  g_string_free (self->text, TRUE);
  g_clear_pointer (&self->children, g_hash_table_unref);
  g_clear_pointer (&self->depended_on, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);
  g_clear_object (&self->builder);
  g_clear_object (&self->graph);
  g_free (self);
}

void
strata_cli_printer_set_current (StrataCliPrinter   *self,
                                const char * const *heads)
{
  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->current);
  for (guint i = 0; heads != NULL && heads[i] != NULL; i++)
    g_hash_table_add (self->current, g_strdup (heads[i]));
}

gboolean
strata_cli_printer_is_json (StrataCliPrinter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->builder != NULL;
}

JsonBuilder *
strata_cli_printer_get_builder (StrataCliPrinter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->builder;
}

void
strata_cli_printer_set_member (StrataCliPrinter *self,
                               const char       *name,
                               const char       *value)
{
  g_return_if_fail (self != NULL);

  if (self->builder == NULL)
    return;

  json_builder_set_member_name (self->builder, name);
  if (value != NULL)
    json_builder_add_string_value (self->builder, value);
  else
    json_builder_add_null_value (self->builder);
}

void
strata_cli_printer_begin_list (StrataCliPrinter *self,
                               const char       *name)
{
  g_return_if_fail (self != NULL);

  if (self->builder == NULL)
    return;

  json_builder_set_member_name (self->builder, name);
  json_builder_begin_array (self->builder);
}

void
strata_cli_printer_end_list (StrataCliPrinter *self)
{
  g_return_if_fail (self != NULL);

  flush_text (self);
  if (self->builder != NULL)
    json_builder_end_array (self->builder);
}

void
strata_cli_printer_add_string (StrataCliPrinter *self,
                               const char       *value)
{
  g_return_if_fail (self != NULL);

  if (self->builder != NULL)
    json_builder_add_string_value (self->builder, value);
  else
    add_text_line (self, value);
}

GPtrArray *
strata_cli_printer_get_children (StrataCliPrinter *self,
                                 StrataRevision   *revision)
{
  GPtrArray *children;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->children == NULL)
    index_children (self);
  children = g_hash_table_lookup (self->children, strata_revision_get_id (revision));
  if (children == NULL)
    return g_ptr_array_new ();

  return g_ptr_array_ref (children);
}

static guint
count_children (StrataCliPrinter *self,
                StrataRevision   *revision)
{
  return strata_revision_graph_get_n_children (self->graph, revision);
}

static gboolean
is_head (StrataCliPrinter *self,
         StrataRevision   *revision)
{
  return count_children (self, revision) == 0;
}

/* Alembic's _is_real_head: not even a dependency of another revision. */
static gboolean
is_real_head (StrataCliPrinter *self,
              StrataRevision   *revision)
{
  return is_head (self, revision) &&
         !g_hash_table_contains (self->depended_on, strata_revision_get_id (revision));
}

static gboolean
is_branch_point (StrataCliPrinter *self,
                 StrataRevision   *revision)
{
  return count_children (self, revision) > 1;
}

static gboolean
is_current (StrataCliPrinter *self,
            StrataRevision   *revision)
{
  return g_hash_table_contains (self->current, strata_revision_get_id (revision));
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *)a, *(char * const *)b);
}

static char *
format_down_revisions (StrataRevision *revision)
{
  const char * const *down = strata_revision_get_down_revisions (revision);

  if (down[0] == NULL)
    return g_strdup ("<base>");

  return g_strjoinv (", ", (char **)down);
}

static void
append_parents (GString        *text,
                StrataRevision *revision)
{
  const char * const *depends_on = strata_revision_get_depends_on (revision);
  g_autofree char *down = format_down_revisions (revision);

  if (depends_on[0] != NULL)
    {
      g_autofree char *dependencies = g_strjoinv (", ", (char **)depends_on);

      g_string_append_printf (text, "%s (%s) -> ", down, dependencies);
    }
  else
    g_string_append_printf (text, "%s -> ", down);
}

static void
append_indicators (StrataCliPrinter *self,
                   GString          *text,
                   StrataRevision   *revision,
                   StrataCliFormat   format)
{
  if (is_real_head (self, revision))
    g_string_append (text, " (head)");
  else if (is_head (self, revision))
    g_string_append (text, " (effective head)");

  if (is_current (self, revision))
    g_string_append (text, " (current)");

  if ((format & STRATA_CLI_FORMAT_TREE) == 0)
    return;

  if (is_branch_point (self, revision))
    g_string_append (text, " (branchpoint)");
  if (strata_revision_is_merge (revision))
    g_string_append (text, " (mergepoint)");
}

/* The labels Alembic prints: a revision's own and those it inherits from the
 * revisions of its branch (RevisionMap._add_branches), sorted, since Alembic
 * keeps them in a set. The public API has only a revision's own labels. */
static GStrv
effective_labels (StrataCliPrinter *self,
                  StrataRevision   *revision)
{
  GStrv labels = strata_revision_graph_get_branch_labels (self->graph, revision);

  if (labels == NULL)
    labels = g_strdupv ((char **)strata_revision_get_branch_labels (revision));

  qsort (labels, g_strv_length (labels), sizeof (char *), compare_strings);

  return labels;
}

/* Alembic's Script._head_only(). */
static char *
format_line (StrataCliPrinter *self,
             StrataRevision   *revision,
             StrataCliFormat   format)
{
  g_auto(GStrv) labels = effective_labels (self, revision);
  GString *text = g_string_new (NULL);

  if (format & STRATA_CLI_FORMAT_PARENTS)
    append_parents (text, revision);

  g_string_append (text, strata_revision_get_id (revision));

  if ((format & STRATA_CLI_FORMAT_BRANCHES) && labels[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **)labels);

      g_string_append_printf (text, " (%s)", joined);
    }

  append_indicators (self, text, revision, format);

  if (format & STRATA_CLI_FORMAT_DOC)
    g_string_append_printf (text, ", %s", strata_revision_get_message (revision));

  return g_string_free (text, FALSE);
}

static void
append_doc (GString        *text,
            StrataRevision *revision)
{
  const char * const *down_ids = strata_revision_get_down_revisions (revision);
  g_autofree char *down = g_strjoinv (", ", (char **)down_ids);
  const char *date = strata_revision_get_create_date (revision);

  /* The docstring Alembic's template writes, indented as log_entry indents it. */
  g_string_append_printf (text, "\n    %s\n    \n", strata_revision_get_message (revision));
  g_string_append_printf (text, "    Revision ID: %s\n", strata_revision_get_id (revision));
  g_string_append_printf (text, "    Revises: %s\n", down);
  g_string_append_printf (text, "    Create Date: %s\n", date != NULL ? date : "");
}

static void
append_list_line (GString            *text,
                  const char         *label,
                  const char * const *items)
{
  g_autofree char *joined = NULL;

  if (items == NULL || items[0] == NULL)
    return;

  joined = g_strjoinv (", ", (char **)items);
  g_string_append_printf (text, "%s: %s\n", label, joined);
}

static GStrv
child_ids (StrataCliPrinter *self,
           StrataRevision   *revision)
{
  g_autoptr(GPtrArray) children = strata_cli_printer_get_children (self, revision);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < children->len; i++)
    g_strv_builder_add (builder, strata_revision_get_id (g_ptr_array_index (children, i)));

  return g_strv_builder_end (builder);
}

static const char *
revision_path (StrataRevision *revision)
{
  GFile *file = strata_revision_get_file (revision);

  if (file == NULL)
    return _("(file missing; known from strata_history)");

  return g_file_peek_path (file);
}

/* Alembic's Script.log_entry, keys in English as Alembic prints them so
 * that tools reading them keep working. */
static char *
format_log_entry (StrataCliPrinter *self,
                  StrataRevision   *revision)
{
  GString *text = g_string_new ("Rev: ");
  g_autofree char *down = format_down_revisions (revision);
  g_auto(GStrv) children = child_ids (self, revision);
  g_auto(GStrv) labels = effective_labels (self, revision);

  g_string_append (text, strata_revision_get_id (revision));
  if (is_head (self, revision))
    g_string_append (text, " (head)");
  if (is_branch_point (self, revision))
    g_string_append (text, " (branchpoint)");
  if (strata_revision_is_merge (revision))
    g_string_append (text, " (mergepoint)");
  if (is_current (self, revision))
    g_string_append (text, " (current)");

  g_string_append_printf (text, "\n%s: %s\n",
                          strata_revision_is_merge (revision) ? "Merges" : "Parent", down);
  append_list_line (text, "Also depends on", strata_revision_get_depends_on (revision));
  if (is_branch_point (self, revision))
    append_list_line (text, "Branches into", (const char * const *)children);
  append_list_line (text, "Branch names", (const char * const *)labels);
  g_string_append_printf (text, "Path: %s\n", revision_path (revision));
  append_doc (text, revision);

  return g_string_free (text, FALSE);
}

char *
strata_cli_printer_format (StrataCliPrinter *self,
                           StrataRevision   *revision,
                           StrataCliFormat   format)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (STRATA_IS_REVISION (revision), NULL);

  if (format & STRATA_CLI_FORMAT_VERBOSE)
    return format_log_entry (self, revision);

  return format_line (self, revision, format);
}

static void
add_string_array (JsonBuilder        *builder,
                  const char         *name,
                  const char * const *items)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    json_builder_add_string_value (builder, items[i]);
  json_builder_end_array (builder);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_path (JsonBuilder    *builder,
          StrataRevision *revision)
{
  GFile *file = strata_revision_get_file (revision);

  json_builder_set_member_name (builder, "path");
  if (file != NULL)
    json_builder_add_string_value (builder, g_file_peek_path (file));
  else
    json_builder_add_null_value (builder);
}

static void
add_sql (JsonBuilder    *builder,
         StrataRevision *revision)
{
  json_builder_set_member_name (builder, "upgrade_sql");
  json_builder_add_string_value (builder,
                                 strata_revision_get_sql (revision, STRATA_DIRECTION_UPGRADE));
  json_builder_set_member_name (builder, "downgrade_sql");
  json_builder_add_string_value (builder,
                                 strata_revision_get_sql (revision, STRATA_DIRECTION_DOWNGRADE));
}

static void
add_revision_object (StrataCliPrinter *self,
                     StrataRevision   *revision,
                     StrataCliFormat   format)
{
  JsonBuilder *builder = self->builder;
  g_auto(GStrv) children = child_ids (self, revision);
  g_auto(GStrv) labels = effective_labels (self, revision);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_string_value (builder, strata_revision_get_id (revision));
  add_string_array (builder, "down_revisions", strata_revision_get_down_revisions (revision));
  add_string_array (builder, "branch_labels", strata_revision_get_branch_labels (revision));
  add_string_array (builder, "labels", (const char * const *)labels);
  add_string_array (builder, "depends_on", strata_revision_get_depends_on (revision));
  add_string_array (builder, "next_revisions", (const char * const *)children);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, strata_revision_get_message (revision));
  json_builder_set_member_name (builder, "create_date");
  json_builder_add_string_value (builder, strata_revision_get_create_date (revision));
  add_path (builder, revision);
  add_boolean (builder, "is_head", is_head (self, revision));
  add_boolean (builder, "is_branch_point", is_branch_point (self, revision));
  add_boolean (builder, "is_merge_point", strata_revision_is_merge (revision));
  add_boolean (builder, "is_current", is_current (self, revision));
  if (format & STRATA_CLI_FORMAT_VERBOSE)
    add_sql (builder, revision);
  json_builder_end_object (builder);
}

void
strata_cli_printer_add (StrataCliPrinter *self,
                        StrataRevision   *revision,
                        StrataCliFormat   format)
{
  g_autofree char *text = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (STRATA_IS_REVISION (revision));

  if (self->builder != NULL)
    {
      add_revision_object (self, revision, format);
      return;
    }

  /* A log entry ends in a newline and Alembic prints a line after it, so
   * verbose entries are separated by a blank line. */
  text = strata_cli_printer_format (self, revision, format);
  add_text_line (self, text);
}

void
strata_cli_printer_finish (StrataCliPrinter *self)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;

  g_return_if_fail (self != NULL);

  flush_text (self);
  if (self->builder == NULL)
    return;

  json_builder_end_object (self->builder);
  root = json_builder_get_root (self->builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);
  g_print ("%s\n", data);
}
