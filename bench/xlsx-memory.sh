#!/usr/bin/env bash
# Benchmark: the peak memory of `yanshou check` on workbooks (#21 point 5, docs/guarantees.md
# "bounded memory"): the small workbooks of tests/fixtures/xlsx that inflate to a gigabyte
# (some with zip headers that lie about it), the largest shape the limits let through, and a
# real workbook of SITES sites (default 50,000) written by `convert`. Prints each peak and
# its ratio to the 256 MiB promised for any input under 50 MB; exits 1 if one is over.
#
#   bench/xlsx-memory.sh [SITES] [BIN]     # defaults: 50000 target/release/yanshou (built)
#
# Needs: the Rust toolchain (unless BIN is given), /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-50000}
BIN=${2:-}
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
LIMIT_KIB=$((256 * 1024))

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is needed: apt-get install -y time" >&2
  exit 2
fi
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/yanshou
fi
if [ ! -f "$WORK/generated.xlsx" ]; then
  "$BIN" generate --sites "$SITES" --seed 7 --out "$WORK/generated.csv"
  "$BIN" convert "$WORK/generated.csv" --to xlsx --out "$WORK/generated.xlsx" --force
fi

over=0
printf '%-32s %10s %8s %6s  %s\n' workbook size peak/KiB ratio result
for f in tests/fixtures/xlsx/*.xlsx "$WORK/generated.xlsx"; do
  size=$(stat -c %s "$f")
  set +e
  /usr/bin/time -f '%M' -o "$WORK/peak" "$BIN" check "$f" --as-of 2020-06-30 --format json \
    >/dev/null 2>"$WORK/stderr"
  code=$?
  set -e
  peak=$(tail -1 "$WORK/peak")
  case $code in
    0 | 1) result="read" ;;
    2) result="refused: $(grep -o '超过 [0-9]* MiB\|长于 [0-9]* 字节' "$WORK/stderr" | head -1)" ;;
    *) result="exit $code" ;;
  esac
  ratio=$(awk -v p="$peak" -v l="$LIMIT_KIB" 'BEGIN { printf "%.2f", p / l }')
  printf '%-32s %10s %8s %6s  %s\n' "$(basename "$f")" "$size" "$peak" "$ratio" "$result"
  if [ "$peak" -ge "$LIMIT_KIB" ] || [ "$size" -ge $((50 * 1024 * 1024)) ]; then
    over=1
  fi
done
exit $over
