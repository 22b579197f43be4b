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

import inspect
import io
import re
import sys


class ReadsData(Exception):
    """A SELECT reached the offline context: the revision reads rows and
    decides from them, and offline there are no rows, so what it printed
    after that is not what it would do."""


class TakesParameters(Exception):
    """A statement left parameters to be given when it runs
    (conn.execute(stmt, {...}), an insert() without values): offline,
    Alembic drops them and prints NULL or ? in their place."""


class AsksIfOffline(Exception):
    """The function branches on context.is_offline_mode(): rendering is
    offline, so the branch it takes when it really runs is never printed."""


def one_line(error):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def unbound_parameters(construct, dialect):
    """The names of @construct's parameters that have no value yet."""
    from sqlalchemy import text

    if isinstance(construct, str):
        construct = text(construct)
    try:
        compiled = construct.compile(dialect=dialect)
    except Exception:  # not a statement SQLAlchemy compiles: Alembic says what
        return []
    return sorted(name for name, bind in getattr(compiled, "binds", {}).items()
                  if bind.required and bind.value is None and bind.callable is None)


def print_statements_faithfully(context):
    """Every statement, op.execute()'s and op.get_bind().execute()'s alike,
    reaches the offline context through impl._exec(). One that waits for
    parameters would print NULL or ? where the values belong: refused. And
    Alembic prints each statement with its tabs turned into four spaces, for
    its DDL's looks, those inside a value too: rows are printed here as
    compiled."""
    from sqlalchemy import schema, text

    impl = context.impl
    execute = impl._exec

    def checked(construct, *args, **kwargs):
        if isinstance(construct, str):
            construct = text(construct)
        names = unbound_parameters(construct, context.dialect)
        if names:
            first = " ".join(str(construct).split())[:60]
            raise TakesParameters(f"it runs a statement with parameters ({', '.join(names)}) "
                                  f"given only when it runs ({first}…), which rendering "
                                  "offline drops")
        if isinstance(construct, schema.DDLElement):
            return execute(construct, *args, **kwargs)
        compiled = construct.compile(dialect=context.dialect,
                                     compile_kwargs={"literal_binds": True})
        impl.static_output(str(compiled).strip() + impl.command_terminator)
        return None

    impl._exec = checked


def asks_if_offline(code):
    try:
        source = inspect.getsource(code)
    except (OSError, TypeError):
        return False
    return "is_offline_mode" in source


def render(config, script, module, function):
    from alembic.operations import Operations
    from alembic.runtime.environment import EnvironmentContext

    code = getattr(module, function)
    if asks_if_offline(code):
        raise AsksIfOffline("it asks context.is_offline_mode(), and rendering runs offline, so "
                            "what it does when it really runs is not rendered")
    buffer = io.StringIO()
    with EnvironmentContext(config, script, as_sql=True) as environment:
        environment.configure(dialect_name="sqlite", output_buffer=buffer,
                              literal_binds=True, transactional_ddl=False)
        context = environment.get_context()
        print_statements_faithfully(context)
        with Operations.context(context):
            code()
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
