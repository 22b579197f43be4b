/* strata-cli-private.h: what the files of strata-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "strata.h"

G_BEGIN_DECLS

/* The "version" member of every --json document (docs/cli.md): raised when
 * a member changes meaning or goes away, not when one is added. */
#define STRATA_CLI_JSON_VERSION 1

/* Exit codes, as the README documents them. */
#define STRATA_CLI_EXIT_OK    0
#define STRATA_CLI_EXIT_ERROR 1
#define STRATA_CLI_EXIT_USAGE 2

/* One run of strata-cli: the global options, every verb's option values,
 * the positional arguments, and what the verb table said to load. The verb
 * table (strata-cli-verbs.c) points each option at one of these fields by
 * its offset; a verb that needs a new option adds its field here. */
typedef struct
{
  /* Global options, before or after the verb. */
  char      *directory;   /* -C DIR */
  char      *database;    /* --database PATH */
  gboolean   json;        /* --json */
  gboolean   quiet;       /* -q: only errors and what was asked for */
  gboolean   interactive; /* stderr is a terminal that takes control codes */

  /* Read from the environment at start; the core reads none. */
  char      *env_database;    /* STRATA_DATABASE, or NULL */
  gboolean   group_commit_set;
  guint      group_commit_ms; /* STRATA_GROUP_COMMIT_MS */

  /* The verb's options (each verb uses a few). */
  char      *message;          /* -m MSG */
  char      *head;             /* revision --head REV */
  char      *branch_label;     /* --branch-label LABEL */
  char      *rev_id;           /* --rev-id ID */
  char      *rev_range;        /* history -r RANGE */
  char      *init_database;    /* init --database NAME */
  char      *from_alembic;     /* init --from-alembic PATH */
  char      *python;           /* init --python PYTHON */
  GStrv      depends_on;       /* --depends-on REV, repeatable */
  GStrv      renames;          /* --rename OLD:NEW, repeatable */
  GStrv      fills;            /* --fill TABLE.COLUMN=VALUE, repeatable */
  gboolean   splice;
  gboolean   sql;
  gboolean   purge;
  gboolean   verbose;
  gboolean   indicate_current;
  gboolean   rehearse;
  gboolean   autogenerate;
  gboolean   allow_drop;
  gboolean   at_head;          /* schema --head */
  gboolean   foreign;          /* restore --foreign */
  gboolean   resolve_dependencies;
  gboolean   strict;           /* init --strict */
  gboolean   help;
  gboolean   version;          /* strata-cli --version, before the verb only */

  /* The positional arguments, after the options are taken out. */
  int        n_args;
  char     **args;

  /* Loaded before the verb runs when the table says so. */
  StrataProject       *project;
  StrataRevisionGraph *graph;
} StrataCli;

typedef enum
{
  STRATA_CLI_VALUE_NONE,     /* a flag: gboolean */
  STRATA_CLI_VALUE_STRING,   /* char *, the last one given wins */
  STRATA_CLI_VALUE_STRINGS,  /* GStrv, repeatable */
} StrataCliValue;

typedef struct
{
  const char     *long_name;
  char            short_name;   /* 0 for none */
  StrataCliValue  value;
  gsize           offset;       /* G_STRUCT_OFFSET (StrataCli, field) */
  const char     *description;  /* N_() */
  const char     *value_name;   /* N_(), "MSG" */
  gboolean        required;
} StrataCliOption;

typedef enum
{
  STRATA_CLI_LOAD_NOTHING, /* the verb opens what it needs itself */
  STRATA_CLI_LOAD_PROJECT, /* cli->project */
  STRATA_CLI_LOAD_GRAPH,   /* cli->project and cli->graph */
} StrataCliLoad;

typedef int (*StrataCliVerbFunc) (StrataCli *cli);

typedef struct
{
  const char             *name;
  /* When set, this entry is picked over the plain one of the same name if
   * the arguments hold this option ("revision --autogenerate"); it is left
   * out of the list of commands. */
  const char             *variant;
  StrataCliVerbFunc       run;
  const char             *summary;     /* N_(), one line for the list of commands */
  const char             *parameters;  /* N_(), "TARGET", or NULL */
  const char             *description; /* N_(), the rest of --help */
  int                     min_args;
  int                     max_args;    /* -1: any number */
  StrataCliLoad           load;
  const StrataCliOption  *options;     /* ends with { NULL } */
  const char             *missing;     /* N_(), said when arguments are missing */
} StrataCliVerb;

/* strata-cli-verbs.c: the verb table. */
extern const StrataCliVerb   strata_cli_verbs[];
extern const guint           strata_cli_n_verbs;
extern const StrataCliOption strata_cli_global_options[];

/* strata-cli-parse.c: the argument parser, with no I/O (fuzzed). */
const StrataCliVerb *strata_cli_find_verb   (const char          *name,
                                             int                  argc,
                                             char               **argv);
/* The closest of @candidates to @word, or NULL when none is close. */
const char          *strata_cli_suggest     (const char          *word,
                                             const char * const  *candidates);
/* Parses the global options before the verb (stops at the first argument
 * that is not an option); returns the index of the verb, or argc. */
int                  strata_cli_parse_globals (StrataCli         *cli,
                                               int                argc,
                                               char             **argv,
                                               gboolean          *version,
                                               GError           **error);
/* Parses @argv (the verb's arguments, verb name excluded) into @cli. */
gboolean             strata_cli_parse_verb  (StrataCli           *cli,
                                             const StrataCliVerb *verb,
                                             int                  argc,
                                             char               **argv,
                                             GError             **error);
/* FALSE, with the rule in @error, when @id cannot be a --rev-id. */
gboolean             strata_cli_check_rev_id (const char         *id,
                                              GError            **error);
/* Frees what parsing stored in @cli. */
void                 strata_cli_clear       (StrataCli           *cli);

/* strata-cli-generate.c: prints the bash, zsh or fish completion or the man
 * page; FALSE for another @kind. */
gboolean             strata_cli_generate    (const char          *kind);

/* strata-cli.c: errors and loading the project. */
int                  strata_cli_usage_error          (const char         *format,
                                                      ...) G_GNUC_PRINTF (1, 2);
int                  strata_cli_verb_usage_error     (const char         *verb,
                                                      const char         *format,
                                                      ...) G_GNUC_PRINTF (2, 3);
int                  strata_cli_fail                 (const GError       *error);
/* Prints an informational line on stdout, unless -q. */
void                 strata_cli_say                  (StrataCli          *cli,
                                                      const char         *format,
                                                      ...) G_GNUC_PRINTF (2, 3);
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
int strata_cli_init      (StrataCli *cli);
/* strata-cli-convert.c: init --from-alembic. */
int strata_cli_convert   (StrataCli *cli);
int strata_cli_revision  (StrataCli *cli);
int strata_cli_merge     (StrataCli *cli);
int strata_cli_edit      (StrataCli *cli);
int strata_cli_show      (StrataCli *cli);
int strata_cli_heads     (StrataCli *cli);
int strata_cli_branches  (StrataCli *cli);
int strata_cli_history   (StrataCli *cli);

/* strata-cli-status.c: the commands that read the database. */
int strata_cli_current   (StrataCli *cli);
int strata_cli_check     (StrataCli *cli);

/* strata-cli-migrate.c: the commands that change the database. */
int strata_cli_upgrade   (StrataCli *cli);
int strata_cli_downgrade (StrataCli *cli);
int strata_cli_stamp     (StrataCli *cli);
int strata_cli_ensure_version (StrataCli *cli);

/* strata-cli-autogen.c: revision --autogenerate, schema, and check's schema part. */
int      strata_cli_revision_autogenerate (StrataCli *cli);
int      strata_cli_schema                (StrataCli *cli);
/* Prints lint warnings and how head differs from schema.sql on stderr;
 * FALSE when it differs. */
gboolean strata_cli_check_schema          (StrataCli           *cli,
                                           StrataProject       *project,
                                           StrataRevisionGraph *graph);

/* strata-cli-safety.c: rehearse, backups and restore. */
int strata_cli_rehearse  (StrataCli *cli);
int strata_cli_backups   (StrataCli *cli);
int strata_cli_restore   (StrataCli *cli);
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
