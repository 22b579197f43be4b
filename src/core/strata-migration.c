/* strata-migration.c: being written. */
#include "strata-migration.h"
