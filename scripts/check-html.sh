#!/usr/bin/env bash
# Renders the example campaign's HTML report to PDF with headless Chromium, to check that
# the pages print on A4: the summary, one site page and every notice in one file.
#
#   scripts/check-html.sh [OUT_DIR]        (default: target/check-html)
#
# Each PDF must exist and be more than a few kilobytes. When pdftoppm is installed, page 1
# of the notices PDF is also rendered to PNG for a person to look at (overlaps, missing
# Chinese glyphs, the signature lines). Installs nothing itself.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/target/check-html"}
site=${SITE:-wenliu}

chromium=""
for candidate in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        chromium=$candidate
        break
    fi
done
if [ -z "$chromium" ]; then
    echo "check-html: Chromium not found. On Debian or Ubuntu:" >&2
    echo "    apt-get install -y chromium poppler-utils fonts-noto-cjk" >&2
    echo "(fonts-noto-cjk gives the pages Chinese glyphs; poppler-utils gives pdftoppm)" >&2
    exit 2
fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
    echo "check-html: warning: no Chinese font installed, Chinese text will print as boxes;" >&2
    echo "    apt-get install -y fonts-noto-cjk" >&2
fi

mkdir -p "$out"
report="$out/report"
(cd "$root" && cargo run --quiet -- report examples/puyang-2020 --out "$report" --format html --force)

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

failed=0
to_pdf() { # page.html → name.pdf
    local page=$1 pdf=$2
    if [ ! -f "$page" ]; then
        echo "check-html: FAIL $page was not written" >&2
        failed=1
        return
    fi
    rm -f "$pdf"
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run \
        --user-data-dir="$profile" --no-pdf-header-footer --print-to-pdf-no-header \
        --print-to-pdf="$pdf" "file://$page" >/dev/null 2>&1 || true
    if [ ! -f "$pdf" ]; then
        echo "check-html: FAIL no PDF from $page" >&2
        failed=1
        return
    fi
    local size
    size=$(wc -c <"$pdf")
    if [ "$size" -lt 5000 ]; then
        echo "check-html: FAIL $pdf is only $size bytes" >&2
        failed=1
        return
    fi
    local pages=""
    if command -v pdfinfo >/dev/null 2>&1; then
        pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
        pages=", $pages pages"
    fi
    echo "check-html: ok $pdf ($size bytes$pages)"
}

to_pdf "$report/html/index.html" "$out/index.pdf"
to_pdf "$report/html/sites/$site.html" "$out/site-$site.pdf"
to_pdf "$report/html/notices/all.html" "$out/notices-all.pdf"

if [ -f "$out/notices-all.pdf" ]; then
    if command -v pdftoppm >/dev/null 2>&1; then
        pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$out/notices-all.pdf" "$out/notice-page1"
        echo "check-html: look at $out/notice-page1.png"
    else
        echo "check-html: pdftoppm not found, no PNG (apt-get install -y poppler-utils)"
    fi
fi
exit "$failed"
