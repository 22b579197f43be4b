/* strata-step.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-revision-private.h"
#include "strata-sql.h"
#include "strata-step-private.h"

struct _StrataStep
{
  GObject          parent_instance;

  StrataRevision  *revision;
  StrataDirection  direction;
  GStrv            from_heads;
  GStrv            to_heads;
};

G_DEFINE_FINAL_TYPE (StrataStep, strata_step, G_TYPE_OBJECT)

static void
strata_step_dispose (GObject *object)
{
  StrataStep *self = STRATA_STEP (object);

  g_clear_object (&self->revision);

  G_OBJECT_CLASS (strata_step_parent_class)->dispose (object);
}

static void
strata_step_finalize (GObject *object)
{
  StrataStep *self = STRATA_STEP (object);

  g_clear_pointer (&self->from_heads, g_strfreev);
  g_clear_pointer (&self->to_heads, g_strfreev);

  G_OBJECT_CLASS (strata_step_parent_class)->finalize (object);
}

static void
strata_step_class_init (StrataStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_step_dispose;
  object_class->finalize = strata_step_finalize;
}

static void
strata_step_init (StrataStep *self)
{
}

static GStrv
copy_or_empty (const char * const *ids)
{
  if (ids == NULL)
    return g_new0 (char *, 1);
  return g_strdupv ((char **)ids);
}

StrataStep *
strata_step_new (StrataRevision     *revision,
                 StrataDirection     direction,
                 const char * const *from_heads,
                 const char * const *to_heads)
{
  StrataStep *self;

  g_return_val_if_fail (revision == NULL || STRATA_IS_REVISION (revision), NULL);
  g_return_val_if_fail ((revision == NULL) == (direction == STRATA_DIRECTION_STAMP), NULL);

  self = g_object_new (STRATA_TYPE_STEP, NULL);
  self->revision = revision != NULL ? g_object_ref (revision) : NULL;
  self->direction = direction;
  self->from_heads = copy_or_empty (from_heads);
  self->to_heads = copy_or_empty (to_heads);

  return self;
}

StrataRevision *
strata_step_get_revision (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);

  return self->revision;
}

StrataDirection
strata_step_get_direction (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), STRATA_DIRECTION_UPGRADE);

  return self->direction;
}

const char * const *
strata_step_get_from_heads (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);

  return (const char * const *)self->from_heads;
}

const char * const *
strata_step_get_to_heads (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);

  return (const char * const *)self->to_heads;
}

static void
add_insert (GPtrArray  *statements,
            const char *table,
            const char *id)
{
  g_autofree char *value = strata_sql_quote_literal (id);

  g_ptr_array_add (statements,
                   g_strdup_printf ("INSERT INTO %s (version_num) VALUES (%s);", table, value));
}

static void
add_delete (GPtrArray  *statements,
            const char *table,
            const char *id)
{
  g_autofree char *value = strata_sql_quote_literal (id);

  g_ptr_array_add (statements,
                   g_strdup_printf ("DELETE FROM %s WHERE %s.version_num = %s;",
                                    table, table, value));
}

static void
add_update (GPtrArray  *statements,
            const char *table,
            const char *from,
            const char *to)
{
  g_autofree char *old_value = strata_sql_quote_literal (from);
  g_autofree char *new_value = strata_sql_quote_literal (to);

  g_ptr_array_add (statements,
                   g_strdup_printf ("UPDATE %s SET version_num=%s WHERE %s.version_num = %s;",
                                    table, new_value, table, old_value));
}

/* The rows are listed as Alembic's HeadMaintainer touches them: when a step
 * both removes and adds rows, the last of each pair up as one UPDATE and the
 * others are plain DELETEs (a merge) or INSERTs (an unmerge). Alembic runs the
 * DELETEs and INSERTs before the UPDATE, and so do we. */
GPtrArray *
strata_step_get_version_sql (StrataStep *self,
                             const char *version_table)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *table = NULL;
  guint n_from;
  guint n_to;
  gboolean update;

  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  g_return_val_if_fail (version_table != NULL, NULL);

  table = strata_sql_quote_identifier (version_table);
  n_from = g_strv_length (self->from_heads);
  n_to = g_strv_length (self->to_heads);
  update = n_from > 0 && n_to > 0;

  for (guint i = 0; i + (update ? 1 : 0) < n_from; i++)
    add_delete (statements, table, self->from_heads[i]);
  for (guint i = 0; i + (update ? 1 : 0) < n_to; i++)
    add_insert (statements, table, self->to_heads[i]);
  if (update)
    add_update (statements, table, self->from_heads[n_from - 1], self->to_heads[n_to - 1]);

  return g_steal_pointer (&statements);
}

static char *
join_ids (const char * const *ids)
{
  return g_strjoinv (", ", (char **)ids);
}

/* Alembic logs the Revises ids, never the dependencies, on the far side of
 * a revision step; a base therefore reads "Running upgrade  -> a1b2". */
char *
strata_step_describe (StrataStep *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *message;

  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);

  if (self->revision == NULL)
    {
      from = join_ids ((const char * const *)self->from_heads);
      to = join_ids ((const char * const *)self->to_heads);
      return g_strdup_printf ("Running stamp_revision %s -> %s", from, to);
    }

  if (self->direction == STRATA_DIRECTION_UPGRADE)
    {
      from = join_ids (strata_revision_get_down_revisions (self->revision));
      to = g_strdup (strata_revision_get_id (self->revision));
    }
  else
    {
      from = g_strdup (strata_revision_get_id (self->revision));
      to = join_ids (strata_revision_get_down_revisions (self->revision));
    }

  message = strata_revision_get_message (self->revision);
  if (message == NULL || *message == '\0')
    return g_strdup_printf ("Running %s %s -> %s",
                            strata_direction_to_string (self->direction), from, to);
  return g_strdup_printf ("Running %s %s -> %s, %s",
                          strata_direction_to_string (self->direction), from, to, message);
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

gboolean
_strata_steps_read_for_run (GPtrArray  *steps,
                            GError    **error)
{
  g_autoptr(GPtrArray) fresh = NULL;

  g_return_val_if_fail (steps != NULL, FALSE);

  /* A stamp has no revision: NULL, in step with the steps. */
  fresh = g_ptr_array_new_full (steps->len, unref_if_set);

  /* All read first, so that a failure leaves every step as it was. */
  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);
      StrataRevision *revision = NULL;

      if (step->revision != NULL &&
          !(revision = _strata_revision_read_for_run (step->revision, error)))
        return FALSE;
      g_ptr_array_add (fresh, revision);
    }
  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);

      if (g_ptr_array_index (fresh, i) != NULL)
        g_set_object (&step->revision, g_ptr_array_index (fresh, i));
    }
  return TRUE;
}

gboolean
_strata_steps_check_downgrades (GPtrArray  *steps,
                                GError    **error)
{
  g_return_val_if_fail (steps != NULL, FALSE);

  for (guint i = 0; i < steps->len; i++)
    {
      StrataStep *step = g_ptr_array_index (steps, i);

      if (step->direction == STRATA_DIRECTION_DOWNGRADE && step->revision != NULL &&
          !_strata_revision_check_downgrade (step->revision, error))
        return FALSE;
    }
  return TRUE;
}
