#!/usr/bin/env bash
# Benchmark: yanshou on 600,000 synthetic sites against `xsv count`, the floor for any tool
# that reads the file once. Prints wall time and peak memory (from /usr/bin/time -v) of each
# command and its ratio to xsv count. The commands run in RUNS rounds (default 5), one
# after the other, and each command's fastest run is kept, because a shared virtual
# machine's timings drift by tens of percent from minute to minute.
#
#   bench/run.sh [SITES] [KIND] [SHAPE]   # defaults: 600000 mixed plain
#
# SHAPE is how the same rows are saved, as the real exporters save them: plain (yanshou's
# own CSV), quoted (every cell quoted, as KoboToolbox exports), gbk (GB18030, as Excel and
# WPS save "CSV" on Chinese Windows), crlf (CRLF line ends). xsv counts the same file.
# xlsx writes the rows as a workbook with `yanshou convert` (slow and memory-hungry to
# write: use 100000 sites, not 600000) and prints rows per second instead of a ratio, as
# xsv reads no workbook.
#
# Needs: the Rust toolchain, /usr/bin/time (GNU time), and xsv (installed with
# `cargo install xsv` into bench/.tools if it is not on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-600000}
KIND=${2:-mixed}
SHAPE=${3:-plain}
RUNS=${RUNS:-5}
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
if [ "$SHAPE" != plain ]; then
  SHAPED="$WORK/sites-$SITES-$KIND-$SHAPE.csv"
  [ "$SHAPE" = xlsx ] && SHAPED="$WORK/sites-$SITES-$KIND.xlsx"
  if [ ! -f "$SHAPED" ]; then
    case $SHAPE in
      quoted) "$XSV" fmt --quote-always "$DATA" > "$SHAPED" ;;
      crlf) "$XSV" fmt --crlf "$DATA" > "$SHAPED" ;;
      gbk) iconv -f UTF-8 -t GB18030 "$DATA" > "$SHAPED" ;;
      xlsx) "$BIN" convert "$DATA" --to xlsx --out "$SHAPED" > /dev/null ;;
      *) echo "bench: unknown shape $SHAPE (plain, quoted, gbk, crlf, xlsx)" >&2; exit 2 ;;
    esac
  fi
  DATA=$SHAPED
fi

# wall seconds and peak KiB of one run of a command, output discarded
once() {
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > /dev/null 2> /dev/null || true
  local wall mem
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); if (length(t) == 3) print t[1]*3600 + t[2]*60 + t[3]; else print t[1]*60 + t[2]}' "$WORK/time.txt")
  mem=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  echo "$wall $mem"
}

echo "file: $DATA ($(du -h "$DATA" | cut -f1), $SITES sites, $KIND, $SHAPE); best of $RUNS rounds"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
LABELS=("xsv count" "yanshou check --format csv" "yanshou check --format json" "yanshou rank --top 2")
command_of() {
  case $1 in
    0) echo "$XSV" count "$DATA" ;;
    1) echo "$BIN" check "$DATA" --format csv ;;
    2) echo "$BIN" check "$DATA" --format json ;;
    3) echo "$BIN" rank "$DATA" --top 2 ;;
  esac
}
# Rounds of every command one after the other, keeping each command's fastest run: the
# machine's speed drifts from minute to minute, and interleaving lets every command, the
# reference included, see the same minutes.
declare -a best_wall best_mem
COMMANDS="0 1 2 3"
[ "$SHAPE" = xlsx ] && COMMANDS="1 2 3"
for _ in $(seq "$RUNS"); do
  for i in $COMMANDS; do
    # shellcheck disable=SC2046 # the command's words, none with spaces
    read -r wall mem < <(once $(command_of "$i"))
    if [ -z "${best_wall[$i]:-}" ] || awk -v a="$wall" -v b="${best_wall[$i]}" 'BEGIN {exit !(a < b)}'; then
      best_wall[$i]=$wall
      best_mem[$i]=$mem
    fi
  done
done
if [ "$SHAPE" = xlsx ]; then
  printf '%-36s %8s %10s %8s\n' command "wall s" "peak MiB" "rows/s"
  for i in $COMMANDS; do
    printf '%-36s %8.2f %10.1f %8.0f\n' "${LABELS[$i]}" "${best_wall[$i]}" \
      "$(awk -v m="${best_mem[$i]}" 'BEGIN {print m/1024}')" \
      "$(awk -v n="$SITES" -v a="${best_wall[$i]}" 'BEGIN {print n/a}')"
  done
  echo "target: check >= 50000 rows/s within 256 MiB"
  exit 0
fi
printf '%-36s %8s %10s %8s\n' command "wall s" "peak MiB" "ratio"
for i in $COMMANDS; do
  printf '%-36s %8.2f %10.1f %8.2f\n' "${LABELS[$i]}" "${best_wall[$i]}" \
    "$(awk -v m="${best_mem[$i]}" 'BEGIN {print m/1024}')" \
    "$(awk -v a="${best_wall[$i]}" -v b="${best_wall[0]}" 'BEGIN {print a/b}')"
done
echo "targets: check csv <= 1.5x, rank <= 2x, check peak memory <= 64 MiB"
