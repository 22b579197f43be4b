#!/usr/bin/env python3
# strata-alembic-render.py: the SQL of each revision of an Alembic project,
# rendered by Alembic itself in its offline ("--sql") mode, for SQLite.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# strata-cli init NEWDIR --from-alembic runs this with the user's Python
# (--python), in the folder of alembic.ini:
#
#     python3 strata-alembic-render.py path/to/alembic.ini
#
# Each revision's upgrade() and downgrade() run against Alembic's offline
# MigrationContext, so their op.* calls print SQL instead of executing it.
# env.py is not run: it only connects and calls run_migrations(), which
# would add Alembic's own version-table statements that Strata writes
# itself. The output, on stdout, is one record per revision:
#
#     @@strata revision ID
#     @@strata upgrade
#     SQL…
#     @@strata downgrade
#     SQL…
#     @@strata unfinished DIRECTION REASON   (instead of the SQL it could not render)
#
# Exit status 3: Alembic cannot be imported; 4: the project cannot be loaded.

import io
import re
import sys


class ReadsData(Exception):
    """A SELECT reached the offline context: the revision reads rows and
    decides from them, and offline there are no rows, so what it printed
    after that is not what it would do."""


def one_line(error):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def render(config, script, module, function):
    from alembic.operations import Operations
    from alembic.runtime.environment import EnvironmentContext

    buffer = io.StringIO()
    with EnvironmentContext(config, script, as_sql=True) as environment:
        environment.configure(dialect_name="sqlite", output_buffer=buffer,
                              literal_binds=True, transactional_ddl=False)
        with Operations.context(environment.get_context()):
            getattr(module, function)()
    sql = buffer.getvalue().strip() + "\n"
    for statement in sql.split(";\n\n"):
        if re.match(r"\s*select\b", statement, re.IGNORECASE):
            first = " ".join(statement.split())[:60]
            raise ReadsData(f"it reads data ({first}…), which rendering offline cannot answer")
    return sql


def main():
    if len(sys.argv) != 2:
        print("usage: strata-alembic-render.py ALEMBIC_INI", file=sys.stderr)
        return 2
    try:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
    except ImportError as error:
        print(one_line(error), file=sys.stderr)
        return 3
    try:
        config = Config(sys.argv[1])
        script = ScriptDirectory.from_config(config)
        revisions = list(script.walk_revisions("base", "heads"))
    except Exception as error:  # the user's modules may raise anything
        print(one_line(error), file=sys.stderr)
        return 4

    out = sys.stdout
    for revision in revisions:
        out.write(f"@@strata revision {revision.revision}\n")
        for function in ("upgrade", "downgrade"):
            try:
                sql = render(config, script, revision.module, function)
            except Exception as error:
                out.write(f"@@strata unfinished {function} {one_line(error)}\n")
                continue
            out.write(f"@@strata {function}\n{sql}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
