#!/usr/bin/python3
# e2e.py: drives the real `strata` binary as a person would, through the
# accessibility tree and keyboard shortcuts, on a copy of the example project.
# Checks the database after each step and saves a screenshot of each main view.
#
# Usage: e2e.py STRATA_BINARY SCREENSHOT_DIR
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

try:
    import gi
    gi.require_version('Atspi', '2.0')
    from gi.repository import Atspi
except (ImportError, ValueError) as error:
    print(f'1..0 # SKIP no AT-SPI bindings: {error}')
    sys.exit(0)

TIMEOUT = 30
HEAD = '8c6e3a0f1b25'
MERGE_PARENTS = ['6a4c1e8d9f03', '7b5d2f9e0a14']
SHIFT = 1 << 0  # the X11 modifier masks
CONTROL = 1 << 2
ALT = 1 << 3

binary, shots = sys.argv[1], sys.argv[2]
source_root = os.environ['STRATA_SOURCE_ROOT']
results = []


def tap(name, ok, note=''):
    results.append((name, ok))
    print(f'{"ok" if ok else "not ok"} {len(results)} {name}{" # " + note if note else ""}',
          flush=True)


def wait_for(what, condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f'timed out waiting for {what}')


def screenshot(name):
    # Let the last frame reach the X server before grabbing it.
    time.sleep(0.8)
    path = os.path.join(shots, f'e2e-{name}.png')
    subprocess.run(['import', '-window', 'root', path], check=True)
    print(f'# screenshot {path}', flush=True)


def find_app(name='strata'):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == name:
            return app
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        count = node.get_child_count()
    except Exception:
        return
    for i in range(count):
        yield from walk(node.get_child_at_index(i), depth + 1)


def find(root, role=None, name=None, prefix=None):
    for node in walk(root):
        try:
            if role and node.get_role_name() != role:
                continue
            node_name = node.get_name() or ''
            if name is not None and node_name != name:
                continue
            if prefix is not None and not node_name.startswith(prefix):
                continue
            return node
        except Exception:
            continue
    return None


def find_window_with(app, name):
    """The top-level window of @app that shows @name: a dialog, say."""
    for i in range(app.get_child_count()):
        window = app.get_child_at_index(i)
        if window is not None and find(window, name=name) is not None:
            return window
    return None


def find_response(root, name):
    """A dialog's response button @name: a push button beside a Cancel button.
    GTK 4.8 names a button with a mnemonic "_Label Label"."""
    def named(node, text):
        return (node.get_name() or '').split(' ')[-1] == text

    for node in walk(root):
        try:
            if node.get_role_name() != 'push button' or not named(node, name):
                continue
            parent = node.get_parent()
            siblings = [parent.get_child_at_index(i) for i in range(parent.get_child_count())]
            if any(s is not None and named(s, 'Cancel') for s in siblings):
                return node
        except Exception:
            continue
    return None


def press(key, modifiers=0):
    """Types @key (a keysym name's character or keysym number) with @modifiers held."""
    if modifiers:
        Atspi.generate_keyboard_event(modifiers, None, Atspi.KeySynthType.LOCKMODIFIERS)
    keysym = ord(key) if isinstance(key, str) else key
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    if modifiers:
        Atspi.generate_keyboard_event(modifiers, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


def click(node):
    # A GTK button's first action is its click.
    return Atspi.Action.do_action(node, 0)


def heads(database):
    if not os.path.exists(database):
        return []
    with sqlite3.connect(f'file:{database}?mode=ro', uri=True) as db:
        try:
            return sorted(row[0] for row in db.execute('SELECT version_num FROM alembic_version'))
        except sqlite3.OperationalError:
            return []


def start(env, *args):
    process = subprocess.Popen([binary, *args], env=env)

    def on_bus():
        # An app that could not start (no display, say) is a failure now,
        # with its exit status, not a 30-second wait for a name.
        if process.poll() is not None:
            raise RuntimeError(f'{binary} exited with status {process.returncode} before '
                               f'it reached the accessibility bus (DISPLAY={os.environ.get("DISPLAY")})')
        return find_app()

    app = wait_for('the application on the accessibility bus', on_bus)
    frame = wait_for('its window', lambda: find(app, role='frame'))
    return process, app, frame


def stop(process):
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main():
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix='strata-e2e-')
    project = os.path.join(work, 'maker-hub')
    shutil.copytree(os.path.join(source_root, 'migrations'), project,
                    ignore=shutil.ignore_patterns('*.db', '*.db-journal'))
    database = os.path.join(project, 'maker_hub.db')
    env = dict(os.environ)
    env.pop('NO_AT_BRIDGE', None)
    env.pop('GTK_A11Y', None)
    env['GSETTINGS_BACKEND'] = 'memory'
    Atspi.init()

    print('1..13', flush=True)
    process = None
    try:
        # Without a project: the start page.
        process, app, frame = start(env)
        tap('start page shows', find(app, name='Welcome to Strata') is not None
            or find(app, prefix='Open Project Folder') is not None)
        screenshot('start')
        stop(process)
        wait_for('the first instance to leave the bus', lambda: find_app() is None)

        process, app, frame = start(env, project)
        wait_for('the timeline', lambda: find(app, prefix='Merge pricing and storage'))
        tap('project opens with its timeline', True)
        screenshot('revision')

        # Preview of the upgrade, then close it.
        press('p', CONTROL)
        preview = wait_for('the preview', lambda: find(app, role='frame', name='Preview SQL'))
        sql = wait_for('the SQL', lambda: find(preview, role='text'))
        text = Atspi.Text.get_text(sql, 0, Atspi.Text.get_character_count(sql))
        tap('preview shows the SQL of the upgrade',
            'CREATE TABLE part' in text and 'CREATE VIEW part_stock' in text and heads(database) == [])
        screenshot('preview')
        press(0xff1b)  # Escape
        wait_for('the preview to close', lambda: find(app, role='frame', name='Preview SQL') is None)

        # Upgrade to head with Alt+U (Ctrl+U belongs to editing in GNOME's editors).
        press('u', ALT)
        try:
            wait_for('the upgrade', lambda: heads(database) == [HEAD], timeout=10)
        except TimeoutError:
            # No keyboard focus without a window manager: press the button.
            click(wait_for('the Upgrade button', lambda: find(app, role='push button', name='Upgrade')))
            wait_for('the upgrade', lambda: heads(database) == [HEAD])
        tap('upgrade to head', heads(database) == [HEAD])
        wait_for('the timeline to mark it current', lambda: find(app, prefix='Merge pricing and storage, Current'))
        screenshot('upgraded')

        # The database view, with the part table's structure and data.
        press('2', ALT)
        try:
            wait_for('the inspector', lambda: find(app, name='part_stock'), timeout=5)
        except TimeoutError:
            click(wait_for('the Database tab', lambda: find(app, name='Database')))
            wait_for('the inspector', lambda: find(app, name='part_stock'))
        part = wait_for('the part table', lambda: find(app, name='part'))
        tap('inspector lists part', part is not None)
        screenshot('database')
        data_tab = find(app, name='Data')
        if data_tab is not None:
            click(data_tab)
        screenshot('data')
        press('1', ALT)

        # Downgrade one step with Alt+D: at the merge it asks which branch to go
        # back along, then asks to confirm, then the merge is undone.
        press('d', ALT)
        branch_question = 'Which Branch?'
        try:
            branches = wait_for('the branch question',
                                lambda: find_window_with(app, branch_question), timeout=10)
        except TimeoutError:
            click(wait_for('the Downgrade button', lambda: find(app, role='push button', name='Downgrade')))
            branches = wait_for('the branch question', lambda: find_window_with(app, branch_question))
        tap('downgrade at a merge asks which branch', heads(database) == [HEAD])
        click(wait_for('the branch answer', lambda: find_response(branches, 'Continue')))
        question = 'Downgrade the Database?'
        dialog = wait_for('the question', lambda: find_window_with(app, question))
        tap('downgrade asks first', heads(database) == [HEAD])
        screenshot('downgrade-question')
        click(wait_for('the answer', lambda: find_response(dialog, 'Downgrade')))
        wait_for('the downgrade', lambda: heads(database) == MERGE_PARENTS)
        tap('downgrade one step', heads(database) == MERGE_PARENTS)
        wait_for('the timeline to show two current heads',
                 lambda: find(app, prefix='Add part price table, Current'))
        tap('timeline follows', True)
        screenshot('downgraded')

        # Rehearse the pending merge with Ctrl+Shift+R: it runs on a copy in memory.
        press('R', CONTROL | SHIFT)
        rehearsal = None
        try:
            rehearsal = wait_for('the rehearsal', lambda: find(app, role='frame', name='Rehearsal'),
                                 timeout=5)
        except TimeoutError:
            pass
        if rehearsal is None:
            # No keyboard focus without a window manager: the main menu has it.
            click(wait_for('the main menu', lambda: find(app, role='toggle button', name='Main Menu')))
            click(wait_for('Rehearse', lambda: find(app, prefix='Rehearse')))
            rehearsal = wait_for('the rehearsal', lambda: find(app, role='frame', name='Rehearsal'))
        summary = wait_for('the rehearsal to finish',
                           lambda: find(rehearsal, name='The revision downgrades and upgrades cleanly')
                           or find(rehearsal, prefix='1 finding'))
        tap('rehearsal of the pending merge', summary is not None and heads(database) == MERGE_PARENTS)
        screenshot('rehearsal')
        press(0xff1b)  # Escape
        wait_for('the rehearsal to close', lambda: find(app, role='frame', name='Rehearsal') is None)

        # The backups window with Ctrl+Shift+B: no run has dropped anything yet.
        press('B', CONTROL | SHIFT)
        backups = None
        try:
            backups = wait_for('the backups', lambda: find(app, role='frame', name='Backups'), timeout=5)
        except TimeoutError:
            click(wait_for('the main menu', lambda: find(app, role='toggle button', name='Main Menu')))
            click(wait_for('Backups', lambda: find(app, prefix='Backups')))
            backups = wait_for('the backups', lambda: find(app, role='frame', name='Backups'))
        empty = wait_for('the empty list', lambda: find(backups, name='No Backups Yet'))
        tap('backups window lists none', empty is not None)
        screenshot('backups')
        press(0xff1b)
        wait_for('the backups to close', lambda: find(app, role='frame', name='Backups') is None)

        press(0x3f, CONTROL)  # Ctrl+? opens the shortcuts window
        shortcuts = wait_for('the shortcuts window', lambda: find(app, name='Upgrade to head'))
        tap('shortcuts window', shortcuts is not None)
        screenshot('shortcuts')
        stop(process)
        tap('quits cleanly', process.returncode in (0, -15))
    finally:
        if process is not None and process.poll() is None:
            stop(process)
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ok for _, ok in results) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (TimeoutError, RuntimeError) as error:
        print(f'Bail out! {error}', flush=True)
        sys.exit(1)
