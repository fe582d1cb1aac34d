#!/bin/sh
# Runs a test binary inside a private D-Bus session with an unlocked
# gnome-keyring (Secret Service) in a throw-away HOME, as the keychain path
# of the desktop needs. Exit 77 (ctest: skipped) when the tools are missing.
#   run_with_keyring.sh BINARY [ARGS...]
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run_with_keyring: $tool is not installed (scripts/setup installs it)" >&2
    exit 77
  fi
done
if [ -z "${TIDEMARK_IN_KEYRING_SESSION:-}" ]; then
  export TIDEMARK_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
HOME=$(mktemp -d)
export HOME
trap 'rm -rf "$HOME"' EXIT
# --unlock reads the new login keyring's password from stdin. The daemon
# must not hold ctest's output pipe open; it exits with the private bus.
eval "$(printf 'tidemark-test' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
TIDEMARK_TEST_KEYCHAIN=1 "$@"
