#!/bin/sh
# Opens an annotated report (报告.checked.docx) in LibreOffice headless and checks that jixiao's
# comments survive: converts it to flat ODF text (.fodt) and counts the office:annotation
# elements written by jixiao; the input must be byte-identical afterwards. Needs LibreOffice
# Writer (Debian: apt-get install libreoffice-writer); not part of `cargo test` unless asked:
#   cargo test --release --test narrative -- --ignored
# Usage: scripts/check-docx-libreoffice.sh 报告.checked.docx [comments expected]
# Exit 0 when it opens with the comments, 1 when not, 77 when LibreOffice Writer is missing.
set -eu
in="$1"
expected="${2:-}"
command -v soffice >/dev/null 2>&1 || { echo "未安装 LibreOffice（soffice）"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A fresh profile: LibreOffice needs a writable one and must not share a running instance's.
before=$(sha256sum <"$in")
HOME="$out/home" soffice --headless --convert-to fodt --outdir "$out" "$in" >"$out/log" 2>&1 || true
fodt="$out/$(basename "${in%.*}").fodt"
if [ ! -s "$fodt" ]; then
    if grep -q "no export filter" "$out/log"; then
        echo "LibreOffice 不能把 $in 当作文字文档打开：未装 Writer（apt-get install libreoffice-writer），或它不是 .docx"
        exit 77
    fi
    echo "LibreOffice 未能打开 $in："
    cat "$out/log"
    exit 1
fi
[ "$(sha256sum <"$in")" = "$before" ] || { echo "$in 在转换后被改动"; exit 1; }
n=$(grep -o '<office:annotation[ >]' "$fodt" | wc -l)
ours=$(grep -o '<dc:creator>jixiao</dc:creator>' "$fodt" | wc -l)
[ "$n" -gt 0 ] || { echo "$in：转换后没有批注"; exit 1; }
if [ -n "$expected" ] && [ "$ours" -ne "$expected" ]; then
    echo "$in：应有 $expected 条 jixiao 批注，LibreOffice 读出 $ours 条"
    exit 1
fi
echo "$in：LibreOffice 打开正常，批注 $n 条（jixiao 的 $ours 条）"
