/* strata-revision-pack.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>

#include "strata-file-private.h"
#include "strata-revision-pack-private.h"

/* A pack is a cache: nothing in it is ever trusted beyond what the file
 * system confirms. A file's cached contents are used only when its device,
 * inode, size, mtime and ctime (to the nanosecond) are all unchanged, and a
 * file is cached only once both times are well in the past, as git does for
 * its index: a change within the same tick of a coarse clock as the caching
 * would otherwise leave every stamp as it was. ctime cannot be set by any
 * program, so `touch -d` or a restored mtime does not fool it either.
 *
 * Nor is the pack itself believed: it is read into memory (never mapped, so
 * that another process cutting it short cannot kill us with SIGBUS), only if
 * it is a regular file and not a symbolic link (never waited on, like a
 * FIFO), and only if its checksum is right. And whatever it says, a run
 * reads the revision files it applies again (see
 * _strata_revision_read_for_run()): a pack only speeds up listing.
 *
 * The layout, in the machine's byte order (a pack never leaves the machine
 * that wrote it), every part padded to eight bytes:
 *
 *   header   "STRATApk", format, byte-order mark, entry count, folder length,
 *            total length, checksum
 *   folder   the versions folder's path, NUL-terminated
 *   entries  stamp, name length, name (NUL-terminated), contents
 *            (stamp.size bytes, NUL-terminated)
 *
 * Entries are sorted by name. Any damage (a wrong length, an unsorted name, a
 * pack of another folder) makes the whole pack unusable, never half-used.
 * The pack is replaced with g_file_set_contents_full(): written beside,
 * synced, renamed over. */

#define PACK_MAGIC "STRATApk"
/* 2: the checksum. */
#define PACK_FORMAT 2
#define PACK_BYTE_ORDER 0x01020304u
/* Longer than any file system's timestamp tick (FAT's is two seconds), and
 * than the lag of the kernel's coarse clock behind the real time. */
#define SETTLE_US_DEFAULT (2 * G_USEC_PER_SEC)

typedef struct
{
  char    magic[8];
  guint32 format;
  guint32 byte_order;
  guint32 n_entries;
  guint32 folder_length;
  guint64 total_length;
  /* Of the whole pack, this field counted as zero. */
  guint64 checksum;
} PackHeader;

typedef struct
{
  StrataFileStamp stamp;
  guint32         name_length;
  guint32         reserved;
} EntryHeader;

typedef struct
{
  const char      *name;
  const char      *contents;
  StrataFileStamp  stamp;
} Entry;

struct _StrataRevisionPack
{
  GBytes      *bytes;   /* the whole pack, which the contents handed out share */
  Entry       *entries;
  guint        n_entries;
};

void
_strata_file_stamp_init (StrataFileStamp   *stamp,
                         const struct stat *info)
{
  memset (stamp, 0, sizeof *stamp);
  stamp->device = info->st_dev;
  stamp->inode = info->st_ino;
  stamp->size = info->st_size;
  stamp->mtime_sec = info->st_mtim.tv_sec;
  stamp->mtime_nsec = info->st_mtim.tv_nsec;
  stamp->ctime_sec = info->st_ctim.tv_sec;
  stamp->ctime_nsec = info->st_ctim.tv_nsec;
}

gboolean
_strata_file_stamp_equal (const StrataFileStamp *a,
                          const StrataFileStamp *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

static gint64
settle_us (void)
{
  const char *value = g_getenv ("STRATA_CACHE_SETTLE_MS");

  /* A test hook, not a setting: tests cannot wait two seconds for every file
   * they write. It may only make the cache take files sooner; the cache
   * checks each stamp whatever it says, so no value changes what runs. */
  if (value != NULL && value[0] != '\0')
    return g_ascii_strtoll (value, NULL, 10) * 1000;
  return SETTLE_US_DEFAULT;
}

/* The time before which a change shows in a file's ctime for anyone who
 * looks at it after @since_us: files changed earlier can be packed. */
gint64
_strata_file_stamp_settled_before (gint64 since_us)
{
  return since_us - settle_us ();
}

gboolean
_strata_file_stamp_is_settled (const StrataFileStamp *stamp,
                               gint64                 settled_before_us)
{
  gint64 mtime = stamp->mtime_sec * G_USEC_PER_SEC + stamp->mtime_nsec / 1000;
  gint64 ctime = stamp->ctime_sec * G_USEC_PER_SEC + stamp->ctime_nsec / 1000;

  return mtime < settled_before_us && ctime < settled_before_us;
}

static gboolean
caching_is_off (void)
{
  const char *value = g_getenv ("STRATA_NO_CACHE");

  /* A debugging switch, not a setting: the cache only makes listing faster
   * and never decides what runs, so switching it off changes nothing but
   * the time taken (tests and benchmarks compare both ways). */

  return value != NULL && value[0] != '\0' && g_strcmp0 (value, "0") != 0;
}

/* One pack per versions folder, named after a hash of its path. */
static char *
pack_path_for (const char *folder_path)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, folder_path, -1);
  g_autofree char *name = g_strconcat (digest, ".pack", NULL);

  return g_build_filename (g_get_user_cache_dir (), "strata", "revisions", name, NULL);
}

static gsize
pad8 (gsize length)
{
  return (length + 7) & ~(gsize)7;
}

/* The checksum -------------------------------------------------------------------- */

/* Any damage (a bit flipped, a block zeroed, a tail cut or overwritten)
 * changes it. A fast hash of xxHash64's shape rather than SHA-256, which
 * would cost a third of a warm `heads`: it guards a cache against accidents,
 * not against a forger, and what runs is read from the files anyway. */
#define PRIME1 G_GUINT64_CONSTANT (0x9E3779B185EBCA87)
#define PRIME2 G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)
#define PRIME3 G_GUINT64_CONSTANT (0x165667B19E3779F9)

static inline guint64
rotl64 (guint64 x,
        guint   r)
{
  return (x << r) | (x >> (64 - r));
}

static inline guint64
mix (guint64 lane,
     guint64 word)
{
  return rotl64 (lane + word * PRIME2, 31) * PRIME1;
}

static guint64
hash_bytes (guint64      seed,
            const guint8 *data,
            gsize         size)
{
  guint64 lanes[4] = { seed + PRIME1 + PRIME2, seed + PRIME2, seed, seed - PRIME1 };
  guint64 word;
  guint64 h;
  gsize i = 0;

  for (; i + 32 <= size; i += 32)
    for (guint k = 0; k < 4; k++)
      {
        memcpy (&word, data + i + 8 * k, 8);
        lanes[k] = mix (lanes[k], word);
      }
  h = rotl64 (lanes[0], 1) + rotl64 (lanes[1], 7) + rotl64 (lanes[2], 12) +
      rotl64 (lanes[3], 18) + size;
  for (; i < size; i++)
    h = rotl64 (h ^ (data[i] * PRIME3), 11) * PRIME1;
  h ^= h >> 33;
  h *= PRIME2;
  h ^= h >> 29;
  h *= PRIME3;
  return h ^ (h >> 32);
}

static guint64
pack_checksum (const PackHeader *header,
               const guint8     *data,
               gsize             size)
{
  PackHeader zeroed = *header;

  zeroed.checksum = 0;
  return hash_bytes (hash_bytes (0, (const guint8 *)&zeroed, sizeof zeroed),
                     data + sizeof zeroed, size - sizeof zeroed);
}

/* Reading ---------------------------------------------------------------------- */

/* The NUL-terminated string of @length bytes at @offset, if all of it lies
 * within the pack. */
static const char *
string_at (const char *data,
           gsize       size,
           gsize       offset,
           guint64     length)
{
  if (offset > size || length >= size - offset || data[offset + length] != '\0' ||
      memchr (data + offset, '\0', length) != NULL)
    return NULL;
  return data + offset;
}

static gboolean
read_entry (const char *data,
            gsize       size,
            gsize      *offset,
            Entry      *entry)
{
  EntryHeader header;

  /* The padding after the previous entry may have stepped past the end. */
  if (*offset > size || size - *offset < sizeof header)
    return FALSE;
  memcpy (&header, data + *offset, sizeof header);
  *offset += sizeof header;

  /* A slash would make the name a path out of the folder. */
  if (!(entry->name = string_at (data, size, *offset, header.name_length)) ||
      header.name_length == 0 || strchr (entry->name, '/') != NULL)
    return FALSE;
  *offset = pad8 (*offset + header.name_length + 1);

  if (header.stamp.size < 0 ||
      !(entry->contents = string_at (data, size, *offset, header.stamp.size)))
    return FALSE;
  *offset = pad8 (*offset + header.stamp.size + 1);
  entry->stamp = header.stamp;
  return TRUE;
}

static gboolean
read_entries (StrataRevisionPack *pack,
              const char         *data,
              gsize               size,
              const char         *folder_path)
{
  const char *folder;
  PackHeader header;
  gsize offset;

  if (data == NULL || size < sizeof header)
    return FALSE;
  memcpy (&header, data, sizeof header);
  if (memcmp (header.magic, PACK_MAGIC, sizeof header.magic) != 0 ||
      header.format != PACK_FORMAT || header.byte_order != PACK_BYTE_ORDER ||
      header.total_length != size || header.n_entries > size / sizeof (EntryHeader) ||
      header.checksum != pack_checksum (&header, (const guint8 *)data, size))
    return FALSE;

  /* A hash collision, however unlikely, must not mix two projects. */
  if (!(folder = string_at (data, size, sizeof header, header.folder_length)) ||
      strcmp (folder, folder_path) != 0)
    return FALSE;
  offset = pad8 (sizeof header + header.folder_length + 1);

  pack->entries = g_new (Entry, header.n_entries);
  for (guint i = 0; i < header.n_entries; i++)
    {
      if (!read_entry (data, size, &offset, &pack->entries[i]))
        return FALSE;
      /* Sorted and distinct, for the binary search. */
      if (i > 0 && strcmp (pack->entries[i - 1].name, pack->entries[i].name) >= 0)
        return FALSE;
    }
  pack->n_entries = header.n_entries;
  return offset == size;
}

void
_strata_revision_pack_seal (guint8 *data,
                            gsize   size)
{
  PackHeader header;

  if (size < sizeof header)
    return;
  memcpy (&header, data, sizeof header);
  header.checksum = pack_checksum (&header, data, size);
  memcpy (data, &header, sizeof header);
}

StrataRevisionPack *
_strata_revision_pack_new_for_bytes (GBytes     *bytes,
                                     const char *folder_path)
{
  g_autoptr(StrataRevisionPack) pack = g_new0 (StrataRevisionPack, 1);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  pack->bytes = g_bytes_ref (bytes);
  if (!read_entries (pack, data, size, folder_path))
    return NULL;
  return g_steal_pointer (&pack);
}

StrataRevisionPack *
_strata_revision_pack_open (const char *folder_path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  StrataRevisionPack *pack;
  struct stat info;
  gsize length = 0;
  char *data;

  g_return_val_if_fail (folder_path != NULL, NULL);

  if (caching_is_off ())
    return NULL;

  path = pack_path_for (folder_path);
  /* Read, not mapped: a mapping of a file someone else truncates faults. */
  if (!(data = _strata_file_read_regular (AT_FDCWD, path, STRATA_READ_NO_SYMLINKS,
                                          &info, &length)))
    {
      if (errno != ENOENT)
        g_debug ("ignoring the revision cache %s: %s", path, g_strerror (errno));
      return NULL;
    }
  bytes = g_bytes_new_take (data, length);
  if (!(pack = _strata_revision_pack_new_for_bytes (bytes, folder_path)))
    g_debug ("ignoring the damaged revision cache %s", path);
  return pack;
}

void
_strata_revision_pack_free (StrataRevisionPack *pack)
{
  if (pack == NULL)
    return;
  g_clear_pointer (&pack->bytes, g_bytes_unref);
  g_free (pack->entries);
  g_free (pack);
}

guint
_strata_revision_pack_get_size (StrataRevisionPack *pack)
{
  return pack != NULL ? pack->n_entries : 0;
}

const char *
_strata_revision_pack_get_entry (StrataRevisionPack *pack,
                                 guint               index,
                                 StrataFileStamp    *stamp)
{
  g_return_val_if_fail (pack != NULL && index < pack->n_entries, NULL);

  *stamp = pack->entries[index].stamp;
  return pack->entries[index].name;
}

GBytes *
_strata_revision_pack_lookup (StrataRevisionPack    *pack,
                              const char            *name,
                              const StrataFileStamp *stamp)
{
  guint low = 0;
  guint high;

  if (pack == NULL)
    return NULL;

  high = pack->n_entries;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const Entry *entry = &pack->entries[middle];
      int order = strcmp (name, entry->name);

      if (order == 0)
        {
          const char *data = g_bytes_get_data (pack->bytes, NULL);

          if (!_strata_file_stamp_equal (&entry->stamp, stamp))
            return NULL;
          return g_bytes_new_from_bytes (pack->bytes, entry->contents - data, entry->stamp.size);
        }
      if (order < 0)
        high = middle;
      else
        low = middle + 1;
    }
  return NULL;
}

/* Writing ---------------------------------------------------------------------- */

static void
append_padded (GByteArray *out,
               const void *data,
               gsize       length)
{
  static const guint8 zeros[8] = { 0 };

  g_byte_array_append (out, data, length);
  g_byte_array_append (out, zeros, pad8 (out->len) - out->len);
}

static void
append_string (GByteArray *out,
               const char *string,
               gsize       length)
{
  g_byte_array_append (out, (const guint8 *)string, length);
  append_padded (out, "", 1);
}

void
_strata_revision_pack_write (const char             *folder_path,
                             guint                   n_files,
                             const char * const     *names,
                             const StrataFileStamp  *stamps,
                             GBytes * const         *contents)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  PackHeader header = { .format = PACK_FORMAT, .byte_order = PACK_BYTE_ORDER,
                        .n_entries = n_files };

  if (caching_is_off ())
    return;

  memcpy (header.magic, PACK_MAGIC, sizeof header.magic);
  header.folder_length = strlen (folder_path);
  append_padded (out, &header, sizeof header);
  append_string (out, folder_path, header.folder_length);
  for (guint i = 0; i < n_files; i++)
    {
      EntryHeader entry = { stamps[i], strlen (names[i]) };

      append_padded (out, &entry, sizeof entry);
      append_string (out, names[i], entry.name_length);
      gsize length = 0;
      const char *data = g_bytes_get_data (contents[i], &length);

      g_assert (length == (gsize)stamps[i].size);
      append_string (out, data != NULL ? data : "", length);
    }
  header.total_length = out->len;
  header.checksum = pack_checksum (&header, out->data, out->len);
  memcpy (out->data, &header, sizeof header);

  path = pack_path_for (folder_path);
  folder = g_path_get_dirname (path);
  /* The rename below replaces anything but a folder where the pack goes
   * (a FIFO, a symbolic link itself rather than its target). */
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    g_rmdir (path);
  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      !g_file_set_contents_full (path, (const char *)out->data, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    g_debug ("cannot write the revision cache %s: %s", path,
             error != NULL ? error->message : g_strerror (errno));
}
