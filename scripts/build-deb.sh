#!/usr/bin/env bash
# Builds the .deb (target/debian/jixiao_*.deb) with cargo-deb, installs it with dpkg and runs
# the installed jixiao once. Needs root for dpkg; `--no-install` only builds.
#   scripts/build-deb.sh [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-deb >/dev/null; then
    cargo install cargo-deb --locked
fi
cargo deb
deb=$(ls -t target/debian/jixiao_*.deb | head -n 1)
echo "built $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
dpkg-deb --contents "$deb"
if [ "${1:-}" = "--no-install" ]; then
    exit 0
fi
dpkg -i "$deb"
/usr/bin/jixiao --version
desktop-file-validate /usr/share/applications/jixiao.desktop 2>/dev/null || true
