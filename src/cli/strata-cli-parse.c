/* strata-cli-parse.c: the argument parser behind the verb table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It reads argv against the option lists of strata-cli-verbs.c and writes
 * the values into StrataCli; it prints nothing and opens nothing, so that the
 * fuzzer (tests/fuzz/fuzz-cli-args.c) can run it on any input.
 *
 * The forms are Alembic's (argparse's), not GOption's: "-r-3:current" and
 * "-mMSG" attach a value to a short option, "--rev-range=X" to a long one, a
 * unique prefix names a long option ("--autogen"), options and arguments mix
 * in any order, "--" ends the options, and an argument that starts with a
 * dash and a digit ("-1", "-3:current") is a relative revision, not an option.
 * The global options (-C, --database, --json, -q) are accepted after the verb
 * too ("check --database x").
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "strata-cli-private.h"

static const StrataCliOption help_options[] = {
  { "help", 'h', STRATA_CLI_VALUE_NONE, G_STRUCT_OFFSET (StrataCli, help),
    N_("Show this help"), NULL },
  { NULL }
};

static const StrataCliOption version_options[] = {
  { "version", 0, STRATA_CLI_VALUE_NONE, G_STRUCT_OFFSET (StrataCli, version),
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* The option lists searched for one command line, first match wins: the
 * verb's own options come before the global ones, so that "init --database
 * NAME" keeps its meaning. */
typedef struct
{
  const StrataCliOption *lists[4];
  guint                  n_lists;
} Options;

static void
options_add (Options               *options,
             const StrataCliOption *list)
{
  g_assert (options->n_lists < G_N_ELEMENTS (options->lists));

  if (list != NULL)
    options->lists[options->n_lists++] = list;
}

static gpointer
field (StrataCli             *cli,
       const StrataCliOption *option)
{
  return G_STRUCT_MEMBER_P (cli, option->offset);
}

static void
store (StrataCli             *cli,
       const StrataCliOption *option,
       const char            *value)
{
  switch (option->value)
    {
    case STRATA_CLI_VALUE_NONE:
      *(gboolean *)field (cli, option) = TRUE;
      break;
    case STRATA_CLI_VALUE_STRING:
      {
        char **slot = field (cli, option);

        g_free (*slot);
        *slot = g_strdup (value);
      }
      break;
    case STRATA_CLI_VALUE_STRINGS:
      {
        GStrv *slot = field (cli, option);
        guint n = *slot != NULL ? g_strv_length (*slot) : 0;

        *slot = g_renew (char *, *slot, n + 2);
        (*slot)[n] = g_strdup (value);
        (*slot)[n + 1] = NULL;
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Levenshtein distance, for "did you mean"; the words are short. */
static guint
distance (const char *a,
          const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;

  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[lb];
}

const char *
strata_cli_suggest (const char         *word,
                    const char * const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize length;

  if (word == NULL || candidates == NULL)
    return NULL;

  length = strlen (word);
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      guint d = distance (word, candidates[i]);

      /* "upg" for upgrade, as well as "upgarde". */
      if (length >= 3 && g_str_has_prefix (candidates[i], word))
        d = MIN (d, 1);
      if (d < best_distance)
        {
          best = candidates[i];
          best_distance = d;
        }
    }

  return best_distance <= MAX (1, MIN (3, length / 3)) ? best : NULL;
}

static GPtrArray *
long_names (const Options *options)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint l = 0; l < options->n_lists; l++)
    for (const StrataCliOption *o = options->lists[l]; o->long_name != NULL; o++)
      g_ptr_array_add (names, (gpointer)o->long_name);
  g_ptr_array_add (names, NULL);

  return names;
}

static void
set_unknown_option (const Options  *options,
                    const char     *given,
                    const char     *name,
                    GError        **error)
{
  g_autoptr(GPtrArray) names = long_names (options);
  const char *suggestion = strata_cli_suggest (name, (const char * const *)names->pdata);

  if (suggestion != NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                 _("unknown option “%s”; did you mean “--%s”?"), given, suggestion);
  else
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                 _("unknown option “%s”"), given);
}

/* An exact name, or else a prefix that only one option has. */
static const StrataCliOption *
find_long (const Options  *options,
           const char     *given,
           const char     *name,
           gsize           length,
           GError        **error)
{
  const StrataCliOption *found = NULL;
  guint n_found = 0;

  for (guint l = 0; l < options->n_lists; l++)
    for (const StrataCliOption *o = options->lists[l]; o->long_name != NULL; o++)
      if (strlen (o->long_name) == length && strncmp (o->long_name, name, length) == 0)
        return o;

  for (guint l = 0; l < options->n_lists; l++)
    for (const StrataCliOption *o = options->lists[l]; o->long_name != NULL; o++)
      if (length > 0 && strncmp (o->long_name, name, length) == 0 &&
          (found == NULL || !g_str_equal (found->long_name, o->long_name)))
        {
          found = o;
          n_found++;
        }

  if (n_found == 1)
    return found;

  if (n_found > 1)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                 _("the option “%s” is ambiguous: give more of its name"), given);
  else
    {
      g_autofree char *bare = g_strndup (name, length);

      set_unknown_option (options, given, bare, error);
    }

  return NULL;
}

static const StrataCliOption *
find_short (const Options  *options,
            char            letter)
{
  for (guint l = 0; l < options->n_lists; l++)
    for (const StrataCliOption *o = options->lists[l]; o->long_name != NULL; o++)
      if (o->short_name != 0 && o->short_name == letter)
        return o;

  return NULL;
}

static gboolean
is_option (const char *arg)
{
  /* "-" alone is an argument (standard input, by convention), and so is a
   * relative revision such as "-1" or "-2:head". */
  return arg[0] == '-' && arg[1] != '\0' && !g_ascii_isdigit (arg[1]);
}

static gboolean
parse_long (StrataCli      *cli,
            const Options  *options,
            int             argc,
            char          **argv,
            int            *index,
            GError        **error)
{
  const char *arg = argv[*index];
  const char *name = arg + 2;
  const char *equals = strchr (name, '=');
  gsize length = equals != NULL ? (gsize)(equals - name) : strlen (name);
  const StrataCliOption *option;

  if (!(option = find_long (options, arg, name, length, error)))
    return FALSE;

  if (option->value == STRATA_CLI_VALUE_NONE)
    {
      if (equals != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("the option “--%s” takes no value"), option->long_name);
          return FALSE;
        }
      store (cli, option, NULL);
      return TRUE;
    }

  if (equals != NULL)
    store (cli, option, equals + 1);
  else if (*index + 1 < argc)
    store (cli, option, argv[++*index]);
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("the option “--%s” needs a value: --%s %s"), option->long_name,
                   option->long_name, _(option->value_name));
      return FALSE;
    }

  return TRUE;
}

/* "-vi" is two flags; "-mMSG" and "-r-3:current" carry their value. */
static gboolean
parse_short (StrataCli      *cli,
             const Options  *options,
             int             argc,
             char          **argv,
             int            *index,
             GError        **error)
{
  const char *arg = argv[*index];

  for (gsize j = 1; arg[j] != '\0'; j++)
    {
      const StrataCliOption *option = find_short (options, arg[j]);

      if (option == NULL)
        {
          g_autofree char *given = g_strdup_printf ("-%c", arg[j]);
          g_autofree char *shown = g_strescape (given, NULL);

          set_unknown_option (options, shown, "", error);
          return FALSE;
        }

      if (option->value == STRATA_CLI_VALUE_NONE)
        {
          store (cli, option, NULL);
          continue;
        }

      if (arg[j + 1] != '\0')
        store (cli, option, arg + j + 1);
      else if (*index + 1 < argc)
        store (cli, option, argv[++*index]);
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("the option “-%c” needs a value: -%c %s"), arg[j], arg[j],
                       _(option->value_name));
          return FALSE;
        }
      return TRUE;
    }

  return TRUE;
}

static gboolean
parse_option (StrataCli      *cli,
              const Options  *options,
              int             argc,
              char          **argv,
              int            *index,
              GError        **error)
{
  if (argv[*index][1] == '-')
    return parse_long (cli, options, argc, argv, index, error);

  return parse_short (cli, options, argc, argv, index, error);
}

int
strata_cli_parse_globals (StrataCli  *cli,
                          int         argc,
                          char      **argv,
                          gboolean   *version,
                          GError    **error)
{
  Options options = { 0 };
  int i;

  options_add (&options, strata_cli_global_options);
  options_add (&options, help_options);
  options_add (&options, version_options);

  for (i = 1; i < argc; i++)
    {
      if (!is_option (argv[i]))
        break;
      if (g_str_equal (argv[i], "--"))
        return i + 1;
      if (!parse_option (cli, &options, argc, argv, &i, error))
        return -1;
    }

  if (version != NULL)
    *version = cli->version;

  return i;
}

const StrataCliVerb *
strata_cli_find_verb (const char  *name,
                      int          argc,
                      char       **argv)
{
  const StrataCliVerb *plain = NULL;

  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      const StrataCliVerb *verb = &strata_cli_verbs[v];

      if (!g_str_equal (verb->name, name))
        continue;
      if (verb->variant == NULL)
        {
          plain = plain != NULL ? plain : verb;
          continue;
        }
      for (int i = 0; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--"))
            break;
          /* "--autogen" picks "--autogenerate", as the option's prefix would. */
          if (g_str_equal (argv[i], verb->variant) ||
              (strlen (argv[i]) >= 4 && g_str_has_prefix (verb->variant, argv[i])))
            return verb;
        }
    }

  return plain;
}

static gboolean
check_required (StrataCli            *cli,
                const StrataCliVerb  *verb,
                GError              **error)
{
  for (const StrataCliOption *o = verb->options; o != NULL && o->long_name != NULL; o++)
    {
      /* Only string options can be required; a flag's field is no pointer. */
      if (!o->required || o->value == STRATA_CLI_VALUE_NONE ||
          *(gpointer *)field (cli, o) != NULL)
        continue;
      if (o->short_name != 0)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                     _("%s needs the option -%c %s (--%s)"), verb->name, o->short_name,
                     _(o->value_name), o->long_name);
      else
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                     _("%s needs the option --%s %s"), verb->name, o->long_name,
                     _(o->value_name));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_arguments (StrataCli            *cli,
                 const StrataCliVerb  *verb,
                 GError              **error)
{
  if (cli->n_args < verb->min_args && verb->missing != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _(verb->missing));
      return FALSE;
    }

  if (cli->n_args < verb->min_args)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("%s needs %s"), verb->name,
                   verb->parameters != NULL ? _(verb->parameters) : "");
      return FALSE;
    }

  if (verb->max_args >= 0 && cli->n_args > verb->max_args)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("unexpected argument “%s”"), cli->args[verb->max_args]);
      return FALSE;
    }

  return TRUE;
}

gboolean
strata_cli_parse_verb (StrataCli            *cli,
                       const StrataCliVerb  *verb,
                       int                   argc,
                       char                **argv,
                       GError              **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  Options options = { 0 };
  gboolean options_done = FALSE;

  options_add (&options, verb->options);
  options_add (&options, strata_cli_global_options);
  options_add (&options, help_options);

  for (int i = 0; i < argc; i++)
    {
      if (options_done || !is_option (argv[i]))
        g_ptr_array_add (args, argv[i]);
      else if (g_str_equal (argv[i], "--"))
        options_done = TRUE;
      else if (!parse_option (cli, &options, argc, argv, &i, error))
        return FALSE;
    }

  g_ptr_array_add (args, NULL);
  g_free (cli->args);
  cli->n_args = args->len - 1;
  cli->args = (char **)g_ptr_array_free (g_steal_pointer (&args), FALSE);

  /* "strata-cli upgrade --help" needs no TARGET. */
  if (cli->help)
    return TRUE;

  return check_arguments (cli, verb, error) &&
         check_required (cli, verb, error) &&
         (cli->rev_id == NULL || strata_cli_check_rev_id (cli->rev_id, error));
}

/* What --rev-id may be. The id becomes a file name and a row of the version
 * table, whose column Alembic makes VARCHAR(32); Alembic refuses "@", "-"
 * and "+" in it (they are revision syntax), and the symbols would shadow it. */
gboolean
strata_cli_check_rev_id (const char  *id,
                         GError     **error)
{
  const char *reserved[] = { "head", "heads", "base", "current" };
  gsize length = strlen (id);
  gboolean valid = length >= 1 && length <= 32;

  for (const char *p = id; valid && *p != '\0'; p++)
    valid = g_ascii_isalnum (*p) || *p == '_';
  for (guint i = 0; valid && i < G_N_ELEMENTS (reserved); i++)
    valid = g_ascii_strcasecmp (id, reserved[i]) != 0;

  if (!valid)
    {
      g_autofree char *shown = g_strescape (id, NULL);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” cannot be a revision id: an id is 1 to 32 letters, digits or "
                     "underscores (the version table holds 32 characters), and not “head”, "
                     "“heads”, “base” or “current”"), shown);
    }

  return valid;
}

void
strata_cli_clear (StrataCli *cli)
{
  g_clear_pointer (&cli->directory, g_free);
  g_clear_pointer (&cli->database, g_free);
  g_clear_pointer (&cli->env_database, g_free);
  g_clear_pointer (&cli->message, g_free);
  g_clear_pointer (&cli->head, g_free);
  g_clear_pointer (&cli->branch_label, g_free);
  g_clear_pointer (&cli->rev_id, g_free);
  g_clear_pointer (&cli->rev_range, g_free);
  g_clear_pointer (&cli->init_database, g_free);
  g_clear_pointer (&cli->from_alembic, g_free);
  g_clear_pointer (&cli->python, g_free);
  g_clear_pointer (&cli->depends_on, g_strfreev);
  g_clear_pointer (&cli->renames, g_strfreev);
  g_clear_pointer (&cli->fills, g_strfreev);
  g_clear_pointer (&cli->args, g_free);
  g_clear_object (&cli->graph);
  g_clear_object (&cli->project);
}
