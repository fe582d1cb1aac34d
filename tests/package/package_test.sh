#!/usr/bin/env bash
# Builds the Debian package from an already built tree, unpacks it into a
# temporary root (not /usr) and runs the installed binaries from there: the
# plugins and translations must be found relative to the executables, never in
# the build tree. Then validates the AppStream metainfo and the desktop entry,
# and fails on any lintian error (warnings are printed).
#   package_test.sh BUILD_DIR LRELEASE PRIVATE_LIBDIR (lib/tidemark: relative to the prefix)
set -euo pipefail
build=$(cd "$1" && pwd)
lrelease=$2
privlib=/usr/${3:-lib/tidemark}
for tool in cpack dpkg-deb lintian appstreamcli desktop-file-validate; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/setup installs it)"; exit 1; }
done
work=$(mktemp -d /tmp/tidemark-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else fail "$what"; fi; }

echo "== cpack -G DEB"
start=$(date +%s)
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1
fi
echo "cpack took $(( $(date +%s) - start )) s"
debs=("$work"/out/tidemark_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { ls -l "$work/out"; echo "FAIL: expected one tidemark_*.deb"; exit 1; }
deb=${debs[0]}
ls -l "$deb"
dpkg-deb -f "$deb"

echo "== dependencies computed by dpkg-shlibdeps"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6svg6 libqt6core6 libqt6widgets6 libqt6charts6 libsqlite3-0 libpq5 libqt6keychain1 libc6; do
  check "Depends names $lib" grep -q "\b$lib\b" <<<"$depends"
done

echo "== contents in the standard places"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for f in /usr/bin/tidemark /usr/bin/tidemark-cli \
  "$privlib/libtidemark-engine.so.0" "$privlib/libtidemark-connector-sqlite.so.0" \
  "$privlib/connectors/libtidemark-sqlite.so" "$privlib/connectors/libtidemark-postgres.so" \
  /usr/share/tidemark/translations/tidemark_de.qm /usr/share/tidemark/translations/tidemark_en.qm \
  /usr/share/applications/org.tidemark.Tidemark.desktop /usr/share/metainfo/org.tidemark.Tidemark.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/tidemark.svg /usr/share/man/man1/tidemark-cli.1.gz \
  /usr/share/man/man1/tidemark.1.gz /usr/share/doc/tidemark/copyright /usr/share/doc/tidemark/changelog.gz; do
  check "package holds $f" grep -qx -- "$f" "$work/contents"
done
check "no development files (headers, static libraries, .so links of the private libraries)" \
  bash -c "! grep -E '(\.h|\.a|^$privlib/lib[^/]*\.so)$' '$work/contents'"

echo "== run from an unpacked root"
root="$work/root"
dpkg-deb -x "$deb" "$root"
check "no build-tree path in any RUNPATH" bash -c "
  for f in \$(find '$root' -type f \( -name '*.so*' -o -path '*/bin/*' \)); do
    readelf -d \"\$f\" | grep -E 'R(UN)?PATH' | grep -q '$build' && { echo \"\$f\"; exit 1; }
  done; exit 0"
# As a user of the package would run it: no build-tree hints, no display.
runenv=(env -u TIDEMARK_PLUGIN_DIR -u TIDEMARK_BIN_DIR -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM
  -u LD_LIBRARY_PATH HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config"
  LC_ALL=C.UTF-8 LANG=C.UTF-8)
mkdir -p "$work/home"
cli="$root/usr/bin/tidemark-cli"
"${runenv[@]}" "$cli" plugins >"$work/plugins.txt" 2>&1 || fail "tidemark-cli plugins exited $?"
cat "$work/plugins.txt"
for id in sqlite postgres; do
  check "plugin $id loaded from the unpacked root" \
    grep -qE "^$id +loaded +$root$privlib/connectors/libtidemark-$id\.so$" "$work/plugins.txt"
done
check "nothing loaded from the build tree" bash -c "! grep -q '$build' '$work/plugins.txt'"
check "no plugin refused" bash -c "! grep -q REFUSED '$work/plugins.txt'"

store="$work/store.db"
if "${runenv[@]}" "$cli" --store "$store" demo init "$work/demo.db" --rows 20000 --partitions 8 >"$work/demo.txt" 2>&1; then
  echo "ok: tidemark-cli demo init"
else
  cat "$work/demo.txt"; fail "tidemark-cli demo init"
fi
# scan goes through the loaded sqlite plugin (demo init links the connector directly).
if "${runenv[@]}" "$cli" --store "$store" --json scan "sqlite://$work/demo.db" >"$work/scan.json" 2>"$work/scan.err"; then
  check "scan through the installed plugin sees 8 partitions of 20,000 rows" \
    python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['scores']; sys.exit(0 if len(s)==8 and sum(x['rows'] for x in s)==20000 else 1)" "$work/scan.json"
else
  cat "$work/scan.err"; fail "tidemark-cli scan"
fi

gui="$root/usr/bin/tidemark"
version=$("${runenv[@]}" "$gui" --version 2>&1) || fail "tidemark --version exited $? without a display"
check "tidemark --version without a display: $version" grep -qE '^tidemark [0-9]+\.[0-9]+\.[0-9]+$' <<<"$version"
# The installed .qm files come first: replace the German one and see it used.
cat >"$work/marker_de.ts" <<'TS'
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Watch partitions, review and approve plans, and watch them run.</source>
        <translation>Aus dem installierten Ordner übersetzt.</translation>
    </message>
</context>
</TS>
TS
"$lrelease" -silent "$work/marker_de.ts" -qm "$root/usr/share/tidemark/translations/tidemark_de.qm"
help_de=$(env -u TIDEMARK_PLUGIN_DIR -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM HOME="$work/home" \
  LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 LANGUAGE=de "$gui" --help 2>&1) || fail "tidemark --help (de) exited $?"
check "translations read from <prefix>/share/tidemark/translations" grep -q "Aus dem installierten Ordner" <<<"$help_de"

echo "== metainfo and desktop entry"
if appstreamcli validate --no-net --explain "$root/usr/share/metainfo/org.tidemark.Tidemark.metainfo.xml" \
    >"$work/appstream.txt" 2>&1; then
  echo "ok: appstreamcli validate"
else
  fail "appstreamcli validate"
fi
cat "$work/appstream.txt"
if desktop-file-validate "$root/usr/share/applications/org.tidemark.Tidemark.desktop" >"$work/desktop.txt" 2>&1; then
  echo "ok: desktop-file-validate"
else
  fail "desktop-file-validate"
fi
cat "$work/desktop.txt"

echo "== lintian"
lintian --no-cfg --allow-root --tag-display-limit 0 --display-info "$deb" >"$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
check "lintian reports no errors" bash -c "! grep -q '^E:' '$work/lintian.txt'"

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "package checks passed"
