/* strata-step.c: being written. */
#include "strata-step.h"
