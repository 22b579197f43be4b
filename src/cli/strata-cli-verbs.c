/* strata-cli-verbs.c: the verb table, every command of strata-cli in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each entry states, once, what a command takes:
 *
 *   name         what the user types ("upgrade")
 *   variant      NULL; or an option that picks this entry over the plain one
 *                of the same name ("revision --autogenerate")
 *   run          int strata_cli_VERB (StrataCli *cli): it finds its option
 *                values in cli's fields, its arguments in cli->args
 *                (cli->n_args of them), and cli->project and cli->graph
 *                loaded when `load` asks for them
 *   summary      one line for "strata-cli --help"
 *   parameters   the arguments in the usage line ("TARGET"), or NULL
 *   description  the rest of "strata-cli VERB --help", examples included
 *   min_args, max_args
 *                how many arguments (max -1: any number); outside that range
 *                is a usage error (exit 2) before anything is opened
 *   load         STRATA_CLI_LOAD_NOTHING, _PROJECT or _GRAPH
 *   options      the verb's own options, each pointing at a field of
 *                StrataCli (strata-cli-private.h) by its offset; `required`
 *                makes one mandatory. The global options (-C, --database,
 *                --json, -q) and --help are added to every verb.
 *   missing      optional: what to say when arguments are missing (else
 *                "VERB needs PARAMETERS")
 *
 * To add a verb: write its function, declare it in strata-cli-private.h, add
 * an entry here (fields for new options go in StrataCli). The help, the
 * shell completions and the man page (strata-cli --generate) all come from
 * this table, and tests/cli checks that every verb has them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "strata-cli-private.h"

#define FIELD(name) G_STRUCT_OFFSET (StrataCli, name)
#define FLAG(long_name, short_name, name, description) \
  { long_name, short_name, STRATA_CLI_VALUE_NONE, FIELD (name), description, NULL, FALSE }
#define STRING(long_name, short_name, name, description, value_name) \
  { long_name, short_name, STRATA_CLI_VALUE_STRING, FIELD (name), description, value_name, FALSE }
#define STRINGS(long_name, short_name, name, description, value_name) \
  { long_name, short_name, STRATA_CLI_VALUE_STRINGS, FIELD (name), description, value_name, FALSE }
#define REQUIRED(long_name, short_name, name, description, value_name) \
  { long_name, short_name, STRATA_CLI_VALUE_STRING, FIELD (name), description, value_name, TRUE }
#define END { NULL }

/* Options several verbs share. */
#define VERBOSE FLAG ("verbose", 'v', verbose, N_("Show every detail"))
#define SQL FLAG ("sql", 0, sql, \
                  N_("Print the SQL instead of running it; TARGET may be a start:end range"))
#define REV_ID STRING ("rev-id", 0, rev_id, \
                       N_("The id to use instead of 12 random hex digits"), N_("ID"))

const StrataCliOption strata_cli_global_options[] = {
  STRING ("directory", 'C', directory,
          N_("Use the project in DIR (default: the nearest folder upwards holding strata.ini)"),
          N_("DIR")),
  STRING ("database", 0, database,
          N_("Use the database at PATH instead of the configured one"), N_("PATH")),
  FLAG ("json", 0, json,
        N_("Print JSON (current, history, heads, branches, show, check, rehearse, backups)")),
  FLAG ("quiet", 'q', quiet, N_("Print only errors and what was asked for, no progress")),
  END
};

const StrataCliVerb strata_cli_verbs[] = {
  { "init", NULL, strata_cli_init,
    N_("Create a new project"),
    N_("DIR"),
    N_("Writes DIR/strata.ini, an empty versions folder and its revision template.\n"
       "A folder that already holds strata.ini is refused.\n\n"
       "With --from-alembic, the versions folder gets the Alembic project’s revisions in "
       "SQL, rendered by Alembic itself with the Python --python names; a revision Alembic "
       "cannot render is written with its Python as a comment, for you to finish "
       "(docs/alembic.md).\n\n"
       "Examples:\n"
       "  strata-cli init inventory --database inventory.db\n"
       "  strata-cli init strata --from-alembic . --python .venv/bin/python"),
    1, 1, STRATA_CLI_LOAD_NOTHING,
    (const StrataCliOption[]) {
      STRING ("database", 0, init_database,
              N_("The database file, relative to DIR (default: the folder’s name with .db)"),
              N_("NAME")),
      STRING ("from-alembic", 0, from_alembic,
              N_("Convert the Alembic project at PATH (the folder of alembic.ini, or the file)"),
              N_("PATH")),
      STRING ("python", 0, python,
              N_("The Python that runs Alembic and imports the project (default: python3)"),
              N_("PYTHON")),
      FLAG ("strict", 0, strict,
            N_("Exit 1 when a revision is left for you to finish")),
      END } },

  { "revision", NULL, strata_cli_revision,
    N_("Create a new revision file"),
    NULL,
    N_("The file is written to the versions folder, revising the single head unless "
       "--head says otherwise. With --autogenerate its SQL is written from schema.sql: see "
       "“strata-cli revision --autogenerate --help”.\n\n"
       "Examples:\n"
       "  strata-cli revision -m \"add supplier table\"\n"
       "  strata-cli revision -m \"start audit\" --head base --branch-label audit\n"
       "  strata-cli revision -m \"more pricing\" --head pricing@head"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      REQUIRED ("message", 'm', message, N_("The revision’s message"), N_("MSG")),
      STRING ("head", 0, head,
              N_("The revision to build on (default: the single head; “base” for a new base)"),
              N_("REV")),
      STRING ("branch-label", 0, branch_label, N_("A branch label for the new revision"),
              N_("LABEL")),
      STRINGS ("depends-on", 0, depends_on,
               N_("A revision or label the new one depends on (repeatable)"), N_("REV")),
      REV_ID,
      FLAG ("splice", 0, splice,
            N_("Allow --head to name a revision that is not a head, starting a branch")),
      END } },

  { "revision", "--autogenerate", strata_cli_revision_autogenerate,
    N_("Create a revision from the schema file"),
    NULL,
    N_("Head is built by replaying every revision in memory; the database is not needed. "
       "See docs/autogenerate.md.\n\n"
       "Example:\n"
       "  strata-cli revision --autogenerate -m \"add price\" --rename part.cost:price"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      FLAG ("autogenerate", 0, autogenerate,
            N_("Write the SQL from the difference between head and the schema file")),
      REQUIRED ("message", 'm', message, N_("The revision’s message"), N_("MSG")),
      STRINGS ("rename", 0, renames,
               N_("A table (old:new) or column (table.old:new) that was renamed (repeatable)"),
               N_("OLD:NEW")),
      FLAG ("allow-drop", 0, allow_drop,
            N_("Drop the tables and columns schema.sql no longer has, with their data")),
      STRINGS ("fill", 0, fills,
               N_("Where the copy of a table finds NULL in a column that becomes NOT NULL, "
                  "put VALUE (SQL) instead (repeatable)"),
               N_("TABLE.COLUMN=VALUE")),
      REV_ID,
      END } },

  { "upgrade", NULL, strata_cli_upgrade,
    N_("Upgrade to a later revision"),
    N_("TARGET"),
    N_("TARGET is head, heads, an id or prefix, a label, label@head, +N, REV+N or label@+N. "
       "Each revision runs in one transaction with its version-table update: it lands whole "
       "or not at all. ^C rolls back the revision in progress.\n\n"
       "Examples:\n"
       "  strata-cli upgrade head\n"
       "  strata-cli upgrade +1\n"
       "  strata-cli upgrade pricing@head\n"
       "  strata-cli upgrade --sql base:head > upgrade.sql"),
    1, 1, STRATA_CLI_LOAD_PROJECT,
    (const StrataCliOption[]) { SQL, END } },

  { "downgrade", NULL, strata_cli_downgrade,
    N_("Revert to an earlier revision"),
    N_("TARGET"),
    N_("TARGET is base, an id or prefix, a label, label@base, -N, REV-N or label@-N. With "
       "several heads, -N is refused: name the head to step back from.\n\n"
       "Examples:\n"
       "  strata-cli downgrade -1\n"
       "  strata-cli downgrade base\n"
       "  strata-cli downgrade --sql head:base > downgrade.sql"),
    1, 1, STRATA_CLI_LOAD_PROJECT,
    (const StrataCliOption[]) { SQL, END } },

  { "current", NULL, strata_cli_current,
    N_("Show the current revision of the database"),
    NULL,
    N_("Prints one line per row of the version table; nothing for a database at base or "
       "not created yet.\n\n"
       "Example:\n  strata-cli current --verbose"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) { VERBOSE, END } },

  { "history", NULL, strata_cli_history,
    N_("List revisions, newest first"),
    NULL,
    N_("Examples:\n"
       "  strata-cli history --indicate-current\n"
       "  strata-cli history -r 27c6:head\n"
       "  strata-cli history -r current:"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      STRING ("rev-range", 'r', rev_range,
              N_("Only revisions in [start]:[end], [start]: or :[end]; “current” allowed"),
              N_("RANGE")),
      FLAG ("indicate-current", 'i', indicate_current,
            N_("Mark the database’s current revision(s)")),
      VERBOSE,
      END } },

  { "heads", NULL, strata_cli_heads,
    N_("Show the heads of the revision graph"),
    NULL,
    N_("A head is a revision that no other revision revises. Several heads mean unmerged "
       "branches.\n\n"
       "Example:\n  strata-cli heads --verbose"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      VERBOSE,
      FLAG ("resolve-dependencies", 0, resolve_dependencies,
            N_("Treat a revision that another depends on as no head, as Alembic does")),
      END } },

  { "branches", NULL, strata_cli_branches,
    N_("Show the branch points"),
    NULL,
    N_("A branch point is a revision that two or more revisions revise.\n\n"
       "Example:\n  strata-cli branches"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) { VERBOSE, END } },

  { "show", NULL, strata_cli_show,
    N_("Show one or more revisions"),
    N_("REV"),
    N_("REV may be an id, a prefix, a label, “head”, “heads”, “label@head” or “current”. "
       "With --json each revision carries its upgrade and downgrade SQL.\n\n"
       "Example:\n  strata-cli show 4d0e"),
    1, 1, STRATA_CLI_LOAD_GRAPH,
    NULL },

  { "stamp", NULL, strata_cli_stamp,
    N_("Set the version table without running any SQL"),
    N_("TARGET…"),
    N_("For a database whose schema is already at TARGET, made by hand or by another "
       "tool. Several TARGETs stamp several branches at once.\n\n"
       "Examples:\n"
       "  strata-cli stamp head\n"
       "  strata-cli stamp --purge 27c6a30d7c24"),
    1, -1, STRATA_CLI_LOAD_PROJECT,
    (const StrataCliOption[]) {
      FLAG ("purge", 0, purge, N_("Delete every row of the version table first")),
      SQL,
      END } },

  { "ensure_version", NULL, strata_cli_ensure_version,
    N_("Create the version table if it does not exist"),
    NULL,
    N_("Creates the database and its version table, as Alembic would, when they do not "
       "exist yet; changes nothing otherwise.\n\n"
       "Example:\n  strata-cli ensure_version"),
    0, 0, STRATA_CLI_LOAD_PROJECT,
    NULL },

  { "merge", NULL, strata_cli_merge,
    N_("Merge heads into a new revision"),
    N_("REVS…"),
    N_("REVS are ids, prefixes, labels or “heads”.\n\n"
       "Example:\n  strata-cli merge -m \"merge pricing and storage\" heads"),
    1, -1, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      REQUIRED ("message", 'm', message, N_("The merge revision’s message"), N_("MSG")),
      STRING ("branch-label", 0, branch_label, N_("A branch label for the new revision"),
              N_("LABEL")),
      REV_ID,
      END } },

  { "edit", NULL, strata_cli_edit,
    N_("Open a revision file in $VISUAL or $EDITOR"),
    N_("REV"),
    N_("Uses $VISUAL, else $EDITOR. REV may be an id, a prefix, a label, “head” or "
       "“current”.\n\n"
       "Example:\n  EDITOR=nano strata-cli edit 27c6"),
    1, 1, STRATA_CLI_LOAD_GRAPH,
    NULL },

  { "check", NULL, strata_cli_check,
    N_("Fail when the database is not up to date"),
    NULL,
    N_("Exits 1 when revisions are pending, when an applied revision’s file was edited "
       "afterwards, or when the version table names an unknown revision (with --rehearse, "
       "also when a rehearsal finds a problem); 0 otherwise.\n\n"
       "Example:\n  strata-cli check && echo up to date"),
    0, 0, STRATA_CLI_LOAD_GRAPH,
    (const StrataCliOption[]) {
      FLAG ("rehearse", 0, rehearse,
            N_("Also rehearse the pending revisions on a copy in memory (strata-cli rehearse)")),
      END } },

  { "rehearse", NULL, strata_cli_rehearse,
    N_("Try an upgrade and each downgrade on a copy in memory"),
    N_("[TARGET]"),
    N_("Copies the database into memory, upgrades it to TARGET (default: heads), and for "
       "each revision runs its downgrade and its upgrade again, comparing the schema after "
       "each step with the one before. Reports every failing statement and every downgrade "
       "that does not restore the schema. The database itself is never written.\n\n"
       "Exits 1 when something was found, 0 otherwise."),
    0, 1, STRATA_CLI_LOAD_PROJECT,
    NULL },

  { "backups", NULL, strata_cli_backups,
    N_("List the backups of the database"),
    NULL,
    N_("Backups are taken before a run that drops a table or a column (before every run "
       "with “backup = always” in strata.ini), into backup_dir (default backups/).\n\n"
       "Example:\n  strata-cli restore $(strata-cli backups | head -n 1 | cut -d' ' -f1)"),
    0, 0, STRATA_CLI_LOAD_PROJECT,
    NULL },

  { "restore", NULL, strata_cli_restore,
    N_("Put a backup back as the database"),
    N_("NAME"),
    N_("NAME is a backup as “strata-cli backups” lists it, or a path. The backup is checked "
       "first; the database it replaces is backed up itself, and the copy goes in as one "
       "transaction, so nothing is lost if it fails half-way. Old backups are pruned only "
       "after it succeeded. A file that is not a backup of this database (another "
       "database’s, a copy from elsewhere) is refused without --foreign."),
    1, 1, STRATA_CLI_LOAD_PROJECT,
    (const StrataCliOption[]) {
      FLAG ("foreign", 0, foreign,
            N_("Restore it even though it is not a backup of this database")),
      END },
    N_("restore needs the NAME of a backup") },

  { "schema", NULL, strata_cli_schema,
    N_("Print the schema as normalised CREATE statements"),
    NULL,
    N_("A start for schema.sql. Reads the database read-only; with --head, no database is "
       "needed.\n\n"
       "Example:\n  strata-cli schema > schema.sql"),
    0, 0, STRATA_CLI_LOAD_PROJECT,
    (const StrataCliOption[]) {
      FLAG ("head", 0, at_head,
            N_("Print the schema at head (every revision replayed in memory) instead of the "
               "database’s")),
      END } },
};

const guint strata_cli_n_verbs = G_N_ELEMENTS (strata_cli_verbs);
