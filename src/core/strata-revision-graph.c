/* strata-revision-graph.c: being written. */
#include "strata-revision-graph.h"
