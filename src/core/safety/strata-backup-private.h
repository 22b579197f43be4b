/* strata-backup-private.h: what a migration run needs of backups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "strata-backup.h"
#include "strata-database.h"

G_BEGIN_DECLS

/* Backs up @database (open on this thread, outside a transaction), which is
 * @project's database, and prunes. */
StrataBackup *_strata_backup_create_from     (StrataProject   *project,
                                              StrataDatabase  *database,
                                              GCancellable    *cancellable,
                                              GError         **error);
/* How far a backup is: @size bytes to copy, @fraction of them copied. */
typedef void (*StrataBackupProgressFunc) (const char *database_name,
                                          goffset     size,
                                          double      fraction,
                                          gpointer    user_data);

/* _strata_backup_create_from() telling @progress (called on this thread)
 * how far it is, first with 0 and last with 1. */
StrataBackup *_strata_backup_create_with_progress (StrataProject            *project,
                                                   StrataDatabase           *database,
                                                   StrataBackupProgressFunc  progress,
                                                   gpointer                  user_data,
                                                   GCancellable             *cancellable,
                                                   GError                  **error);

G_END_DECLS
