#!/bin/sh
# Converts an annotated report (报告.checked.docx) with LibreOffice headless and checks that it
# opens and that the comments survive. Not part of `cargo test` (needs LibreOffice).
# Usage: scripts/check-docx-libreoffice.sh 报告.checked.docx
set -eu
in="$1"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
soffice --headless --convert-to odt --outdir "$out" "$in" >/dev/null 2>&1
odt="$out/$(basename "${in%.*}").odt"
[ -s "$odt" ] || { echo "LibreOffice 未能打开 $in"; exit 1; }
n=$(unzip -p "$odt" content.xml | grep -o '<office:annotation[ >]' | wc -l)
[ "$n" -gt 0 ] || { echo "$in：转换后没有批注"; exit 1; }
echo "$in：LibreOffice 打开正常，批注 $n 条"
