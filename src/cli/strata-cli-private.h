/* strata-cli-private.h: what the files of strata-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "strata.h"

G_BEGIN_DECLS

/* Exit codes, as the README documents them. */
#define STRATA_CLI_EXIT_OK    0
#define STRATA_CLI_EXIT_ERROR 1
#define STRATA_CLI_EXIT_USAGE 2

/* The global options, given before the command. */
typedef struct
{
  char      *directory;   /* -C DIR */
  char      *database;    /* --database PATH */
  gboolean   json;        /* --json */
  gboolean   interactive; /* stderr is a terminal: show progress in place */
  GPtrArray *strings;     /* strings that live as long as the command runs */
} StrataCli;

typedef int (*StrataCliCommandFunc) (StrataCli  *cli,
                                     int         argc,
                                     char      **argv);

typedef struct
{
  const char           *name;
  StrataCliCommandFunc  run;
  const char           *summary;
} StrataCliCommand;

/* strata-cli.c: option parsing, errors and loading the project. */
gboolean             strata_cli_parse_options        (StrataCli          *cli,
                                                      const char         *command,
                                                      const char         *parameters,
                                                      const char         *summary,
                                                      const char         *description,
                                                      const GOptionEntry *entries,
                                                      int                *argc,
                                                      char             ***argv,
                                                      int                *exit_code);
int                  strata_cli_usage_error          (const char         *format,
                                                      ...) G_GNUC_PRINTF (1, 2);
int                  strata_cli_fail                 (const GError       *error);
StrataProject       *strata_cli_load_project         (StrataCli          *cli,
                                                      GError            **error);
StrataRevisionGraph *strata_cli_load_graph           (StrataCli          *cli,
                                                      StrataProject      *project,
                                                      GError            **error);
char                *strata_cli_format_heads         (const char * const *heads);
/* Resolves @spec to full ids; "base" gives an empty vector. */
GStrv                strata_cli_resolve_ids          (StrataRevisionGraph *graph,
                                                      const char          *spec,
                                                      GError             **error);

/* strata-cli-commands.c: the commands that read or write revision files. */
int strata_cli_init      (StrataCli *cli, int argc, char **argv);
int strata_cli_revision  (StrataCli *cli, int argc, char **argv);
int strata_cli_merge     (StrataCli *cli, int argc, char **argv);
int strata_cli_edit      (StrataCli *cli, int argc, char **argv);
int strata_cli_show      (StrataCli *cli, int argc, char **argv);
int strata_cli_heads     (StrataCli *cli, int argc, char **argv);
int strata_cli_branches  (StrataCli *cli, int argc, char **argv);
int strata_cli_history   (StrataCli *cli, int argc, char **argv);

/* strata-cli-status.c: the commands that read the database. */
int strata_cli_current   (StrataCli *cli, int argc, char **argv);
int strata_cli_check     (StrataCli *cli, int argc, char **argv);

/* strata-cli-migrate.c: the commands that change the database. */
int strata_cli_upgrade   (StrataCli *cli, int argc, char **argv);
int strata_cli_downgrade (StrataCli *cli, int argc, char **argv);
int strata_cli_stamp     (StrataCli *cli, int argc, char **argv);

/* strata-cli-autogen.c: revision --autogenerate, schema, and check's schema part. */
int      strata_cli_revision_autogenerate (StrataCli *cli, int argc, char **argv);
int      strata_cli_schema                (StrataCli *cli, int argc, char **argv);
/* Prints lint warnings and how head differs from schema.sql on stderr;
 * FALSE when it differs. */
gboolean strata_cli_check_schema          (StrataCli           *cli,
                                           StrataProject       *project,
                                           StrataRevisionGraph *graph);

/* strata-cli-safety.c: rehearse, backups and restore. */
int strata_cli_rehearse  (StrataCli *cli, int argc, char **argv);
int strata_cli_backups   (StrataCli *cli, int argc, char **argv);
int strata_cli_restore   (StrataCli *cli, int argc, char **argv);
StrataRehearsal *strata_cli_rehearse_project (StrataProject  *project,
                                              const char     *target,
                                              GError        **error);
/* check --rehearse: prints each finding on stderr; FALSE when there was one. */
gboolean         strata_cli_check_rehearsal  (StrataCli      *cli,
                                              StrataProject  *project);

/* strata-cli-output.c: revisions as Alembic prints them, or as JSON. */
typedef enum
{
  STRATA_CLI_FORMAT_NONE     = 0,
  STRATA_CLI_FORMAT_PARENTS  = 1 << 0, /* "ab12 -> cd34" */
  STRATA_CLI_FORMAT_BRANCHES = 1 << 1, /* " (label)" */
  STRATA_CLI_FORMAT_DOC      = 1 << 2, /* ", message" */
  STRATA_CLI_FORMAT_TREE     = 1 << 3, /* " (branchpoint)", " (mergepoint)" */
  STRATA_CLI_FORMAT_VERBOSE  = 1 << 4, /* Alembic's multi-line log entry */
} StrataCliFormat;

typedef struct _StrataCliPrinter StrataCliPrinter;

StrataCliPrinter *strata_cli_printer_new          (StrataRevisionGraph *graph,
                                                   gboolean             json);
void              strata_cli_printer_free         (StrataCliPrinter    *self);
/* Marks @heads "(current)" and "current": true. */
void              strata_cli_printer_set_current  (StrataCliPrinter    *self,
                                                   const char * const  *heads);
void              strata_cli_printer_set_member   (StrataCliPrinter    *self,
                                                   const char          *name,
                                                   const char          *value);
void              strata_cli_printer_begin_list   (StrataCliPrinter    *self,
                                                   const char          *name);
void              strata_cli_printer_end_list     (StrataCliPrinter    *self);
/* Prints one revision (text) or appends its object to the open list (JSON). */
void              strata_cli_printer_add          (StrataCliPrinter    *self,
                                                   StrataRevision      *revision,
                                                   StrataCliFormat      format);
void              strata_cli_printer_add_string   (StrataCliPrinter    *self,
                                                   const char          *value);
/* JSON only: the builder, to add members of a command's own. */
JsonBuilder      *strata_cli_printer_get_builder  (StrataCliPrinter    *self);
gboolean          strata_cli_printer_is_json      (StrataCliPrinter    *self);
/* Writes the JSON document to stdout; nothing in text mode. */
void              strata_cli_printer_finish       (StrataCliPrinter    *self);
char             *strata_cli_printer_format       (StrataCliPrinter    *self,
                                                   StrataRevision      *revision,
                                                   StrataCliFormat      format);
/* Revisions that Revises @revision, in graph order. */
GPtrArray        *strata_cli_printer_get_children (StrataCliPrinter    *self,
                                                   StrataRevision      *revision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCliPrinter, strata_cli_printer_free)

G_END_DECLS
