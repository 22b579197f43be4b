/* strata-format.h: numbers as the app shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @n with its digits grouped as the locale groups them ("2,000,000",
 * "2 000 000"). */
char *strata_format_count (guint64 n);

G_END_DECLS
