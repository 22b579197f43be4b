/* strata-cli-generate.c: shell completions and the man page, from the verb table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "strata-cli --generate bash|zsh|fish|man" prints one of them; the build
 * runs it (data/cli/meson.build) and installs the result, so that a verb or
 * an option added to strata-cli-verbs.c reaches them without another edit.
 * They are written in English, whatever the locale of the build.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "strata-cli-private.h"

typedef void (*EachOption) (GString               *out,
                            const StrataCliOption *option,
                            gpointer               data);

static gboolean
is_listed (const StrataCliVerb *verb)
{
  return verb->variant == NULL;
}

/* The options of every entry named @name: "revision" and its variant. */
static void
foreach_verb_option (const char *name,
                     GString    *out,
                     EachOption  func,
                     gpointer    data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      const StrataCliVerb *verb = &strata_cli_verbs[v];

      if (!g_str_equal (verb->name, name))
        continue;
      for (const StrataCliOption *o = verb->options; o != NULL && o->long_name != NULL; o++)
        if (g_hash_table_add (seen, (gpointer)o->long_name))
          func (out, o, data);
    }
}

/* One line, without the characters each shell's syntax gives a meaning. */
static char *
plain (const char *text,
       const char *drop)
{
  GString *line = g_string_new (NULL);

  for (const char *p = text; *p != '\0' && *p != '\n'; p++)
    {
      if (strchr (drop, *p) == NULL)
        g_string_append_c (line, *p);
    }

  return g_string_free (line, FALSE);
}

/* bash ---------------------------------------------------------------------------- */

static void
bash_option (GString               *out,
             const StrataCliOption *option,
             gpointer               data)
{
  g_string_append_printf (out, " --%s", option->long_name);
  if (option->short_name != 0)
    g_string_append_printf (out, " -%c", option->short_name);
}

static void
generate_bash (GString *out)
{
  g_string_append (out,
                   "# bash completion for strata-cli, generated from its verb table\n"
                   "_strata_cli()\n"
                   "{\n"
                   "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                   "    local verb='' i opts\n"
                   "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                   "        case ${COMP_WORDS[i]} in\n"
                   "            -C|--directory|--database) ((i++)) ;;\n"
                   "            -*) ;;\n"
                   "            *) verb=${COMP_WORDS[i]}; break ;;\n"
                   "        esac\n"
                   "    done\n"
                   "    case $prev in\n"
                   "        -C|--directory) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
                   "        --database) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
                   "    esac\n"
                   "    local globals='");
  for (const StrataCliOption *o = strata_cli_global_options; o->long_name != NULL; o++)
    bash_option (out, o, NULL);
  g_string_append (out, " --help -h'\n    case $verb in\n        '') opts='--version");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    if (is_listed (&strata_cli_verbs[v]))
      g_string_append_printf (out, " %s", strata_cli_verbs[v].name);
  g_string_append (out, "' ;;\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      if (!is_listed (&strata_cli_verbs[v]))
        continue;
      g_string_append_printf (out, "        %s) opts='", strata_cli_verbs[v].name);
      foreach_verb_option (strata_cli_verbs[v].name, out, bash_option, NULL);
      g_string_append (out, "' ;;\n");
    }
  g_string_append (out,
                   "        *) opts='' ;;\n"
                   "    esac\n"
                   "    if [[ -z $verb && $cur != -* ]]; then\n"
                   "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
                   "    elif [[ $cur == -* ]]; then\n"
                   "        COMPREPLY=($(compgen -W \"$opts $globals\" -- \"$cur\"))\n"
                   "    elif [[ $verb == init || $verb == restore ]]; then\n"
                   "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                   "    else\n"
                   "        COMPREPLY=($(compgen -W 'head heads base current' -- \"$cur\"))\n"
                   "    fi\n"
                   "}\n"
                   "complete -F _strata_cli strata-cli\n");
}

/* zsh ----------------------------------------------------------------------------- */

static void
zsh_option (GString               *out,
            const StrataCliOption *option,
            gpointer               data)
{
  g_autofree char *description = plain (option->description, "[]:'\\`$");
  const char *indent = data;

  if (option->short_name != 0)
    g_string_append_printf (out, "%s'(-%c --%s)'{-%c,--%s}'[%s]", indent, option->short_name,
                            option->long_name, option->short_name, option->long_name,
                            description);
  else
    g_string_append_printf (out, "%s'--%s[%s]", indent, option->long_name, description);

  if (option->value != STRATA_CLI_VALUE_NONE)
    g_string_append_printf (out, ":%s:%s", option->value_name,
                            g_str_equal (option->long_name, "directory") ? "_files -/"
                            : g_str_equal (option->long_name, "database") ? "_files" : " ");
  g_string_append (out, "' \\\n");
}

static void
generate_zsh (GString *out)
{
  g_string_append (out,
                   "#compdef strata-cli\n"
                   "# zsh completion for strata-cli, generated from its verb table\n"
                   "\n"
                   "_strata_cli() {\n"
                   "  local -a verbs\n"
                   "  local state\n"
                   "  verbs=(\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      g_autofree char *summary = NULL;

      if (!is_listed (&strata_cli_verbs[v]))
        continue;
      summary = plain (strata_cli_verbs[v].summary, ":'\\`$");
      g_string_append_printf (out, "    '%s:%s'\n", strata_cli_verbs[v].name, summary);
    }
  g_string_append (out, "  )\n  _arguments -C \\\n");
  for (const StrataCliOption *o = strata_cli_global_options; o->long_name != NULL; o++)
    zsh_option (out, o, "    ");
  g_string_append (out,
                   "    '(- *)'{-h,--help}'[Show this help]' \\\n"
                   "    '(- *)--version[Print the version and exit]' \\\n"
                   "    '1: :->verb' \\\n"
                   "    '*:: :->args'\n"
                   "  case $state in\n"
                   "    verb) _describe 'command' verbs ;;\n"
                   "    args)\n"
                   "      case $words[1] in\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      if (!is_listed (&strata_cli_verbs[v]))
        continue;
      g_string_append_printf (out, "        %s) _arguments \\\n", strata_cli_verbs[v].name);
      foreach_verb_option (strata_cli_verbs[v].name, out, zsh_option, (gpointer)"            ");
      g_string_append (out, "            '(- *)'{-h,--help}'[Show this help]' \\\n"
                            "            '*:argument:(head heads base current)' ;;\n");
    }
  g_string_append (out,
                   "      esac ;;\n"
                   "  esac\n"
                   "}\n"
                   "\n"
                   "_strata_cli \"$@\"\n");
}

/* fish ---------------------------------------------------------------------------- */

static void
fish_option (GString               *out,
             const StrataCliOption *option,
             gpointer               data)
{
  g_autofree char *description = plain (option->description, "'\\");
  const char *verb = data;

  g_string_append (out, "complete -c strata-cli");
  if (verb != NULL)
    g_string_append_printf (out, " -n '__fish_seen_subcommand_from %s'", verb);
  g_string_append_printf (out, " -l %s", option->long_name);
  if (option->short_name != 0)
    g_string_append_printf (out, " -s %c", option->short_name);
  if (option->value != STRATA_CLI_VALUE_NONE)
    g_string_append (out, " -r");
  g_string_append_printf (out, " -d '%s'\n", description);
}

static void
generate_fish (GString *out)
{
  g_string_append (out, "# fish completion for strata-cli, generated from its verb table\n"
                        "complete -c strata-cli -f\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      g_autofree char *summary = NULL;

      if (!is_listed (&strata_cli_verbs[v]))
        continue;
      summary = plain (strata_cli_verbs[v].summary, "'\\");
      g_string_append_printf (out,
                              "complete -c strata-cli -n __fish_use_subcommand -a %s -d '%s'\n",
                              strata_cli_verbs[v].name, summary);
    }
  for (const StrataCliOption *o = strata_cli_global_options; o->long_name != NULL; o++)
    fish_option (out, o, NULL);
  g_string_append (out, "complete -c strata-cli -s h -l help -d 'Show this help'\n"
                        "complete -c strata-cli -n __fish_use_subcommand -l version "
                        "-d 'Print the version and exit'\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    if (is_listed (&strata_cli_verbs[v]))
      foreach_verb_option (strata_cli_verbs[v].name, out, fish_option,
                           (gpointer)strata_cli_verbs[v].name);
}

/* man ----------------------------------------------------------------------------- */

/* troff: backslashes doubled, dashes escaped, no line starting with a dot. */
static void
append_roff (GString    *out,
             const char *text)
{
  gboolean line_start = TRUE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (line_start && (*p == '.' || *p == '\''))
        g_string_append (out, "\\&");
      if ((guchar)*p >= 0x80)
        {
          /* groff reads ASCII: “ ” ’ … as escapes. */
          g_string_append_printf (out, "\\[u%04X]", g_utf8_get_char (p));
          p = g_utf8_next_char (p) - 1;
          line_start = FALSE;
          continue;
        }
      if (*p == '\\')
        g_string_append (out, "\\e");
      else if (*p == '-')
        g_string_append (out, "\\-");
      else if (*p == '\n' && p[1] == '\n')
        {
          g_string_append (out, "\n.PP\n");
          p++;
          line_start = TRUE;
          continue;
        }
      else if (*p == '\n' && p[1] == ' ')
        {
          /* The examples, indented: one line each. */
          g_string_append (out, "\n.br\n");
          line_start = TRUE;
          continue;
        }
      else
        g_string_append_c (out, *p);
      line_start = *p == '\n';
    }
  g_string_append_c (out, '\n');
}

static void
man_option (GString               *out,
            const StrataCliOption *option,
            gpointer               data)
{
  g_string_append (out, ".TP\n");
  if (option->short_name != 0)
    g_string_append_printf (out, "\\fB\\-%c\\fR, ", option->short_name);
  g_string_append (out, "\\fB\\-\\-");
  append_roff (out, option->long_name);
  g_string_truncate (out, out->len - 1);
  g_string_append (out, "\\fR");
  if (option->value != STRATA_CLI_VALUE_NONE)
    g_string_append_printf (out, " \\fI%s\\fR", option->value_name);
  g_string_append_c (out, '\n');
  append_roff (out, option->description);
}

static void
generate_man (GString *out)
{
  g_string_append_printf (out,
                          ".\\\" Generated from strata-cli's verb table: edit "
                          "src/cli/strata-cli-verbs.c.\n"
                          ".TH STRATA\\-CLI 1 \"\" \"strata %s\" \"User Commands\"\n"
                          ".SH NAME\n"
                          "strata\\-cli \\- manage the schema migrations of a SQLite database\n"
                          ".SH SYNOPSIS\n"
                          ".B strata\\-cli\n"
                          "[\\fIOPTION\\fR...] \\fICOMMAND\\fR [\\fIARGUMENT\\fR...]\n"
                          ".SH DESCRIPTION\n"
                          "Manage the schema migrations of a SQLite database, with Alembic's "
                          "semantics and revisions written in SQL. The project is the nearest "
                          "folder upwards that holds \\fIstrata.ini\\fR.\n"
                          ".SH GLOBAL OPTIONS\n"
                          "These go before or after the command.\n",
                          PACKAGE_VERSION);
  for (const StrataCliOption *o = strata_cli_global_options; o->long_name != NULL; o++)
    man_option (out, o, NULL);
  g_string_append (out, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the help of strata\\-cli, "
                        "or of the command it follows.\n"
                        ".TP\n\\fB\\-\\-version\\fR\nPrint the version and exit.\n"
                        ".SH COMMANDS\n");
  for (guint v = 0; v < strata_cli_n_verbs; v++)
    {
      const StrataCliVerb *verb = &strata_cli_verbs[v];

      g_autofree char *heading = g_strdup_printf ("%s%s%s%s%s", verb->name,
                                                  verb->variant != NULL ? " " : "",
                                                  verb->variant != NULL ? verb->variant : "",
                                                  verb->parameters != NULL ? " " : "",
                                                  verb->parameters != NULL ? verb->parameters : "");

      g_string_append (out, ".SS \"");
      append_roff (out, heading);
      g_string_truncate (out, out->len - 1);
      g_string_append (out, "\"\n");
      append_roff (out, verb->summary);
      g_string_truncate (out, out->len - 1);
      g_string_append (out, ".\n");
      if (verb->description != NULL)
        {
          g_string_append (out, ".PP\n");
          append_roff (out, verb->description);
        }
      for (const StrataCliOption *o = verb->options; o != NULL && o->long_name != NULL; o++)
        man_option (out, o, NULL);
    }
  g_string_append (out,
                   ".SH EXIT STATUS\n"
                   "0 on success, 1 on error, 2 on bad usage.\n"
                   ".SH ENVIRONMENT\n"
                   ".TP\n\\fBVISUAL\\fR, \\fBEDITOR\\fR\nThe editor of \\fBstrata\\-cli edit\\fR.\n"
                   ".TP\n\\fBTERM\\fR\nWith \\fBdumb\\fR, no progress line and no control codes.\n"
                   ".SH SEE ALSO\n"
                   "\\fBsqlite3\\fR(1), \\fBalembic\\fR(1)\n");
}

gboolean
strata_cli_generate (const char *kind)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (g_strcmp0 (kind, "bash") == 0)
    generate_bash (out);
  else if (g_strcmp0 (kind, "zsh") == 0)
    generate_zsh (out);
  else if (g_strcmp0 (kind, "fish") == 0)
    generate_fish (out);
  else if (g_strcmp0 (kind, "man") == 0)
    generate_man (out);
  else
    return FALSE;

  fwrite (out->str, 1, out->len, stdout);

  return TRUE;
}
