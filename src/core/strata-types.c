/* strata-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "strata-types.h"

const char *
strata_direction_to_string (StrataDirection direction)
{
  switch (direction)
    {
    case STRATA_DIRECTION_UPGRADE:
      return "upgrade";
    case STRATA_DIRECTION_DOWNGRADE:
      return "downgrade";
    case STRATA_DIRECTION_STAMP:
      return "stamp";
    default:
      g_return_val_if_reached (NULL);
    }
}
