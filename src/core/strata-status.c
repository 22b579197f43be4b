/* strata-status.c: being written. */
#include "strata-status.h"
