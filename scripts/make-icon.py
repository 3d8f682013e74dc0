#!/usr/bin/env python3
"""Draws jixiao's icon (a sheet with a check mark) without any imaging library and writes
packaging/jixiao.png (256 px, for the .deb) and packaging/jixiao.ico (256/48/32/16 px, PNG
entries, for jixiao.exe). Run from the repository root; the outputs are committed."""

import math
import struct
import zlib

N = 256
GREEN = (46, 125, 50, 255)
WHITE = (255, 255, 255, 255)
LINE = (189, 189, 189, 255)
RED = (211, 47, 47, 255)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def near_segment(x, y, a, b, width):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= width / 2


def pixel(x, y):
    if not inside_rounded(x, y, 8, 8, 248, 248, 40):
        return (0, 0, 0, 0)
    if near_segment(x, y, (92, 150), (128, 190), 26) or near_segment(x, y, (128, 190), (204, 86), 26):
        return RED
    if 48 <= x <= 208 and 56 <= y <= 200:
        on_grid = (x - 48) % 40 < 3 or (y - 56) % 36 < 3 or x >= 206 or y >= 198
        return LINE if on_grid else WHITE
    return GREEN


def image(size):
    """The icon at `size` px: each pixel the average of the 256-px pixels it covers."""
    step = N / size
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            samples = [
                pixel(int(i * step + (a + 0.5) * step / 2), int(j * step + (b + 0.5) * step / 2))
                for a in range(2)
                for b in range(2)
            ]
            row.append(tuple(sum(s[k] for s in samples) // 4 for k in range(4)))
        rows.append(row)
    return rows


def png(rows):
    h, w = len(rows), len(rows[0])
    raw = b"".join(b"\0" + bytes(c for p in row for c in p) for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(pngs):
    head = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, data = b"", b""
    for size, blob in pngs:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(blob), offset + len(data))
        data += blob
    return head + entries + data


if __name__ == "__main__":
    big = png(image(256))
    with open("packaging/jixiao.png", "wb") as f:
        f.write(big)
    with open("packaging/jixiao.ico", "wb") as f:
        f.write(ico([(256, big)] + [(s, png(image(s))) for s in (48, 32, 16)]))
