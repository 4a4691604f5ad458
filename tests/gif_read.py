"""A small GIF reader for the tests (stdlib only): the logical screen, the global palette
and every frame decoded (LZW) to palette indices, with its delay. Enough for the GIFs
`vae animate` writes (full frames, global palette) and strict about the rest of the
format, so a malformed stream fails loudly.

    python3 tests/gif_read.py run.gif [--png N out.png]   print a summary, or frame N as PNG
"""
import struct
import sys
import zlib


def _lzw(data, min_code, n_pixels):
    clear, end = 1 << min_code, (1 << min_code) + 1
    size, table, prev = min_code + 1, None, None
    out = bytearray()
    pos = bits = nbits = 0

    def reset():
        return [bytes([i]) for i in range(clear)] + [b"", b""]

    table = reset()
    while True:
        while nbits < size:
            if pos >= len(data):
                raise ValueError("LZW data ends without an end code")
            bits |= data[pos] << nbits
            pos += 1
            nbits += 8
        code = bits & ((1 << size) - 1)
        bits >>= size
        nbits -= size
        if code == clear:
            table, size, prev = reset(), min_code + 1, None
            continue
        if code == end:
            break
        if code < len(table):
            entry = table[code]
            if prev is not None:
                table.append(prev + entry[:1])
        elif code == len(table) and prev is not None:
            entry = prev + prev[:1]
            table.append(entry)
        else:
            raise ValueError("bad LZW code %d" % code)
        out += entry
        prev = entry
        if len(table) == (1 << size) and size < 12:
            size += 1
    if len(out) != n_pixels:
        raise ValueError("frame has %d pixels, expected %d" % (len(out), n_pixels))
    return bytes(out)


def _blocks(b, i):
    data = bytearray()
    while True:
        n = b[i]
        i += 1
        if n == 0:
            return bytes(data), i
        data += b[i:i + n]
        i += n


def read(path):
    """(width, height, palette [(r, g, b)], frames [(delay_cs, indices bytes)], loops)"""
    b = open(path, "rb").read()
    if b[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    w, h, flags, _bg, _aspect = struct.unpack("<HHBBB", b[6:13])
    i = 13
    palette = []
    if flags & 0x80:
        n = 2 << (flags & 7)
        palette = [tuple(b[i + 3 * k:i + 3 * k + 3]) for k in range(n)]
        i += 3 * n
    frames, delay, loops = [], 0, False
    while True:
        t = b[i]
        i += 1
        if t == 0x3B:
            break
        if t == 0x21:
            label = b[i]
            i += 1
            data, i = _blocks(b, i)
            if label == 0xF9:
                delay = struct.unpack("<H", data[1:3])[0]
            elif label == 0xFF and data.startswith(b"NETSCAPE2.0"):
                loops = True
            continue
        if t != 0x2C:
            raise ValueError("unexpected block 0x%02x at %d" % (t, i - 1))
        x, y, fw, fh, fflags = struct.unpack("<HHHHB", b[i:i + 9])
        i += 9
        if fflags & 0x80 or (x, y, fw, fh) != (0, 0, w, h):
            raise ValueError("a frame with its own palette or not full size")
        min_code = b[i]
        data, i = _blocks(b, i + 1)
        frames.append((delay, _lzw(data, min_code, w * h)))
    return w, h, palette, frames, loops


def write_png(path, w, h, palette, idx):
    raw = b"".join(b"\0" + bytes(c for k in idx[y * w:(y + 1) * w] for c in palette[k])
                   for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    open(path, "wb").write(png + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    w, h, pal, frames, loops = read(sys.argv[1])
    print("%dx%d, %d colours, %d frames, loops %s, delays %s" %
          (w, h, len(pal), len(frames), loops, sorted(set(d for d, _ in frames))))
    if len(sys.argv) == 5 and sys.argv[2] == "--png":
        write_png(sys.argv[4], w, h, pal, frames[int(sys.argv[3])][1])
