#!/usr/bin/env bash
# Batch benchmark: N seed-like workbooks (examples/seed-leiyang-2024.xlsx with other numbers, made
# by `cargo run --example gen`), then, on the same files in one run:
#   jixiao      `jixiao check DIR -o OUT` (read, check, write the annotated copies and 汇总.xlsx)
#   jixiao -j1  the same on one worker
#   export      `jixiao export DIR --format json|xlsx` (read, check, the data out; no copies)
#   openpyxl    a Python script that only loads and saves each workbook
#   calamine    a bare read of every sheet with python-calamine (the floor)
# and prints wall time, max RSS (GNU time) and the ratios against the targets.
#
#   scripts/bench.sh                 # N = 1000 and 10000
#   scripts/bench.sh 1000            # any list of N
#   BENCH_DIR=/tmp/jb scripts/bench.sh 200
#   REPEAT=5 scripts/bench.sh 1000   # runs per tool (default 3 up to N = 2000, else 1); the
#                                    # fastest counts for time, the median for memory
#
# Needs GNU time (`apt-get install time`) and python3; installs openpyxl and python-calamine with
# pip when they are missing. Generated files stay in $BENCH_DIR (default target/bench) for reuse.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then NS=("$@"); else NS=(1000 10000); fi
WORK=${BENCH_DIR:-target/bench}
TIME=/usr/bin/time
if ! "$TIME" -v true >/dev/null 2>&1; then
    echo "GNU time is missing: apt-get install time" >&2
    exit 2
fi
if ! python3 -c 'import openpyxl, python_calamine' 2>/dev/null; then
    python3 -m pip install --quiet openpyxl python-calamine
fi

cargo build --release --quiet --bin jixiao --example gen
JIXIAO=target/release/jixiao
GEN=target/release/examples/gen

# measure NAME CMD... → appends "wall_seconds max_rss_kib cpu_seconds" to $WORK/runs-NAME; the
# command's exit status is ignored (jixiao exits 1 when some workbook has findings).
measure() {
    local name=$1
    shift
    local log="$WORK/time-$name.log"
    "$TIME" -v -o "$log" "$@" >/dev/null 2>"$WORK/stderr-$name.log" || true
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /Maximum resident set size/ { rss = $2 }
        /User time/ { cpu += $2 }
        /System time/ { cpu += $2 }
        END { print w, rss, cpu }' "$log" >>"$WORK/runs-$name"
}

# best NAME → sets WALL (fastest run), RSS (median max RSS), CPU (user + sys of the fastest run).
best() {
    read -r WALL CPU < <(sort -n "$WORK/runs-$1" | head -1 | awk '{ print $1, $3 }')
    RSS=$(awk '{ print $2 }' "$WORK/runs-$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
pass() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "met" : "MISSED" }'; }

declare -A RSS_AT
mkdir -p "$WORK"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "jixiao $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(python3 --version)," \
    "openpyxl $(python3 -c 'import openpyxl; print(openpyxl.__version__)')," \
    "python-calamine $(python3 -c 'from importlib.metadata import version; print(version("python-calamine"))')"
for N in "${NS[@]}"; do
    IN="$WORK/n$N/in"
    last=$(printf '%s/wb-%05d.xlsx' "$IN" $((N - 1)))
    if [ ! -f "$last" ] || [ "$(find "$IN" -name '*.xlsx' | wc -l)" -ne "$N" ]; then
        rm -rf "$IN"
        "$GEN" "$N" "$IN"
    fi
    OUT="$WORK/n$N/out"
    PYOUT="$WORK/n$N/openpyxl"

    repeat=${REPEAT:-$([ "$N" -le 2000 ] && echo 3 || echo 1)}
    rm -f "$WORK"/runs-*
    # Round robin, so that other load on the machine falls on every tool alike; the fastest run
    # of each counts.
    for _ in $(seq "$repeat"); do
        rm -rf "$OUT"
        measure jixiao "$JIXIAO" check "$IN" -o "$OUT"
        written=$(find "$OUT" -name '*.checked.xlsx' 2>/dev/null | wc -l)
        rm -rf "$OUT"
        measure jixiao-j1 "$JIXIAO" check "$IN" -o "$OUT" -j 1
        rm -rf "$OUT"
        measure jixiao-nowrite "$JIXIAO" check "$IN" --no-write --no-summary
        rm -f "$WORK/data.json" "$WORK/data.xlsx"
        measure export-json "$JIXIAO" export "$IN" --format json -o "$WORK/data.json"
        measure export-xlsx "$JIXIAO" export "$IN" --format xlsx -o "$WORK/data.xlsx"
        rm -rf "$PYOUT"
        measure openpyxl python3 scripts/bench_py.py openpyxl "$IN" "$PYOUT"
        rm -rf "$PYOUT"
        measure calamine python3 scripts/bench_py.py calamine "$IN"
    done
    best jixiao && J_WALL=$WALL J_RSS=$RSS J_CPU=$CPU
    best jixiao-j1 && J1_WALL=$WALL J1_RSS=$RSS J1_CPU=$CPU
    best jixiao-nowrite && JN_WALL=$WALL JN_RSS=$RSS JN_CPU=$CPU
    best export-json && EJ_WALL=$WALL EJ_RSS=$RSS EJ_CPU=$CPU
    best export-xlsx && EX_WALL=$WALL EX_RSS=$RSS EX_CPU=$CPU
    best openpyxl && O_WALL=$WALL O_RSS=$RSS O_CPU=$CPU
    best calamine && C_WALL=$WALL C_RSS=$RSS C_CPU=$CPU
    RSS_AT[$N]=$J_RSS

    echo
    echo "N = $N workbooks ($(du -sh "$IN" | cut -f1)), best of $repeat;" \
        "annotated copies written: $written; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '  %-44s %9s %9s %14s\n' "run" "wall (s)" "CPU (s)" "max RSS (MiB)"
    row() { printf '  %-44s %9.2f %9.2f %14.1f\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN { print k / 1024 }')"; }
    row "jixiao check DIR -o OUT" "$J_WALL" "$J_CPU" "$J_RSS"
    row "jixiao check DIR -o OUT -j 1" "$J1_WALL" "$J1_CPU" "$J1_RSS"
    row "jixiao check DIR --no-write --no-summary" "$JN_WALL" "$JN_CPU" "$JN_RSS"
    row "jixiao export DIR --format json" "$EJ_WALL" "$EJ_CPU" "$EJ_RSS"
    row "jixiao export DIR --format xlsx" "$EX_WALL" "$EX_CPU" "$EX_RSS"
    row "python openpyxl load + save" "$O_WALL" "$O_CPU" "$O_RSS"
    row "python-calamine read every sheet" "$C_WALL" "$C_CPU" "$C_RSS"
    r1=$(ratio "$O_WALL" "$J_WALL")
    r2=$(ratio "$J_WALL" "$C_WALL")
    r3=$(ratio "$J1_WALL" "$C_WALL")
    r4=$(ratio "$JN_WALL" "$C_WALL")
    echo "  openpyxl / jixiao        = ${r1}x  (target >= 20x: $(pass "$r1" '>=' 20))"
    echo "  jixiao / calamine floor  = ${r2}x  (target <= 4x: $(pass "$r2" '<=' 4))"
    echo "  jixiao -j1 / calamine    = ${r3}x  (one worker, for reference)"
    echo "  jixiao --no-write / cal. = ${r4}x  (read + check only, for reference)"
    if [ "$written" -eq 0 ]; then
        echo "  note: no annotated copy was written (the writer failed or is missing);" \
            "see $WORK/stderr-jixiao.log and the JSON of one file"
    fi
done
if [ -n "${RSS_AT[1000]:-}" ] && [ -n "${RSS_AT[10000]:-}" ]; then
    growth=$(awk -v a="${RSS_AT[10000]}" -v b="${RSS_AT[1000]}" 'BEGIN { printf "%.1f", (a / b - 1) * 100 }')
    echo
    echo "max RSS of jixiao: N=1000 ${RSS_AT[1000]} KiB, N=10000 ${RSS_AT[10000]} KiB:" \
        "+${growth}% (target <= +10%: $(pass "$growth" '<=' 10))"
fi
