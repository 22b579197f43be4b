/* strata.h: the migration core, for the app and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-types.h"
#include "strata-error.h"
#include "strata-revision.h"
#include "strata-revision-graph.h"
#include "strata-step.h"
#include "strata-alembic-project.h"
#include "strata-alembic-conversion.h"
#include "strata-project.h"
#include "strata-database.h"
#include "strata-status.h"
#include "strata-migration.h"
#include "strata-migration-plan.h"
#include "strata-sql.h"
#include "strata-sql-check.h"
#include "strata-schema.h"
#include "strata-schema-replay.h"
#include "strata-table-model.h"
#include "strata-schema-snapshot.h"
#include "strata-autogen.h"
#include "strata-lint.h"
#include "strata-backup.h"
#include "strata-rehearsal.h"
