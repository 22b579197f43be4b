/* fuzz-cli-args.c: libFuzzer target for strata-cli's argument parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a command line: arguments separated by NUL bytes, the first
 * one the first argument after "strata-cli". It goes through what run() does
 * before anything is opened: the global options, the verb lookup (with its
 * "did you mean"), and the verb's options and arguments. `strata-cli show
 * $'\x01'0` crashed the parser this replaced.
 */
#include <string.h>

#include "strata-cli-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
check_parsed (StrataCli           *cli,
              const StrataCliVerb *verb)
{
  g_assert (cli->args != NULL);
  g_assert (cli->args[cli->n_args] == NULL);
  for (int i = 0; i < cli->n_args; i++)
    g_assert (cli->args[i] != NULL);
  if (!cli->help)
    {
      g_assert (cli->n_args >= verb->min_args);
      g_assert (verb->max_args < 0 || cli->n_args <= verb->max_args);
    }
}

static void
parse (int    argc,
       char **argv)
{
  g_autoptr(GError) error = NULL;
  StrataCli cli = { 0 };
  gboolean version = FALSE;
  int verb_index = strata_cli_parse_globals (&cli, argc, argv, &version, &error);

  if (verb_index < 0)
    g_assert (error != NULL && error->message != NULL);
  else if (verb_index < argc)
    {
      const StrataCliVerb *verb;

      verb = strata_cli_find_verb (argv[verb_index], argc - verb_index - 1,
                                   argv + verb_index + 1);
      if (verb == NULL)
        {
          const char *names[] = { "upgrade", "downgrade", "history", NULL };

          (void)strata_cli_suggest (argv[verb_index], names);
        }
      else if (strata_cli_parse_verb (&cli, verb, argc - verb_index - 1,
                                      argv + verb_index + 1, &error))
        check_parsed (&cli, verb);
      else
        g_assert (error != NULL && error->message != NULL);
    }

  strata_cli_clear (&cli);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  if (size > 4096)
    return 0;

  g_ptr_array_add (argv, g_strdup ("strata-cli"));
  for (gsize i = 0; i <= size && argv->len < 64; i++)
    {
      if (i == size || data[i] == '\0')
        {
          g_ptr_array_add (argv, g_strndup ((const char *)data + start, i - start));
          start = i + 1;
        }
    }

  parse ((int)argv->len, (char **)argv->pdata);

  return 0;
}
