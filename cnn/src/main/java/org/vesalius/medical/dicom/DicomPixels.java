package org.vesalius.medical.dicom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.StoredArray;
import org.vesalius.medical.StoredType;
import org.vesalius.medical.Voxels;
import org.vesalius.medical.raster.JpegHeader;

/**
 * Decodes Pixel Data (native, RLE Lossless, JPEG baseline/extended 8- and 12-bit/lossless) into {@link PixelData}.
 * Sizes are validated against the bytes present before the output is allocated: a truncated value is a
 * "Pixel Data too short" error, never a zero-padded image; trailing padding is ignored with a warning.
 */
public final class DicomPixels {
    private static final Logger LOG = LoggerFactory.getLogger(DicomPixels.class);
    /** Largest decoded image, in bytes (one Java array). */
    public static final long MAX_DECODED_BYTES = Integer.MAX_VALUE - 64;
    /** PackBits expands at most 64x (a 2-byte run of 128); anything claiming more is corrupt. */
    private static final long RLE_MAX_RATIO = 64;

    private DicomPixels() {
    }

    /** Geometry of the pixel matrix read from the dataset, validated. */
    record Layout(int rows, int cols, int samples, int bitsAllocated, int bitsStored, int pixelRepresentation,
                  String photometric, int planar, int frames) {
        int bytesPerSample() {
            return bitsAllocated == 1 ? 1 : bitsAllocated / 8;
        }

        long pixelsPerFrame() {
            return (long) rows * cols;
        }
    }

    static Layout layout(DicomObject ds, String name) throws DicomFormatException {
        int rows = required(ds, Tag.Rows, name);
        int cols = required(ds, Tag.Columns, name);
        int spp = intOf(ds, Tag.SamplesPerPixel, 1, name);
        int ba = required(ds, Tag.BitsAllocated, name);
        int bs = intOf(ds, Tag.BitsStored, ba, name);
        int pr = intOf(ds, Tag.PixelRepresentation, 0, name);
        int planar = intOf(ds, Tag.PlanarConfiguration, 0, name);
        String pi = ds.getString(Tag.PhotometricInterpretation);
        if (pi == null || pi.isEmpty()) {
            pi = spp == 1 ? "MONOCHROME2" : "RGB";
        }
        if (rows <= 0 || cols <= 0 || rows > 65535 || cols > 65535) {
            throw new DicomFormatException(name + ": Rows " + rows + " and Columns " + cols + " must be in 1..65535 (US values)");
        }
        if (spp != 1 && spp != 3 && spp != 4) {
            throw new DicomFormatException(name + ": Samples per Pixel " + spp + " is not supported (accepted: 1, 3, 4)");
        }
        if (ba != 1 && ba != 8 && ba != 16 && ba != 32 && ba != 64) {
            throw new DicomFormatException(name + ": Bits Allocated " + ba + " is not supported (accepted: 1, 8, 16, 32, 64)");
        }
        if (bs < 1 || bs > ba) {
            throw new DicomFormatException(name + ": Bits Stored " + bs + " must be in 1.." + ba + " (Bits Allocated)");
        }
        if (pr != 0 && pr != 1) {
            throw new DicomFormatException(name + ": Pixel Representation " + pr + " must be 0 (unsigned) or 1 (signed)");
        }
        return new Layout(rows, cols, spp, ba, bs, pr, pi, planar, frames(ds, name));
    }

    /** Number of Frames (0028,0008) as an integer: 1 when absent. */
    public static int frames(DicomObject ds, String name) throws DicomFormatException {
        String s = ds.getString(Tag.NumberOfFrames);
        if (s == null || s.isEmpty()) {
            return 1;
        }
        int n;
        try {
            n = Integer.parseInt(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": invalid Number of Frames (0028,0008) '" + s + "': not an integer");
        }
        if (n < 1) {
            throw new DicomFormatException(name + ": invalid Number of Frames (0028,0008) " + n + ": must be at least 1");
        }
        return n;
    }

    private static int required(DicomObject ds, int tag, String name) throws DicomFormatException {
        DicomElement e = ds.get(tag);
        if (e == null || e.length() == 0) {
            throw new DicomFormatException(name + ": " + Tag.describe(tag) + " is missing; it is required to decode Pixel Data");
        }
        return intOf(ds, tag, 0, name);
    }

    private static int intOf(DicomObject ds, int tag, int def, String name) throws DicomFormatException {
        try {
            return ds.getInt(tag, def);
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": " + e.getMessage());
        }
    }

    /** Decodes the Pixel Data (or Float / Double Float Pixel Data) of a file. */
    public static PixelData decode(DicomFile file) throws IOException {
        DicomObject ds = file.dataset();
        String name = file.name();
        DicomElement px = ds.get(Tag.PixelData);
        StoredType floatType = null;
        if (px == null && ds.get(Tag.FloatPixelData) != null) {
            px = ds.get(Tag.FloatPixelData);
            floatType = StoredType.F4;
        } else if (px == null && ds.get(Tag.DoubleFloatPixelData) != null) {
            px = ds.get(Tag.DoubleFloatPixelData);
            floatType = StoredType.F8;
        }
        if (px == null) {
            throw new DicomFormatException(name + ": no Pixel Data (7FE0,0010) element");
        }
        Layout l = layout(ds, name);
        boolean sub422 = l.photometric().endsWith("_422");
        StoredType type = floatType != null ? floatType
                : l.bitsAllocated() == 1 ? StoredType.U1 : StoredType.integer(l.bytesPerSample(), l.pixelRepresentation() == 1);
        if (floatType != null && type.byteSize() * 8 != l.bitsAllocated()) {
            throw new DicomFormatException(name + ": " + (floatType == StoredType.F4 ? "Float" : "Double Float")
                    + " Pixel Data needs Bits Allocated " + type.byteSize() * 8 + ", got " + l.bitsAllocated());
        }
        // per frame at most 65535^2 x 4 x 8 bytes, so only the product with the frame count can overflow
        long frameSize = l.pixelsPerFrame() * l.samples() * type.byteSize();
        long outBytes = l.frames() > MAX_DECODED_BYTES / frameSize ? Long.MAX_VALUE : l.frames() * frameSize;
        if (outBytes > MAX_DECODED_BYTES) {
            throw new DicomFormatException(name + ": decoded image of " + l.frames() + " frames of " + l.rows() + "x" + l.cols()
                    + "x" + l.samples() + " samples of " + type.byteSize() + " bytes would be "
                    + (outBytes == Long.MAX_VALUE ? "more" : outBytes + " bytes, more") + " than the " + MAX_DECODED_BYTES
                    + " supported");
        }
        int frameBytes = (int) (l.pixelsPerFrame() * l.samples() * type.byteSize());
        String outPi = sub422 ? l.photometric().replace("_422", "") : l.photometric();
        int[] shape = {l.frames(), l.rows(), l.cols(), l.samples()};
        TransferSyntax ts = file.transferSyntax();
        if (!px.isEncapsulated()) {
            if (ts.encapsulated() && px.length() > 0) {
                LOG.warn("{}: transfer syntax {} is compressed but Pixel Data is native; reading it as native", name, ts.name());
            }
            byte[] out = decodeNative(px, l, type, sub422, file.transferSyntax().bigEndian() || px.bigEndian(), name);
            return new PixelData(new StoredArray(type, shape, out), outPi, l.frames(), l.rows(), l.cols(), l.samples());
        }
        List<byte[]> frames = frameData(px, ds, l.frames(), ts, name);
        byte[] out;
        switch (ts.compression()) {
            case RLE: {
                if (l.bitsAllocated() == 1) {
                    throw new DicomFormatException(name + ": RLE with Bits Allocated 1 is not supported");
                }
                long compressed = 0;
                for (byte[] f : frames) {
                    compressed += f.length;
                }
                if (outBytes > compressed * RLE_MAX_RATIO + 64L * frames.size()) {
                    throw new DicomFormatException(name + ": " + compressed + " bytes of RLE data cannot hold " + outBytes
                            + " decoded bytes; Rows/Columns/Number of Frames do not match the data");
                }
                out = new byte[(int) outBytes];
                for (int f = 0; f < frames.size(); f++) {
                    RleDecoder.decodeFrame(frames.get(f), f, (int) l.pixelsPerFrame(), l.samples(), type.byteSize(), out,
                            f * frameBytes);
                }
                break;
            }
            case JPEG: {
                boolean raw = l.samples() == 1 || l.photometric().startsWith("YBR");
                int[] sofDims = null;
                for (int f = 0; f < frames.size(); f++) {
                    JpegHeader sof = JpegFrameDecoder.readSof(frames.get(f), f);
                    if (sof.width() != l.cols() || sof.height() != l.rows() && sof.height() != 0) {
                        sofDims = new int[] {sof.width(), sof.height()};
                        break;
                    }
                    if (sof.minBits() > 8L * frames.get(f).length) {
                        throw new DicomFormatException(name + ": JPEG frame " + f + " has " + frames.get(f).length + " bytes, too few for "
                                + sof.width() + "x" + sof.height() + "x" + sof.components() + " samples of " + sof.process()
                                + " (at least " + sof.minBits() + " bits): truncated, or Rows/Columns are wrong");
                    }
                }
                if (sofDims != null) {
                    throw new DicomFormatException(name + ": JPEG frame is " + sofDims[0] + "x" + sofDims[1] + " but Columns x Rows is "
                            + l.cols() + "x" + l.rows());
                }
                out = new byte[(int) outBytes];
                for (int f = 0; f < frames.size(); f++) {
                    JpegFrameDecoder.decode(frames.get(f), f, l.rows(), l.cols(), l.samples(), type.byteSize(), raw, out,
                            f * frameBytes);
                }
                break;
            }
            default:
                throw new DicomFormatException(name + ": Pixel Data compressed with " + ts.name() + " (" + ts.uid()
                        + ") cannot be decoded: supported are native, RLE Lossless and JPEG baseline/extended (8- and 12-bit)/lossless");
        }
        return new PixelData(new StoredArray(type, shape, out), outPi, l.frames(), l.rows(), l.cols(), l.samples());
    }

    private static byte[] decodeNative(DicomElement px, Layout l, StoredType type, boolean sub422, boolean bigEndian, String name)
            throws DicomFormatException {
        long values = (long) l.frames() * l.pixelsPerFrame() * l.samples();
        long need;
        if (l.bitsAllocated() == 1) {
            need = (values + 7) / 8;
        } else if (sub422) {
            if (l.samples() != 3 || l.cols() % 2 != 0) {
                throw new DicomFormatException(name + ": " + l.photometric() + " needs 3 samples and an even number of columns");
            }
            need = (long) l.frames() * l.pixelsPerFrame() * 2 * type.byteSize();
        } else {
            need = values * type.byteSize();
        }
        int have = px.length();
        if (have < need) {
            throw new DicomFormatException(name + ": Pixel Data too short: " + have + " bytes, expected " + need + " (" + l.frames()
                    + " frame(s) of " + l.rows() + " rows x " + l.cols() + " columns x " + l.samples() + " samples x "
                    + l.bitsAllocated() + " bits)");
        }
        if (have > need + 1) {
            LOG.warn("{}: Pixel Data has {} bytes, {} more than the {} needed; the excess is ignored", name, have, have - need, need);
        }
        byte[] src = px.source();
        int off = px.offset();
        byte[] out = new byte[(int) (values * type.byteSize())];
        if (l.bitsAllocated() == 1) {
            byte[] packed = java.util.Arrays.copyOfRange(src, off, off + (int) need);
            if (bigEndian && px.vr() == VR.OW) {
                Voxels.byteSwap(packed, 2);
            }
            for (long i = 0; i < values; i++) {
                out[(int) i] = (byte) ((packed[(int) (i >>> 3)] >>> (i & 7)) & 1);
            }
            return out;
        }
        int w = type.byteSize();
        int frameValues = (int) (l.pixelsPerFrame() * l.samples());
        if (sub422) {
            // Y0 Y1 Cb Cr per pair of pixels -> (Y0 Cb Cr)(Y1 Cb Cr)
            int pairs = (int) (l.frames() * l.pixelsPerFrame() / 2);
            for (int p = 0; p < pairs; p++) {
                int s = off + p * 4 * w;
                int d = p * 6 * w;
                copyValue(src, s, out, d, w, bigEndian);
                copyValue(src, s + 2 * w, out, d + w, w, bigEndian);
                copyValue(src, s + 3 * w, out, d + 2 * w, w, bigEndian);
                copyValue(src, s + w, out, d + 3 * w, w, bigEndian);
                copyValue(src, s + 2 * w, out, d + 4 * w, w, bigEndian);
                copyValue(src, s + 3 * w, out, d + 5 * w, w, bigEndian);
            }
            return out;
        }
        if (l.samples() > 1 && l.planar() == 1) {
            int plane = (int) l.pixelsPerFrame();
            for (int f = 0; f < l.frames(); f++) {
                for (int s = 0; s < l.samples(); s++) {
                    for (int p = 0; p < plane; p++) {
                        int si = off + ((f * l.samples() + s) * plane + p) * w;
                        int di = (f * frameValues + p * l.samples() + s) * w;
                        copyValue(src, si, out, di, w, bigEndian);
                    }
                }
            }
            return out;
        }
        System.arraycopy(src, off, out, 0, out.length);
        if (bigEndian && w > 1) {
            Voxels.byteSwap(out, w);
        }
        return out;
    }

    private static void copyValue(byte[] src, int s, byte[] dst, int d, int w, boolean swap) {
        for (int k = 0; k < w; k++) {
            dst[d + k] = src[s + (swap ? w - 1 - k : k)];
        }
    }

    /**
     * Groups the fragments of encapsulated Pixel Data into frames: by the Extended Offset Table, the Basic
     * Offset Table, one fragment per frame, or (JPEG) by the SOI marker that starts each frame.
     */
    static List<byte[]> frameData(DicomElement px, DicomObject ds, int frames, TransferSyntax ts, String name)
            throws DicomFormatException {
        int n = px.fragmentCount() - 1;
        if (n < 1) {
            throw new DicomFormatException(name + ": encapsulated Pixel Data has no fragments after the Basic Offset Table");
        }
        byte[] src = px.source();
        List<List<Integer>> groups = new ArrayList<>();
        int[] bot = offsets(px.fragment(0), name);
        // position of each fragment's item header relative to the first fragment's item header
        long[] rel = new long[n];
        int base = px.fragmentRange(1)[0] - 8;
        for (int i = 0; i < n; i++) {
            rel[i] = px.fragmentRange(i + 1)[0] - 8 - base;
        }
        double[] eot;
        try {
            eot = ds.get(Tag.ExtendedOffsetTable) != null ? ds.get(Tag.ExtendedOffsetTable).doubles() : null;
        } catch (NumberFormatException e) {
            throw new DicomFormatException(name + ": " + e.getMessage());
        }
        long[] starts = null;
        if (frames == 1) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(i);
            }
            groups.add(all);
        } else if (eot != null && eot.length == frames) {
            starts = new long[frames];
            for (int f = 0; f < frames; f++) {
                starts[f] = (long) eot[f];
            }
        } else if (bot.length == frames) {
            starts = new long[frames];
            for (int f = 0; f < frames; f++) {
                starts[f] = bot[f] & 0xFFFFFFFFL;
            }
        } else if (n == frames) {
            for (int i = 0; i < n; i++) {
                groups.add(List.of(i));
            }
        } else if (ts.compression() == TransferSyntax.Compression.JPEG) {
            for (int i = 0; i < n; i++) {
                int[] r = px.fragmentRange(i + 1);
                boolean soi = r[1] >= 2 && (src[r[0]] & 0xFF) == 0xFF && (src[r[0] + 1] & 0xFF) == 0xD8;
                if (soi || groups.isEmpty()) {
                    groups.add(new ArrayList<>());
                }
                groups.get(groups.size() - 1).add(i);
            }
        } else {
            throw new DicomFormatException(name + ": cannot tell which of the " + n + " Pixel Data fragments belong to which of the "
                    + frames + " frames (no offset table, and fragments != frames)");
        }
        if (starts != null) {
            for (int f = 0; f < frames; f++) {
                long lo = starts[f];
                long hi = f + 1 < frames ? starts[f + 1] : Long.MAX_VALUE;
                List<Integer> g = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (rel[i] >= lo && rel[i] < hi) {
                        g.add(i);
                    }
                }
                if (g.isEmpty()) {
                    throw new DicomFormatException(name + ": the offset table gives frame " + f + " offset " + lo
                            + ", where no fragment starts");
                }
                groups.add(g);
            }
        }
        if (groups.size() != frames) {
            throw new DicomFormatException(name + ": found " + groups.size() + " frames in the Pixel Data fragments, but Number of Frames is "
                    + frames);
        }
        List<byte[]> out = new ArrayList<>(frames);
        for (List<Integer> g : groups) {
            int len = 0;
            for (int i : g) {
                len += px.fragmentRange(i + 1)[1];
            }
            byte[] f = new byte[len];
            int p = 0;
            for (int i : g) {
                int[] r = px.fragmentRange(i + 1);
                System.arraycopy(src, r[0], f, p, r[1]);
                p += r[1];
            }
            out.add(f);
        }
        return out;
    }

    private static int[] offsets(byte[] bot, String name) throws DicomFormatException {
        if (bot.length % 4 != 0) {
            throw new DicomFormatException(name + ": Basic Offset Table length " + bot.length + " is not a multiple of 4");
        }
        int[] o = new int[bot.length / 4];
        for (int i = 0; i < o.length; i++) {
            o[i] = bot[4 * i] & 0xFF | (bot[4 * i + 1] & 0xFF) << 8 | (bot[4 * i + 2] & 0xFF) << 16 | (bot[4 * i + 3] & 0xFF) << 24;
        }
        return o;
    }
}
