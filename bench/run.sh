#!/usr/bin/env bash
# Benchmark: yanshou on 600,000 synthetic sites against `xsv count`, the floor for any tool
# that reads the file once. Prints wall time and peak memory (from /usr/bin/time -v) of each
# command and its ratio to xsv count. Each command runs RUNS times (default 3) and the
# fastest run is kept, because a shared virtual machine's timings vary by tens of percent.
#
#   bench/run.sh [SITES] [KIND]        # defaults: 600000 mixed
#
# Needs: the Rust toolchain, /usr/bin/time (GNU time), and xsv (installed with
# `cargo install xsv` into bench/.tools if it is not on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-600000}
KIND=${2:-mixed}
RUNS=${RUNS:-3}
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is needed: apt-get install -y time" >&2
  exit 2
fi
XSV=$(command -v xsv || true)
if [ -z "$XSV" ]; then
  if [ ! -x bench/.tools/bin/xsv ]; then
    echo "bench: installing xsv into bench/.tools (once)…" >&2
    cargo install --quiet --root bench/.tools xsv
  fi
  XSV=bench/.tools/bin/xsv
fi

cargo build --release --quiet
BIN=target/release/yanshou
DATA="$WORK/sites-$SITES-$KIND.csv"
if [ ! -f "$DATA" ]; then
  "$BIN" generate --sites "$SITES" --seed 42 --kind "$KIND" --out "$DATA"
fi

# best wall seconds and peak KiB of RUNS runs of a command, output discarded
measure() {
  local best_wall="" best_mem=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > /dev/null 2> /dev/null || true
    local wall mem
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); if (length(t) == 3) print t[1]*3600 + t[2]*60 + t[3]; else print t[1]*60 + t[2]}' "$WORK/time.txt")
    mem=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then
      best_wall=$wall
      best_mem=$mem
    fi
  done
  echo "$best_wall $best_mem"
}

echo "file: $DATA ($(du -h "$DATA" | cut -f1), $SITES sites, $KIND); best of $RUNS runs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
read -r base_wall base_mem < <(measure "$XSV" count "$DATA")
printf '%-36s %8s %10s %8s\n' command "wall s" "peak MiB" "ratio"
printf '%-36s %8.2f %10.1f %8s\n' "xsv count" "$base_wall" "$(awk -v m="$base_mem" 'BEGIN {print m/1024}')" "1.00"
row() {
  local label=$1; shift
  read -r wall mem < <(measure "$@")
  printf '%-36s %8.2f %10.1f %8.2f\n' "$label" "$wall" "$(awk -v m="$mem" 'BEGIN {print m/1024}')" \
    "$(awk -v a="$wall" -v b="$base_wall" 'BEGIN {print a/b}')"
}
row "yanshou check --format csv" "$BIN" check "$DATA" --format csv
row "yanshou check --format json" "$BIN" check "$DATA" --format json
row "yanshou rank --top 2" "$BIN" rank "$DATA" --top 2
echo "targets: check csv <= 1.5x, rank <= 2x, check peak memory <= 64 MiB"
