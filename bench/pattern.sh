#!/usr/bin/env bash
# Benchmark: `yanshou check` on SITES synthetic township sites (default 20,000) of a county
# with a handful of townships, against a checklist whose `sign.name` pattern is a real
# regex with `{township}` in it (not the plain-text form the built-in pattern takes, which
# is compared as a string and never compiled). Such a pattern is compiled with each site's
# township put in: this measures what that costs over a whole file. Prints the best wall
# time of RUNS runs (default 5) of the built-in checklist and of the heavier pattern.
#
#   bench/pattern.sh [SITES] [BIN]     # defaults: 20000 target/release/yanshou (built)
#   PATTERN='^{township}…$' bench/pattern.sh   # another pattern
#
# Needs: the Rust toolchain (unless BIN is given), perl, /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
SITES=${1:-20000}
BIN=${2:-}
RUNS=${RUNS:-5}
WORK=${BENCH_DIR:-$(mktemp -d)}
# A sign may carry bracketed notes after the centre's name: counted repetitions make the
# compiled program large, as patterns written to accept many spellings tend to be.
PATTERN=${PATTERN:-'^{township}(?:人民政府)?(?:便民|政务)服务(?:中心|站)(?:[（(][^）)]{0,100}[）)]){0,50}$'}

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is needed: apt-get install -y time" >&2
  exit 2
fi
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/yanshou
fi

# Two campaigns over the same sites: the built-in checklist, and a copy with the pattern.
for c in builtin heavy; do
  mkdir -p "$WORK/$c/sites"
done
DATA="$WORK/builtin/sites/sites.csv"
if [ ! -f "$DATA" ]; then
  "$BIN" generate --sites "$SITES" --seed 42 --kind township --out "$WORK/generated.csv"
  # The generator numbers its townships (城关12镇) so that names are distinct; a county has
  # a handful of townships, each with its centre, so the numbers are taken out again.
  perl -CSD -Mutf8 -pe 's/([^\d,]+?)\d+(乡|镇)/$1$2/g' "$WORK/generated.csv" > "$DATA"
fi
cp "$DATA" "$WORK/heavy/sites/sites.csv"
printf 'name = "bench"\n[checklists]\ntownship = "builtin:puyang-2020/township"\n' \
  > "$WORK/builtin/campaign.toml"
printf 'name = "bench"\n[checklists]\ntownship = "township.toml"\n' > "$WORK/heavy/campaign.toml"
PATTERN="$PATTERN" perl -CSD -Mutf8 -pe '
  BEGIN { $p = $ENV{PATTERN}; utf8::decode($p); $p =~ s/\\/\\\\/g; $p =~ s/"/\\"/g }
  s/^pattern = "\^\{township\}便民服务中心\$"$/pattern = "$p"/' \
  checklists/puyang-2020/township.toml > "$WORK/heavy/township.toml"
if ! grep -qF 'pattern = "^{township}便民服务中心$"' checklists/puyang-2020/township.toml \
  || cmp -s checklists/puyang-2020/township.toml "$WORK/heavy/township.toml"; then
  echo "bench: could not put the pattern into the checklist" >&2
  exit 2
fi
"$BIN" checklist lint "$WORK/heavy/township.toml" > /dev/null

townships=$(perl -CSD -Mutf8 -F, -lane 'print $F[3] if $. > 1' "$DATA" | sort -u | wc -l)
echo "sites: $SITES township sites, $townships townships; best of $RUNS runs"
echo "pattern: $PATTERN"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
best() {
  local best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e' -o "$WORK/time.txt" "$BIN" check "$1" --format csv > /dev/null 2>&1 || true
    local wall
    wall=$(cat "$WORK/time.txt" | tail -1)
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN {exit !(a < b)}'; then
      best=$wall
    fi
  done
  echo "$best"
}
printf '%-40s %8s\n' checklist "wall s"
printf '%-40s %8s\n' "built-in (plain-text pattern)" "$(best "$WORK/builtin")"
printf '%-40s %8s\n' "heavier {township} regex" "$(best "$WORK/heavy")"
