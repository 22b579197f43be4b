/* strata-database.c: being written. */
#include "strata-database.h"
