#!/usr/bin/env python3
"""Draws the 城管通 app icon (a white map pin on a blue rounded square) and writes the PNG and
ICO files Tauri needs into icons/. Pure standard library, so it runs anywhere; rerun after
changing the drawing."""

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "icons"
BLUE = (25, 137, 250)
WHITE = (255, 255, 255)


def coverage(inside, x, y, samples=4):
    """Share of a pixel inside a shape, by supersampling, for smooth edges."""
    hits = 0
    for i in range(samples):
        for j in range(samples):
            if inside(x + (i + 0.5) / samples, y + (j + 0.5) / samples):
                hits += 1
    return hits / (samples * samples)


def rounded_square(u, v):
    r = 0.22
    dx = max(abs(u - 0.5) - (0.5 - r), 0.0)
    dy = max(abs(v - 0.5) - (0.5 - r), 0.0)
    return dx * dx + dy * dy <= r * r


def pin(u, v):
    """A map pin: a disc with a hole, tapering to a point below."""
    cx, cy, r = 0.5, 0.42, 0.22
    d = math.hypot(u - cx, v - cy)
    if d <= 0.09:
        return False
    if d <= r:
        return True
    tip = 0.82
    if cy <= v <= tip:
        half = r * (tip - v) / (tip - cy)
        return abs(u - cx) <= half
    return False


def pixels(size):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            def scaled(shape):
                return lambda px, py: shape(px / size, py / size)

            back = coverage(scaled(rounded_square), x, y)
            front = coverage(scaled(pin), x, y) if back else 0.0
            colour = [round(b * (1 - front) + w * front) for b, w in zip(BLUE, WHITE)]
            row += bytes(colour + [round(255 * back)])
        rows.append(bytes(row))
    return b"".join(rows)


def png(size):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels(size), 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    """An ICO holding PNG images (allowed since Windows Vista)."""
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return out + entries + blobs


def main():
    ICONS.mkdir(exist_ok=True)
    made = {size: png(size) for size in (32, 128, 256, 512)}
    files = {
        "32x32.png": made[32],
        "128x128.png": made[128],
        "128x128@2x.png": made[256],
        "icon.png": made[512],
        "icon.ico": ico([(32, made[32]), (256, made[256])]),
    }
    for name, data in files.items():
        (ICONS / name).write_bytes(data)
        print(f"icons/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
