#!/usr/bin/env python3
"""Writes the example campaign's evidence files: small PNG "photos" and one-page PDF
"scans", at every path the example records cite (examples/puyang-2020, evidence_dir ".").

Standard library only (zlib for PNG, hand-written PDF), and deterministic: the same bytes on
every run, so the files checked in are the files this script makes. Run from anywhere:

    python3 scripts/make-example-evidence.py          # write the files
    python3 scripts/make-example-evidence.py --check  # exit 1 if any differs from the script
"""
import hashlib
import re
import struct
import sys
import zlib
from pathlib import Path

CAMPAIGN = Path(__file__).resolve().parent.parent / "examples" / "puyang-2020"
WIDTH, HEIGHT = 240, 160


def cited_paths():
    """Every evidence path the campaign's records write, sorted, once each."""
    paths = set()
    for record in sorted(CAMPAIGN.glob("*/*.toml")):
        for block in re.findall(r"evidence\s*=\s*\[([^\]]*)\]", record.read_text("utf-8")):
            paths.update(re.findall(r'"([^"]+)"', block))
    return sorted(paths)


def png(name):
    """A picture of a hall, a board or a sign: a wall, a floor, and a panel whose colour
    and place come from the file's name (not a real photo: a stand-in of a few KB)."""
    seed = hashlib.sha256(name.encode()).digest()
    wall = (200 + seed[0] % 40, 190 + seed[1] % 40, 170 + seed[2] % 50)
    floor = (120 + seed[3] % 50, 100 + seed[4] % 40, 80 + seed[5] % 40)
    panel = [(180, 30, 30), (30, 70, 160), (40, 120, 60)][seed[6] % 3]
    px, py = 30 + seed[7] % 90, 20 + seed[8] % 30
    pw, ph = 90 + seed[9] % 50, 40 + seed[10] % 30
    rows = []
    grain = int.from_bytes(seed[11:19], "big") | 1
    for y in range(HEIGHT):
        row = bytearray([0])  # filter: none
        for x in range(WIDTH):
            if px <= x < px + pw and py <= y < py + ph:
                # White lines of "text" on the panel.
                text = (y - py) % 12 in (5, 6, 7) and px + 8 <= x < px + pw - 8
                colour = (245, 245, 245) if text else panel
            elif y >= HEIGHT * 2 // 3:
                shade = (y - HEIGHT * 2 // 3) // 4
                colour = tuple(min(255, c + shade) for c in floor)
            else:
                colour = tuple(max(0, c - y // 12) for c in wall)
            # A little grain, as a camera gives: one bit a pixel, from a fixed generator.
            grain = (grain * 6364136223846793005 + 1442695040888963407) % 2**64
            bump = (grain >> 63) * 6
            row.extend(min(255, c + bump) for c in colour)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def pdf(name):
    """A one-page A4 PDF naming the document it stands in for."""
    text = f"yanshou example evidence: {name}".replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def main():
    check = "--check" in sys.argv[1:]
    differs = []
    for cited in cited_paths():
        path = CAMPAIGN / cited
        if path.suffix == ".png":
            data = png(cited)
        elif path.suffix == ".pdf":
            data = pdf(cited)
        else:
            sys.exit(f"{cited}: the script makes .png and .pdf files only")
        if check:
            if not path.is_file() or path.read_bytes() != data:
                differs.append(cited)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(CAMPAIGN.parent.parent)}  {len(data)} bytes")
    if differs:
        sys.exit("not as the script makes them: " + ", ".join(differs))


if __name__ == "__main__":
    main()
