#!/usr/bin/python3
"""JPEG extended sequential fixtures (DICOM 1.2.840.10008.1.2.4.51, processes 2 and 4) for cnn's tests.

Made with DCMTK 3.6.7 (Debian `dcmtk`: dcmcjpeg, dcmdjpeg, dcmdrle, dcmconv) and pydicom/numpy from
files of the shared corpus (cnn/src/test/resources/medical, origin and licences in its README):

  MR_jpeg_extended12.dcm          a 120 x 123 crop of heudiconv/axasc35.dcm (a real 12-bit Siemens MR
                                  mosaic; the odd size leaves partial blocks), private tags removed,
                                  `dcmcjpeg +ee +q 90`: 12-bit SOF1, one component
  MR_jpeg_extended12_restart.dcm  the same coefficients re-coded by this script with a restart
                                  interval of 5 MCUs (dcmcjpeg has no restart option); DCMTK decodes
                                  it to exactly the same pixels as the file above (checked here)
  MR_jpeg_extended8.dcm           the crop, `dcmcjpeg +ee +be`: 8-bit SOF1 (DCMTK scales to 8 bits)
  MR_jpeg_extended8_restart.dcm   ... re-coded with a restart interval of 7 MCUs
  SC_rgb_jpeg_extended12_*.dcm    python3-pydicom/SC_rgb_rle.dcm (100 x 100 RGB) decompressed,
                                  `dcmcjpeg +ee +bt`: 12-bit YCbCr 4:2:2 (values scaled to 0..4095);
                                  re-coded here as one interleaved scan (MCU 16 x 8, partial at the
                                  edges) with a restart interval of 3 MCUs (`_restart`), and as three
                                  non-interleaved scans with a restart interval of 4 (`_scans`)
  *.dcmtk-decoded.dcm             DCMTK's own decoding (`dcmdjpeg`; colour with `+cn`, YBR kept, and as
                                  RGB with `+ca` in `.dcmtk-rgb.dcm`), deflated (`dcmconv +td`) to keep
                                  them small: the references; CR_jpeg_extended12's is for the older
                                  fixture made by medical_dicom_fixtures.sh

Run from the repository root:  /usr/bin/python3 tools/golden/make_jpeg12.py
"""
import heapq
import os
import subprocess
import tempfile

import numpy as np
import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian

SRC = "cnn/src/test/resources/medical"
OUT = "cnn/src/test/resources/medical-fixtures"
CROP = (190, 130, 120, 123)  # first row, first column, rows, columns in axasc35's 384 x 384 mosaic


def run(*args):
    subprocess.run(args, check=True)


# ---- entropy decoding of a sequential Huffman JPEG to quantized coefficients (no IDCT) ----------------

def segments(j):
    """(marker, payload start, payload end) up to and including SOS; then the scan data start."""
    assert j[0:2] == b"\xff\xd8"
    p, out = 2, []
    while True:
        assert j[p] == 0xFF
        m = j[p + 1]
        n = j[p + 2] << 8 | j[p + 3]
        out.append((m, p + 4, p + 2 + n))
        p += 2 + n
        if m == 0xDA:
            return out, p


def huffman_codes(bits, vals):
    """{(length, code): symbol} from BITS/HUFFVAL (T.81 Annex C)."""
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[(length, code)] = vals[k]
            code += 1
            k += 1
        code <<= 1
    return codes


class BitReader:
    def __init__(self, data):
        out, i = bytearray(), 0
        while i < len(data):
            b = data[i]
            if b == 0xFF:
                assert data[i + 1] == 0x00, "marker inside the scan: this script expects no restarts yet"
                i += 1
            out.append(b)
            i += 1
        self.bits = "".join(format(b, "08b") for b in out)
        self.pos = 0

    def bit(self):
        b = self.bits[self.pos]
        self.pos += 1
        return int(b)

    def receive(self, s):
        v = 0
        for _ in range(s):
            v = v << 1 | self.bit()
        return v

    def decode(self, codes):
        code, length = 0, 0
        while True:
            code = code << 1 | self.bit()
            length += 1
            if (length, code) in codes:
                return codes[(length, code)]
            assert length < 16, "bad Huffman code"


def ceil(a, b):
    return -(-a // b)


def extend(v, s):
    return v - (1 << s) + 1 if s and v < 1 << (s - 1) else v


def read_jpeg(j):
    segs, data_start = segments(j)
    tables, frame, scan = {}, None, None
    for m, a, b in segs:
        if m == 0xC4:
            p = a
            while p < b:
                tc_th = j[p]
                bits = list(j[p + 1:p + 17])
                vals = list(j[p + 17:p + 17 + sum(bits)])
                tables[(tc_th >> 4, tc_th & 15)] = huffman_codes(bits, vals)
                p += 17 + sum(bits)
        elif m in (0xC0, 0xC1):
            nf = j[a + 5]
            frame = dict(P=j[a], Y=j[a + 1] << 8 | j[a + 2], X=j[a + 3] << 8 | j[a + 4],
                         comps=[(j[a + 6 + 3 * i], j[a + 7 + 3 * i] >> 4, j[a + 7 + 3 * i] & 15) for i in range(nf)])
        elif m == 0xDA:
            ns = j[a]
            scan = [(j[a + 1 + 2 * i], j[a + 2 + 2 * i] >> 4, j[a + 2 + 2 * i] & 15) for i in range(ns)]
        else:
            assert m in (0xE0, 0xDB, 0xFE), "unexpected marker %02X" % m
    assert frame and scan and len(scan) == len(frame["comps"]), "one frame, one scan with every component"
    end = j.rindex(b"\xff\xd9")
    hmax = max(h for _, h, _ in frame["comps"])
    vmax = max(v for _, _, v in frame["comps"])
    if len(scan) == 1:  # non-interleaved: one block per MCU, the component's own block grid
        mx = ceil(ceil(frame["X"] * frame["comps"][0][1], hmax), 8)
        my = ceil(ceil(frame["Y"] * frame["comps"][0][2], vmax), 8)
        layout = [(0, 1, 1)]
    else:
        mx, my = ceil(frame["X"], 8 * hmax), ceil(frame["Y"], 8 * vmax)
        layout = [(i, h, v) for i, (_, h, v) in enumerate(frame["comps"])]
    r = BitReader(j[data_start:end])
    pred = [0] * len(scan)
    mcus = []  # per MCU: per block (scan component index, 64 zigzag coefficients)
    for _ in range(mx * my):
        blocks = []
        for ci, h, v in layout:
            _, td, ta = scan[ci]
            for _ in range(h * v):
                z = [0] * 64
                t = r.decode(tables[(0, td)])
                pred[ci] += extend(r.receive(t), t)
                z[0] = pred[ci]
                k = 1
                while k < 64:
                    rs = r.decode(tables[(1, ta)])
                    run_, s = rs >> 4, rs & 15
                    if s == 0:
                        if run_ != 15:
                            break
                        k += 16
                        continue
                    k += run_
                    z[k] = extend(r.receive(s), s)
                    k += 1
                blocks.append((ci, z))
        mcus.append(blocks)
    assert len(r.bits) - r.pos < 8, "all of the scan's data decoded"
    return segs, frame, scan, mcus


# ---- re-encoding with a restart interval and optimal Huffman tables (T.81 Annex K.2) ---------------

def category(v):
    return 0 if v == 0 else abs(v).bit_length()


def symbols(mcus, nscan, interval):
    """Per MCU: list of (table class, scan component index, symbol, extra bits, extra length)."""
    out = []
    pred = [0] * nscan
    for m, blocks in enumerate(mcus):
        if interval and m % interval == 0:
            pred = [0] * nscan
        syms = []
        for ci, z in blocks:
            diff = z[0] - pred[ci]
            pred[ci] = z[0]
            s = category(diff)
            syms.append((0, ci, s, diff if diff >= 0 else diff + (1 << s) - 1, s))
            run_ = 0
            last = max([k for k in range(1, 64) if z[k]], default=0)
            for k in range(1, last + 1):
                if z[k] == 0:
                    run_ += 1
                    continue
                while run_ > 15:
                    syms.append((1, ci, 0xF0, 0, 0))
                    run_ -= 16
                s = category(z[k])
                syms.append((1, ci, run_ << 4 | s, z[k] if z[k] > 0 else z[k] + (1 << s) - 1, s))
                run_ = 0
            if last < 63:
                syms.append((1, ci, 0x00, 0, 0))
        out.append(syms)
    return out


def optimal_table(freq):
    """BITS and HUFFVAL for symbol frequencies: Huffman code lengths, limited to 16 bits, no all-ones code."""
    items = sorted(freq.items(), key=lambda kv: -kv[1]) + [(256, 0)]  # 256 reserves the all-ones code
    heap = [(f if s != 256 else 0, i, [s]) for i, (s, f) in enumerate(items)]
    heapq.heapify(heap)
    length = {s: 0 for s, _ in items}
    tie = len(heap)
    while len(heap) > 1:
        f1, _, a = heapq.heappop(heap)
        f2, _, b = heapq.heappop(heap)
        for s in a + b:
            length[s] += 1
        heapq.heappush(heap, (f1 + f2, tie, a + b))
        tie += 1
    bits = [0] * 33
    for s, _ in items:
        bits[max(length[s], 1)] += 1
    for i in range(32, 16, -1):  # Annex K.3 (Figure K.3): move over-long codes up
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
    i = 16
    while bits[i] == 0:
        i -= 1
    bits[i] -= 1  # drop the reserved code
    order = [s for s, _ in items if s != 256]  # most frequent first gets the shortest codes
    return bits[1:17], order


class BitWriter:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = self.acc << 1 | (value >> i) & 1
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc, self.n = 0, 0

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with 1-bits


def scans_of(frame, mcus, separate):
    """[(scan component indices, MCUs)] to code: the decoded interleaved scan, or one scan per component."""
    comps = frame["comps"]
    if not separate or len(comps) == 1:
        return [(list(range(len(comps))), mcus)]
    hmax = max(h for _, h, _ in comps)
    vmax = max(v for _, _, v in comps)
    wide = ceil(frame["X"], 8 * hmax)
    grid = {}
    for m, blocks in enumerate(mcus):
        seen = {}
        for ci, z in blocks:
            i = seen.get(ci, 0)
            seen[ci] = i + 1
            _, h, v = comps[ci]
            grid[(ci, m % wide * h + i % h, m // wide * v + i // h)] = z
    scans = []
    for ci, (_, h, v) in enumerate(comps):
        # a non-interleaved scan codes only the component's own blocks, not the MCU padding
        bw, bh = ceil(ceil(frame["X"] * h, hmax), 8), ceil(ceil(frame["Y"] * v, vmax), 8)
        scans.append(([ci], [[(ci, grid[(ci, bx, by)])] for by in range(bh) for bx in range(bw)]))
    return scans


def recode(j, interval, separate=False):
    """The same coefficients, coded with a DRI segment, RSTn markers and new optimal Huffman tables; with
    `separate`, one non-interleaved scan per component."""
    segs, frame, scan, mcus = read_jpeg(j)
    scans = [(cis, symbols(m, len(scan), interval)) for cis, m in scans_of(frame, mcus, separate)]
    freq = {}
    for _, syms in scans:
        for per in syms:
            for tc, ci, s, _, _ in per:
                # one table per class and component: table id = component index
                freq.setdefault((tc, ci), {}).setdefault(s, 0)
                freq[(tc, ci)][s] += 1
    tables, dht = {}, bytearray()
    for (tc, ci), f in sorted(freq.items()):
        bits, vals = optimal_table(f)
        codes = huffman_codes(bits, vals)
        tables[(tc, ci)] = {sym: (code, length) for (length, code), sym in codes.items()}
        dht += bytes([tc << 4 | ci]) + bytes(bits) + bytes(vals)
    out = bytearray(b"\xff\xd8")
    for m, a, b in segs:
        if m not in (0xC4, 0xDA):
            out += j[a - 4:b]
    out += b"\xff\xc4" + (2 + len(dht)).to_bytes(2, "big") + dht
    out += b"\xff\xdd\x00\x04" + interval.to_bytes(2, "big")
    for cis, syms in scans:
        sos = bytes([len(cis)]) + b"".join(bytes([frame["comps"][ci][0], ci << 4 | ci]) for ci in cis) + b"\x00\x3f\x00"
        out += b"\xff\xda" + (2 + len(sos)).to_bytes(2, "big") + sos
        w = BitWriter()
        for m, per in enumerate(syms):
            if interval and m and m % interval == 0:
                w.flush()
                w.out += bytes([0xFF, 0xD0 + (m // interval - 1) % 8])
            for tc, ci, s, extra, n in per:
                code, length = tables[(tc, ci)][s]
                w.put(code, length)
                w.put(extra, n)
        w.flush()
        out += w.out
    return bytes(out + b"\xff\xd9")


def recode_file(src, dst, interval, separate=False):
    ds = pydicom.dcmread(src)
    frame = next(generate_pixel_data_frame(ds.PixelData))
    frame = frame[:frame.rindex(b"\xff\xd9") + 2]
    ds.PixelData = encapsulate([recode(frame, interval, separate)])
    ds.save_as(dst)


def decoded_pixels(path):
    return pydicom.dcmread(path).pixel_array


def main():
    tmp = tempfile.mkdtemp()
    t = lambda n: os.path.join(tmp, n)
    o = lambda n: os.path.join(OUT, n)

    r0, c0, h, w = CROP
    ds = pydicom.dcmread(os.path.join(SRC, "heudiconv/axasc35.dcm"))
    ds.remove_private_tags()
    crop = ds.pixel_array[r0:r0 + h, c0:c0 + w].astype("<u2")
    assert crop.max() < 4096
    ds.Rows, ds.Columns = h, w
    ds.PixelData = crop.tobytes()
    for kw in ("SmallestImagePixelValue", "LargestImagePixelValue", "WindowCenter", "WindowWidth"):
        if kw in ds:
            delattr(ds, kw)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.save_as(t("crop.dcm"), write_like_original=False)

    run("dcmcjpeg", "+ee", "+q", "90", t("crop.dcm"), o("MR_jpeg_extended12.dcm"))
    run("dcmcjpeg", "+ee", "+be", t("crop.dcm"), o("MR_jpeg_extended8.dcm"))
    run("dcmdrle", os.path.join(SRC, "python3-pydicom/SC_rgb_rle.dcm"), t("rgb.dcm"))
    run("dcmcjpeg", "+ee", "+bt", t("rgb.dcm"), t("rgb12.dcm"))
    recode_file(o("MR_jpeg_extended12.dcm"), o("MR_jpeg_extended12_restart.dcm"), 5)
    recode_file(o("MR_jpeg_extended8.dcm"), o("MR_jpeg_extended8_restart.dcm"), 7)
    recode_file(t("rgb12.dcm"), o("SC_rgb_jpeg_extended12_restart.dcm"), 3)
    recode_file(t("rgb12.dcm"), o("SC_rgb_jpeg_extended12_scans.dcm"), 4, separate=True)

    refs = (("MR_jpeg_extended12", o("MR_jpeg_extended12.dcm"), [], "dcmtk-decoded"),
            ("CR_jpeg_extended12", o("CR_jpeg_extended12.dcm"), [], "dcmtk-decoded"),
            ("SC_rgb_jpeg_extended12", t("rgb12.dcm"), ["+cn"], "dcmtk-decoded"),
            ("SC_rgb_jpeg_extended12", t("rgb12.dcm"), ["+ca"], "dcmtk-rgb"))
    for name, src, opts, kind in refs:
        run("dcmdjpeg", *opts, src, t(name + kind))
        run("dcmconv", "+td", t(name + kind), o(name + "." + kind + ".dcm"))
    # re-coding kept every coefficient: DCMTK decodes the re-coded files to the same pixels
    for recoded, orig, opts in (("MR_jpeg_extended12_restart", o("MR_jpeg_extended12.dcm"), []),
                                ("MR_jpeg_extended8_restart", o("MR_jpeg_extended8.dcm"), []),
                                ("SC_rgb_jpeg_extended12_restart", t("rgb12.dcm"), ["+cn"]),
                                ("SC_rgb_jpeg_extended12_scans", t("rgb12.dcm"), ["+cn"])):
        run("dcmdjpeg", *opts, o(recoded + ".dcm"), t("a.dcm"))
        run("dcmdjpeg", *opts, orig, t("b.dcm"))
        a, b = decoded_pixels(t("a.dcm")), decoded_pixels(t("b.dcm"))
        assert a.shape == b.shape and (a == b).all(), recoded + " decodes differently"
        print(recoded, a.shape, "decodes like", os.path.basename(orig), "max", a.max())
    ref = decoded_pixels(o("MR_jpeg_extended12.dcmtk-decoded.dcm")).astype(float)
    mse = ((ref - crop) ** 2).mean()
    print("MR 12-bit: PSNR of DCMTK's decoding vs the original %.2f dB (peak 4095)" % (10 * np.log10(4095 ** 2 / mse)))
    for f in sorted(os.listdir(OUT)):
        if "extended" in f:
            print(f, os.path.getsize(o(f)))


if __name__ == "__main__":
    main()
