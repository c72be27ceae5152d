#!/usr/bin/env bash
# Renders the example campaign's report in the programs an office uses and measures what
# they print (issues #18 and #19):
#
#   - every HTML notice through headless Chromium (--print-to-pdf), every docx notice, the
#     docx of all notices and the xlsx workbook through LibreOffice (--convert-to pdf);
#   - every site whose verdict is 不合格 has a notice in both formats, and its PDF has the
#     site's name and 整改通知书 in its text (the Chinese text was set in a font that has it);
#   - every notice PDF is A4 (595 × 842 pt), and its first page is inked as GB/T 9704-2012
#     sets the text block: from 37 mm at the top and 28 mm at the left to 26 mm from the
#     right, nothing printed between the block's foot (35 mm from the bottom) and the page
#     number 7 mm under it, the page number "— 1 —" there;
#   - LibreOffice opens every docx and xlsx (the conversion succeeds and gives pages).
#
# The margins are measured on the pixels of the first page drawn at 72 dpi (one pixel a
# point), so that the same test holds for both programs whatever fonts they embed
# (Chromium's Type 3 fonts give pdftotext no true glyph boxes).
#
# Missing programs are installed with apt-get when it is there (bounded by `timeout`); when
# they cannot be had the script says it skipped and exits 0. Any failed check exits 1.
#
#   scripts/check-office.sh [OUT]    OUT keeps the PDFs and the PNGs (pdftoppm -r 60) to look at
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'check-office: %s\n' "$*"; }
skip() {
    say "skipped: $*"
    exit 0
}

need_programs() {
    command -v chromium >/dev/null && command -v soffice >/dev/null &&
        command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null &&
        command -v pdftoppm >/dev/null && command -v fc-list >/dev/null &&
        [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]
}

if ! need_programs; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
        skip "chromium, LibreOffice, poppler-utils or a Chinese font is missing and apt-get cannot install them here"
    fi
    say "installing chromium, LibreOffice, fonts-noto-cjk and poppler-utils"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 300 apt-get update -q >/dev/null &&
        timeout 900 apt-get install -y -q --no-install-recommends chromium \
            libreoffice-writer libreoffice-calc fonts-noto-cjk poppler-utils >/dev/null; }; then
        skip "apt-get could not install the packages"
    fi
    need_programs || skip "the packages installed but a program is still missing"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work/out}
mkdir -p "$out/pdf" "$out/png"

failures=0
fail() {
    say "FAIL: $*"
    failures=$((failures + 1))
}

example=examples/puyang-2020
as_of=2020-06-30
cargo build --quiet --locked
bin=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/yanshou
report=$work/report
"$bin" report "$example" --out "$report" --format html,xlsx,docx --as-of "$as_of" 2>/dev/null

# The sites the check finds 不合格, by id and name (the first columns have no commas).
"$bin" check "$example" --as-of "$as_of" --format csv 2>/dev/null |
    awk -F, 'NR > 1 && $9 == "rectify" { print $1 "," $2 }' | sort -u >"$work/failing" || true
[ -s "$work/failing" ] || fail "check found no failing site in $example"

# Headless programs get their own profiles, so that runs side by side do not meet.
lo_profile="file://$work/lo-profile"
html_pdf() { # HTML file, PDF file
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
        --no-pdf-header-footer --print-to-pdf="$2" "file://$(realpath "$1")" >/dev/null 2>&1
}
office_pdf() { # files... → $out/pdf
    timeout 300 soffice -env:UserInstallation="$lo_profile" --headless --convert-to pdf \
        --outdir "$out/pdf" "$@" >/dev/null 2>&1
}

# Ink of page 1 at 72 dpi: top, left, right, bottom of the text block in points, the ink
# in the band between the block and the page number, and the page number's ink.
ink() { # PDF → "top left right band_ink number_ink"
    pdftoppm -f 1 -l 1 -r 72 -gray "$1" "$work/ink"
    local pgm=$work/ink-1.pgm
    [ -f "$pgm" ] || pgm=$(ls "$work"/ink-*.pgm | head -n 1)
    local w h skip
    # "P5\n595 842\n255\n": width, height and where the pixels start.
    read -r w h < <(head -c 20 "$pgm" | awk 'NR == 2 { print $1, $2 }')
    skip=$(head -c 20 "$pgm" | awk 'NR <= 3 { n += length($0) + 1 } END { print n }')
    tail -c +$((skip + 1)) "$pgm" | od -An -v -tu1 -w"$w" | awk -v w="$w" -v h="$h" '
        # Rows in points: the block foot at 842 - 35 mm = 742.7, the page number 7 mm under
        # it (762.5); the band between is left a little room on either side.
        {
            y = NR - 1
            for (x = 1; x <= NF; x++) if ($x < 160) {
                if (y < 745) {
                    if (top == "") top = y
                    if (left == "" || x - 1 < left) left = x - 1
                    if (right == "" || x - 1 > right) right = x - 1
                } else if (y < 759) band++
                else if (y < 800) number++
            }
        }
        END { printf "%s %s %s %d %d\n", top, left, right, band, number }'
    rm -f "$work"/ink-*.pgm
}

mm() { awk -v pt="$1" 'BEGIN { printf "%.1f", pt / 72 * 25.4 }'; }

# Checks one notice PDF: A4, the margins, the text.
check_notice() { # PDF, site name, what it is
    local pdf=$1 name=$2 what=$3
    if [ ! -s "$pdf" ]; then
        fail "$what: no PDF"
        return
    fi
    local size
    size=$(pdfinfo "$pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
    awk -v s="$size" 'BEGIN { split(s, a, " "); exit !(a[1] > 594 && a[1] < 596.5 && a[2] > 841 && a[2] < 843) }' ||
        fail "$what: page size $size pts, not A4 (595 × 842)"
    local text
    text=$(pdftotext -enc UTF-8 "$pdf" - | tr -d ' \n')
    case $text in *整改通知书*) ;; *) fail "$what: no 整改通知书 in the PDF's text" ;; esac
    case $text in *"$name"*) ;; *) fail "$what: no $name in the PDF's text" ;; esac
    case $text in *—1—*) ;; *) fail "$what: no page number — 1 — in the PDF's text" ;; esac
    local top left right band number
    read -r top left right band number < <(ink "$pdf")
    say "$what: A4; text block from $(mm "$top") mm top, $(mm "$left") mm left, $(mm $((595 - right))) mm right"
    # The first line's glyphs stand a little under the block's top edge (37 mm = 104.9 pt).
    awk -v v="$top" 'BEGIN { exit !(v >= 102 && v <= 127) }' || fail "$what: text starts $(mm "$top") mm from the top, not about 37 mm"
    awk -v v="$left" 'BEGIN { exit !(v >= 77 && v <= 82) }' || fail "$what: text starts $(mm "$left") mm from the left, not 28 mm"
    awk -v v="$right" 'BEGIN { exit !(v >= 515 && v <= 524) }' || fail "$what: text ends $(mm $((595 - right))) mm from the right, not 26 mm"
    [ "$band" -eq 0 ] || fail "$what: ink between the text block's foot and the page number: the bottom margin is not 35 mm"
    [ "$number" -gt 0 ] || fail "$what: no page number under the text block"
}

# HTML notices through Chromium.
for html in "$report"/html/notices/*.html; do
    stem=$(basename "$html" .html)
    [ "$stem" = all ] && continue
    html_pdf "$html" "$out/pdf/$stem-html.pdf" || fail "Chromium could not print $html"
done
# Every docx and the workbook through LibreOffice, in one run.
office_pdf "$report"/docx/*.docx "$report"/report.xlsx || fail "LibreOffice could not convert the documents"
for f in "$report"/docx/*.docx "$report"/report.xlsx; do
    stem=$(basename "${f%.*}")
    pages=$(pdfinfo "$out/pdf/$stem.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
    [ "${pages:-0}" -gt 0 ] || fail "LibreOffice did not open $(basename "$f")"
done

while IFS=, read -r id name; do
    [ -f "$report/html/notices/$id.html" ] || fail "$id ($name) fails and has no HTML notice"
    [ -f "$report/docx/$id.docx" ] || fail "$id ($name) fails and has no docx notice"
    check_notice "$out/pdf/$id-html.pdf" "$name" "$id.html (Chromium)"
    check_notice "$out/pdf/$id.pdf" "$name" "$id.docx (LibreOffice)"
done <"$work/failing"

# all.docx: every notice in turn, each numbered from page 1.
all_pages=$(pdfinfo "$out/pdf/all.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
sum=0
notices=0
for f in "$report"/docx/*.docx; do
    [ "$(basename "$f")" = all.docx ] && continue
    pages=$(pdfinfo "$out/pdf/$(basename "$f" .docx).pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
    sum=$((sum + ${pages:-0}))
    notices=$((notices + 1))
done
[ "${all_pages:-0}" -eq "$sum" ] || fail "all.docx prints on ${all_pages:-0} pages, its $notices notices on $sum"
firsts=0
for p in $(seq 1 "${all_pages:-0}"); do
    pdftotext -f "$p" -l "$p" -enc UTF-8 "$out/pdf/all.pdf" - | tr -d ' \n' | grep -q '—1—' && firsts=$((firsts + 1))
done
[ "$firsts" -eq "$notices" ] || fail "all.docx has $firsts pages numbered — 1 —, not one for each of its $notices notices"

for pdf in "$out"/pdf/*.pdf; do
    pdftoppm -png -r 60 "$pdf" "$out/png/$(basename "$pdf" .pdf)"
done
[ -n "${1:-}" ] && say "PDFs in $out/pdf, PNGs in $out/png"

if [ "$failures" -gt 0 ]; then
    say "$failures check(s) failed"
    exit 1
fi
say "all notices of $(wc -l <"$work/failing") failing sites measured A4 with the GB/T 9704 margins; LibreOffice opened every docx and the xlsx"
