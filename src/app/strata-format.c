/* strata-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "strata-format.h"

static gboolean
locale_is_c (void)
{
  const char *name = setlocale (LC_NUMERIC, NULL);

  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX") ||
         g_str_has_prefix (name, "C.");
}

char *
strata_format_count (guint64 n)
{
  g_autofree char *digits = NULL;
  GString *grouped;
  gsize length;

  if (!locale_is_c ())
    return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);

  /* The C locale groups nothing, and "2000000 rows" is hard to read: group
   * by thousands with commas there, as English does. */
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  length = strlen (digits);
  grouped = g_string_sized_new (length + length / 3);
  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (grouped, ',');
      g_string_append_c (grouped, digits[i]);
    }
  return g_string_free (grouped, FALSE);
}
