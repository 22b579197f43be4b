/* strata-backup.h: consistent copies of the database, listed and put back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_BACKUP (strata_backup_get_type ())

G_DECLARE_FINAL_TYPE (StrataBackup, strata_backup, STRATA, BACKUP, GObject)

/* One backup file in the project's backup folder (backup_dir in strata.ini),
 * named "<database>-<revision>-<UTC time>-<owner>.db", for example
 * "maker_hub-8c6e3a0f1b25-20240101T101010.123456Z-1a2b3c4d.db": the database's
 * file name without its extension, the version table's rows joined by "+"
 * ("base" when empty), when the copy was taken, and a tag of the database's
 * absolute path, so that two databases of the same name sharing a backup
 * folder (a staging copy) never prune or restore each other's backups. Such
 * a name sorts by time. Names without the tag (from older versions) are
 * listed, but never pruned, and restored only as foreign files.
 *
 * A killed backup leaves a hidden ".partial" file; the next backup into the
 * folder removes those of processes that are gone.
 *
 * Backups are written with VACUUM INTO to a ".partial" file that is synced
 * and renamed into place, so a backup that exists under its name is whole. */

/* NULL when @file's name is not a backup's name. */
StrataBackup *strata_backup_new_for_file      (GFile               *file);
GFile        *strata_backup_get_file          (StrataBackup        *self);
const char   *strata_backup_get_name          (StrataBackup        *self);
/* The database's file name without its extension: "maker_hub". */
const char   *strata_backup_get_database_name (StrataBackup        *self);
/* "8c6e3a0f1b25", "a1+b2" for several heads, or "base". */
const char   *strata_backup_get_revision      (StrataBackup        *self);
GDateTime    *strata_backup_get_created       (StrataBackup        *self);
/* In bytes; -1 when the file cannot be read. */
goffset       strata_backup_get_size          (StrataBackup        *self);

/* Copies @project's database into its backup folder (created if needed), then
 * deletes the oldest backups of that database past backup_keep. */
StrataBackup *strata_backup_create            (StrataProject       *project,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          strata_backup_create_async      (StrataProject       *project,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
StrataBackup *strata_backup_create_finish     (GAsyncResult        *result,
                                               GError             **error);

/* The backups of @project's database, newest first; an empty array when the
 * folder does not exist. */
GPtrArray    *strata_backup_list              (StrataProject       *project,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          strata_backup_list_async        (StrataProject       *project,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray    *strata_backup_list_finish       (GAsyncResult        *result,
                                               GError             **error);

/* Puts the backup @name (a file name in the backup folder, or a path) back
 * as @project's database. Only a backup of this very database is put back,
 * unless @flags has STRATA_RESTORE_FLAGS_FOREIGN. The backup is checked first
 * (PRAGMA quick_check);
 * the database it replaces is itself backed up, and the copy goes into the
 * live file through SQLite's online backup API in one write transaction, so
 * another connection sees either the old database or the restored one.
 * Old backups are pruned only once the restore has succeeded; when it fails,
 * nothing is deleted and the database is as it was. Returns the backup of
 * what was replaced, or NULL with no error when there was no database to
 * replace. strata_backup_restore() is this with no flags. */
StrataBackup *strata_backup_restore_full      (StrataProject       *project,
                                               const char          *name,
                                               StrataRestoreFlags   flags,
                                               GCancellable        *cancellable,
                                               GError             **error);
StrataBackup *strata_backup_restore           (StrataProject       *project,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          strata_backup_restore_async     (StrataProject       *project,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
StrataBackup *strata_backup_restore_finish    (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
