#!/usr/bin/env python3
"""Checks that the hand-written man pages describe the binaries as built:
every command tidemark-cli dispatches (app/cli/main.cpp) is listed by its
--help, every command and option of `tidemark-cli --help` is in tidemark-cli.1 (and
every option the page names exists in the CLI's sources), the exit codes
match, the version in the page header is the binary's, and tidemark.1 names
exactly the options of `tidemark --help`.

    check_man_page.py TIDEMARK_CLI TIDEMARK INSTALLER_DIR CLI_SOURCE_DIR
"""
import glob
import os
import re
import subprocess
import sys

cli, gui, installer, cli_sources = sys.argv[1:5]
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def plain(roff):
    """Roff source to text: font escapes and macro names gone, dashes plain."""
    text = re.sub(r"\\f[BIRP]", "", roff)
    text = text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    text = re.sub(r"\\\(\w\w", " ", text)
    lines = []
    for line in text.splitlines():
        if line.startswith(".\\\""):
            continue
        line = re.sub(r"^\.(B|I|BI|BR|IR|RB|RI|IB)\s+", "", line)
        lines.append(line.replace('"', ""))
    return "\n".join(lines)


def sections(roff):
    """{".SH name": [lines]} of a roff page."""
    out, current = {}, None
    for line in roff.splitlines():
        if line.startswith(".SH "):
            current = line[4:].strip().strip('"')
            out[current] = []
        elif current:
            out[current].append(line)
    return out


def entry_heads(lines):
    """The line after each .TP, as plain text."""
    return [plain(lines[i + 1]).strip() for i, l in enumerate(lines[:-1]) if l.strip() == ".TP"]


def no_display_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    return env


def run(*args):
    r = subprocess.run(args, capture_output=True, text=True, env=no_display_env(), timeout=60)
    if r.returncode != 0:
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


options = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")

# tidemark-cli
help_text = run(cli, "--help")
page = open(os.path.join(installer, "tidemark-cli.1"), encoding="utf-8").read()
parts = sections(page)
# Examples may show other programs' options (pgbackrest --stanza).
page_text = plain("\n".join(l for name, lines in parts.items() if name != "EXAMPLES" for l in lines))

commands = help_text.split("Commands:", 1)[1].split("\nURIs:", 1)[0]
help_commands = set()
for line in commands.splitlines():
    m = re.match(r"^  ([a-z][a-z-]*)(?: (init|load|add|remove))?\b", line)
    if m:
        help_commands.add(" ".join(w for w in m.groups() if w))
heads = entry_heads(parts.get("COMMANDS", []))
page_commands = set()
for head in heads:
    m = re.match(r"^([a-z][a-z-]*)(?: (init|load|add|remove))?\b", head)
    if m:
        page_commands.add(" ".join(w for w in m.groups() if w))

# Every command main() dispatches is listed by --help (and so, below, on the page).
main_source = open(os.path.join(cli_sources, "main.cpp"), encoding="utf-8").read()
dispatched = set(re.findall(r'\bc == "([a-z][a-z -]*)"', main_source))
dispatched |= set(re.findall(r'\bc\.rfind\("([a-z][a-z-]*) ", 0\) == 0', main_source))
if len(dispatched) < 10:
    fail(f"found only {len(dispatched)} dispatched commands in main.cpp; the check no longer reads it")
for c in sorted(dispatched - help_commands):
    fail(f"tidemark-cli dispatches '{c}', which tidemark-cli --help does not list")
for c in sorted(help_commands - dispatched - {"nodes add", "nodes remove"}):
    fail(f"tidemark-cli --help lists '{c}', which tidemark-cli does not dispatch")
for c in sorted(help_commands - page_commands):
    fail(f"command '{c}' of tidemark-cli --help is not described in tidemark-cli.1")
for c in sorted(page_commands - help_commands):
    fail(f"tidemark-cli.1 describes '{c}', which tidemark-cli --help does not list")

source_options = set()
for path in glob.glob(os.path.join(cli_sources, "*.cpp")):
    source_options |= set(re.findall(r'"(--[a-z][a-z-]*)', open(path, encoding="utf-8").read()))
help_options = set(options.findall(help_text))
page_options = set(options.findall(page_text))
for o in sorted(help_options - page_options):
    fail(f"option {o} of tidemark-cli --help is missing from tidemark-cli.1")
for o in sorted(page_options - source_options):
    fail(f"tidemark-cli.1 names {o}, which the CLI does not know")

help_codes = set(re.findall(r"(\d+) [a-z]", help_text.split("Exit codes:", 1)[1]))
exit_lines = parts.get("EXIT STATUS", [])
page_codes = {plain(h) for h in entry_heads(exit_lines)}
if help_codes != page_codes:
    fail(f"exit codes differ: --help {sorted(help_codes, key=int)}, man page {sorted(page_codes, key=int)}")

version = run(cli, "--version").split()[-1]
th = next((l for l in page.splitlines() if l.startswith(".TH ")), "")
if f"Tidemark {version}" not in th:
    fail(f"tidemark-cli.1 header '{th}' does not name version {version}")

# tidemark
gui_help = run(gui, "--help")
gui_page = open(os.path.join(installer, "tidemark.1"), encoding="utf-8").read()
gui_options = set(options.findall(gui_help))
gui_page_options = set(options.findall(plain("\n".join(sections(gui_page).get("OPTIONS", [])))))
for o in sorted(gui_options - gui_page_options):
    fail(f"option {o} of tidemark --help is missing from tidemark.1")
for o in sorted(gui_page_options - gui_options):
    fail(f"tidemark.1 names {o}, which tidemark --help does not list")
th = next((l for l in gui_page.splitlines() if l.startswith(".TH ")), "")
gui_version = run(gui, "--version").split()[-1]
if f"Tidemark {gui_version}" not in th:
    fail(f"tidemark.1 header '{th}' does not name version {gui_version}")

print(f"checked {len(dispatched)} dispatched and {len(help_commands)} listed commands, {len(help_options)} CLI options, {len(help_codes)} exit codes, "
      f"{len(gui_options)} desktop options")
sys.exit(1 if failures else 0)
