#!/usr/bin/python3
"""Checks on explorer screenshots for tests/explorer.test.sh: a tiny PNG reader (zlib
only, 8-bit RGB/RGBA, non-interlaced) and region statistics.

usage: explorer_png.py CHECK ARGS...   (exit 1 with a message when a check fails)
  scatter SHOT X0 Y0 X1 Y1 MIN_COLOURS      palette-coloured points in the region
  differ SHOT_A SHOT_B X0 Y0 X1 Y1 MIN      mean |a - b| over the region >= MIN
  same SHOT_A SHOT_B X0 Y0 X1 Y1 MAX        mean |a - b| over the region <= MAX
  varied SHOT X0 Y0 X1 Y1 MIN_STD           grey std-dev in the region >= MIN_STD (an image)
  darker SHOT_A SHOT_B X0 Y0 X1 Y1 RATIO    mean(b) <= RATIO * mean(a) (an overlay)
  size SHOT W H                             image size
  colour SHOT X0 Y0 X1 Y1 R G B MIN         at least MIN pixels within 30 of colour (R, G, B)
  nocolour SHOT X0 Y0 X1 Y1 R G B MAX       at most MAX such pixels
  brighter SHOT_A SHOT_B X0 Y0 X1 Y1 MIN    B has >= MIN more near-white pixels (all >= 235)
  tiles SHOT X0 Y0 X1 Y1 COLS DISTINCT [ROWS_MIN ROWS_MAX]
                                            decoded images in the region (a dock strip): at
                                            least COLS columns of them, each an image (not
                                            flat), at least DISTINCT different ones; rows of
                                            them (a greyed row does not count) within bounds
  digit OUT W H                             write a test picture: a dark "7" on light paper,
                                            W x H grey pixels (what a user drops)
  dot SHOT X0 Y0 X1 Y1 CLASS                print "X Y": a pixel of a dot of class CLASS in
                                            the region, nearest the centroid of that class's
                                            dots (where a click finds a dot)
"""
import struct
import sys
import zlib

# Tableau 10, as in src/app/app_plane.c
PALETTE = [(78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178), (89, 161, 79),
           (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172)]


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit(f"{path}: unsupported PNG (depth {depth}, type {ctype})")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if f else 0):  # filter 0 (the explorer's): the bytes as they are
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def pixels(img, x0, y0, x1, y1):
    w, h, bpp, rows = img
    for y in range(max(0, y0), min(h, y1)):
        r = rows[y]
        for x in range(max(0, x0), min(w, x1)):
            yield r[x * bpp], r[x * bpp + 1], r[x * bpp + 2]


def grey_runs(img, x0, y0, x1, y1, by_column):
    """Runs of columns (or rows) of the region with pure-grey pixels: where decoded images
    are. Everything else the explorer draws is tinted (its background, text, frames)."""
    w, h, bpp, rows = img
    counts = []
    outer = range(x0, x1) if by_column else range(y0, y1)
    for a in outer:
        n = 0
        for b in (range(y0, y1) if by_column else range(x0, x1)):
            x, y = (a, b) if by_column else (b, a)
            r = rows[y]
            if r[x * bpp] == r[x * bpp + 1] == r[x * bpp + 2]:
                n += 1
        counts.append(n)
    runs, start = [], None
    for i, n in enumerate(counts + [0]):
        if n >= 3 and start is None:
            start = i
        elif n < 3 and start is not None:
            if i - start >= 8:
                runs.append((start + (x0 if by_column else y0), i + (x0 if by_column else y0)))
            start = None
    return runs


def tile_pixels(img, cx, cy):
    return [(p[0] + p[1] + p[2]) / 3 for p in pixels(img, cx[0], cy[0], cx[1], cy[1])]


def check_tiles(args):
    img = read_png(args[0])
    x0, y0, x1, y1, need_cols, need_distinct = map(int, args[1:7])
    cols = grey_runs(img, x0, y0, x1, y1, True)
    rws = grey_runs(img, x0, y0, x1, y1, False)
    tiles = []
    for ry in rws:
        for cx in cols:
            g = tile_pixels(img, cx, ry)
            m = sum(g) / len(g)
            sd = (sum((v - m) ** 2 for v in g) / len(g)) ** 0.5
            if sd < 8:
                fail(f"{args[0]}: the image at x {cx} y {ry} is flat (std {sd:.1f})")
            tiles.append((cx[1] - cx[0], ry[1] - ry[0], g))
    distinct = []
    for t in tiles:
        if all(t[0] != d[0] or t[1] != d[1] or
               sum(abs(a - b) for a, b in zip(t[2], d[2])) / len(t[2]) >= 4 for d in distinct):
            distinct.append(t)
    msg = f"{len(rws)} rows x {len(cols)} columns of images, {len(distinct)} distinct"
    if len(cols) < need_cols or len(distinct) < need_distinct:
        fail(f"{args[0]}: {msg} (need {need_cols} columns, {need_distinct} distinct)")
    if len(args) > 7 and not int(args[7]) <= len(rws) <= int(args[8]):
        fail(f"{args[0]}: {msg} (need {args[7]} to {args[8]} rows)")
    print(f"tiles ok: {msg}")


def find_dot(args):
    img = read_png(args[0])
    x0, y0, x1, y1, k = map(int, args[1:6])
    c = PALETTE[k]
    w, h, bpp, rows = img
    pts = []
    for y in range(y0, y1):
        r = rows[y]
        for x in range(x0, x1):
            if abs(r[x * bpp] - c[0]) + abs(r[x * bpp + 1] - c[1]) + abs(r[x * bpp + 2] - c[2]) < 12:
                pts.append((x, y))
    if not pts:
        fail(f"{args[0]}: no dot of class {k} in the region")
    mx, my = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    x, y = min(pts, key=lambda p: (p[0] - mx) ** 2 + (p[1] - my) ** 2)
    print(x, y)


def write_digit(path, w, h):
    """A dark 7 (a bar and a slanted stroke, 1/10 of the height thick) on light paper."""
    t = max(1, h // 10)
    rows = []
    for y in range(h):
        row = bytearray([235] * w)
        for x in range(w):
            bar = h // 5 <= y < h // 5 + t and w // 4 <= x < 3 * w // 4
            # the stroke from the bar's right end down to the bottom centre-left
            fy = (y - h // 5) / max(1, 4 * h // 5 - h // 5)
            sx = 3 * w // 4 - fy * (w // 3)
            stroke = 0 <= fy <= 1 and abs(x - sx) < t
            if bar or stroke:
                row[x] = 20
        rows.append(b"\0" + bytes(row))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def fail(msg):
    print("explorer_png: " + msg)
    sys.exit(1)


def main(argv):
    check, args = argv[1], argv[2:]
    if check == "scatter":
        img = read_png(args[0])
        x0, y0, x1, y1, need = map(int, args[1:6])
        counts = [0] * len(PALETTE)
        for p in pixels(img, x0, y0, x1, y1):
            for k, c in enumerate(PALETTE):
                if abs(p[0] - c[0]) + abs(p[1] - c[1]) + abs(p[2] - c[2]) < 40:
                    counts[k] += 1
                    break
        present = sum(1 for n in counts if n >= 20)
        if present < need:
            fail(f"{args[0]}: {present} palette colours in the scatter (need {need}): {counts}")
        print(f"scatter ok: {present} colours, pixels per class {counts}")
    elif check in ("differ", "same"):
        a, b = read_png(args[0]), read_png(args[1])
        x0, y0, x1, y1 = map(int, args[2:6])
        lim = float(args[6])
        tot = n = 0
        for p, q in zip(pixels(a, x0, y0, x1, y1), pixels(b, x0, y0, x1, y1)):
            tot += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2])
            n += 3
        d = tot / max(n, 1)
        if check == "differ" and d < lim:
            fail(f"{args[0]} vs {args[1]}: mean difference {d:.2f} < {lim}")
        if check == "same" and d > lim:
            fail(f"{args[0]} vs {args[1]}: mean difference {d:.2f} > {lim}")
        print(f"{check} ok: mean difference {d:.2f}")
    elif check == "varied":
        img = read_png(args[0])
        x0, y0, x1, y1 = map(int, args[1:5])
        g = [(p[0] + p[1] + p[2]) / 3 for p in pixels(img, x0, y0, x1, y1)]
        m = sum(g) / len(g)
        sd = (sum((v - m) ** 2 for v in g) / len(g)) ** 0.5
        if sd < float(args[5]):
            fail(f"{args[0]}: region ({x0},{y0})-({x1},{y1}) is flat (std {sd:.2f})")
        print(f"varied ok: std {sd:.2f}")
    elif check == "darker":
        a, b = read_png(args[0]), read_png(args[1])
        x0, y0, x1, y1 = map(int, args[2:6])
        ma = [sum(p) for p in pixels(a, x0, y0, x1, y1)]
        mb = [sum(p) for p in pixels(b, x0, y0, x1, y1)]
        ra, rb = sum(ma) / len(ma), sum(mb) / len(mb)
        if rb > float(args[6]) * ra:
            fail(f"{args[1]}: not darker than {args[0]} ({rb:.1f} vs {ra:.1f})")
        print(f"darker ok: {rb:.1f} vs {ra:.1f}")
    elif check in ("colour", "nocolour"):
        img = read_png(args[0])
        x0, y0, x1, y1, r, g, b, lim = map(int, args[1:9])
        n = sum(1 for p in pixels(img, x0, y0, x1, y1)
                if abs(p[0] - r) + abs(p[1] - g) + abs(p[2] - b) < 30)
        if check == "colour" and n < lim:
            fail(f"{args[0]}: {n} pixels of colour ({r},{g},{b}) in the region (need {lim})")
        if check == "nocolour" and n > lim:
            fail(f"{args[0]}: {n} pixels of colour ({r},{g},{b}) in the region (at most {lim})")
        print(f"{check} ok: {n} pixels of ({r},{g},{b})")
    elif check == "brighter":
        a, b = read_png(args[0]), read_png(args[1])
        x0, y0, x1, y1, lim = map(int, args[2:7])
        na = sum(1 for p in pixels(a, x0, y0, x1, y1) if min(p) >= 235)
        nb = sum(1 for p in pixels(b, x0, y0, x1, y1) if min(p) >= 235)
        if nb - na < lim:
            fail(f"{args[1]}: {nb} near-white pixels vs {na} in {args[0]} (need {lim} more)")
        print(f"brighter ok: {nb} near-white pixels vs {na}")
    elif check == "tiles":
        check_tiles(args)
    elif check == "digit":
        write_digit(args[0], int(args[1]), int(args[2]))
    elif check == "dot":
        find_dot(args)
    elif check == "size":
        w, h, _, _ = read_png(args[0])
        if (w, h) != (int(args[1]), int(args[2])):
            fail(f"{args[0]}: {w}x{h}, expected {args[1]}x{args[2]}")
        print(f"size ok: {w}x{h}")
    else:
        fail("unknown check " + check)


if __name__ == "__main__":
    main(sys.argv)
