#!/usr/bin/env bash
# Renders docs/screenshot.png: the first sheet (校验结果) of the example's annotated copy, through
# LibreOffice headless (PDF) and pdftoppm. Needs: apt-get install libreoffice-calc
# fonts-wqy-zenhei poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build --release
cp examples/seed-leiyang-2024.xlsx "$tmp/"
target/release/jixiao "$tmp/seed-leiyang-2024.xlsx" >/dev/null || true # exits 1: it has findings
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/seed-leiyang-2024.checked.xlsx" >/dev/null
pdftoppm -png -r 120 -f 1 -l 1 -x 70 -y 80 -W 1260 -H 505 -singlefile \
    "$tmp/seed-leiyang-2024.checked.pdf" docs/screenshot
echo "wrote docs/screenshot.png"
