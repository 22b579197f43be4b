/* strata-project.c: being written. */
#include "strata-project.h"
