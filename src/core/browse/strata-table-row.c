/* strata-table-row.c: one row of a StrataTableModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "strata-table-row.h"
#include "strata-table-row-private.h"

struct _StrataTableRow
{
  GObject   parent_instance;
  guint     position;
  guint     n_values;
  char    **values;    /* n_values entries, NULL for SQL NULL; NULL when not loaded */
};

G_DEFINE_FINAL_TYPE (StrataTableRow, strata_table_row, G_TYPE_OBJECT)

static void
strata_table_row_finalize (GObject *object)
{
  StrataTableRow *self = (StrataTableRow *)object;

  for (guint i = 0; self->values != NULL && i < self->n_values; i++)
    g_free (self->values[i]);
  g_free (self->values);

  G_OBJECT_CLASS (strata_table_row_parent_class)->finalize (object);
}

static void
strata_table_row_class_init (StrataTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_table_row_finalize;
}

static void
strata_table_row_init (StrataTableRow *self)
{
}

StrataTableRow *
_strata_table_row_new (guint   position,
                       guint   n_values,
                       char  **values)
{
  StrataTableRow *self = g_object_new (STRATA_TYPE_TABLE_ROW, NULL);

  self->position = position;
  self->n_values = n_values;
  self->values = values;
  return self;
}

guint
strata_table_row_get_position (StrataTableRow *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_ROW (self), 0);
  return self->position;
}

gboolean
strata_table_row_get_loaded (StrataTableRow *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_ROW (self), FALSE);
  return self->values != NULL;
}

guint
strata_table_row_get_n_values (StrataTableRow *self)
{
  g_return_val_if_fail (STRATA_IS_TABLE_ROW (self), 0);
  return self->n_values;
}

const char *
strata_table_row_get_value (StrataTableRow *self,
                            guint           column)
{
  g_return_val_if_fail (STRATA_IS_TABLE_ROW (self), NULL);

  if (self->values == NULL || column >= self->n_values)
    return NULL;
  return self->values[column];
}
