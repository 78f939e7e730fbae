package org.vesalius.medical.nifti;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.io.AtomicFile;
import org.vesalius.io.BoundedInput;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.StoredArray;
import org.vesalius.medical.Voxels;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * NIfTI-1 and NIfTI-2 read and write: {@code .nii}, {@code .nii.gz} (detected by content, not name) and
 * {@code .hdr}/{@code .img} pairs, either byte order, every real datatype plus RGB24/RGBA32.
 *
 * <p>Images: NIfTI's (i, j, k, t, ...) become a {@link MedicalImage} with data {@code [C, Z, Y, X]}
 * where X = i, Y = j, Z = k and C = the product of dimensions 4 to 7 (times 3 or 4 for RGB/RGBA), so
 * the file's order is the tensor's row-major order. Values are {@code stored * scl_slope + scl_inter}
 * unless scl_slope is 0 or not finite (nibabel's rule). Geometry is {@link NiftiHeader#bestAffine()}
 * (RAS+, as MedicalImage).
 *
 * <p>Every size in the header is checked against the bytes actually present before the voxel buffer is
 * allocated; a truncated file, or a gzip stream that ends early, is an {@link IOException} naming
 * how many bytes were expected and found.
 */
public final class Nifti {
    private static final Logger LOG = LoggerFactory.getLogger(Nifti.class);
    /** Largest voxel block read or written (one Java array). */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 64;
    /** Most values (voxels times RGB components) an image may have: a float32 image of 2 GiB. */
    public static final long MAX_VALUES = Integer.MAX_VALUE / 4;
    private static final byte[] MAGIC2 = {'n', '+', '2', 0, '\r', '\n', 0x1A, '\n'};

    private Nifti() {
    }

    /** A header and the voxel values exactly as stored (shape: dims reversed, components last; bytes in file order). */
    public record NiftiData(NiftiHeader header, StoredArray stored) {
    }

    /** Reads only the header (and extensions). */
    public static NiftiHeader readHeader(Path path) throws IOException {
        try (Source src = Source.open(path)) {
            return readHeaderFrom(src, path.toString());
        }
    }

    /** Reads the header and the stored voxel values. */
    public static NiftiData readStored(Path path) throws IOException {
        try (Source src = Source.open(path)) {
            return read(src, path.toString(), path, Nifti::storedData);
        }
    }

    /** Reads a single-file NIfTI ({@code .nii}, gzipped or not) from its bytes; {@code name} is used in messages. */
    public static NiftiData readStored(byte[] bytes, String name) throws IOException {
        try (Source src = Source.open(new ByteArrayInputStream(bytes), bytes.length, name)) {
            return read(src, name, null, Nifti::storedData);
        }
    }

    /** Reads an image of float32 scaled values. */
    public static MedicalImage read(Path path) throws IOException {
        return read(path, DType.FLOAT32);
    }

    /** Reads an image of {@code dtype} (an integer dtype needs unscaled or integer-valued data). */
    public static MedicalImage read(Path path, DType dtype) throws IOException {
        try (Source src = Source.open(path)) {
            return read(src, path.toString(), path, (h, type, in, need, name) -> image(h, decode(h, type, in, dtype, name), name));
        }
    }

    /**
     * Reads a single-file NIfTI ({@code .nii}, gzipped or not) from {@code in} (not closed) as an image of
     * {@code dtype}, decoding the voxels as they stream in (no copy of the file is kept); {@code name} is
     * used in messages. A gzip stream is read to its end, which may be at most {@link #GZIP_SLACK} bytes
     * past the voxels the header declares.
     */
    public static MedicalImage read(InputStream in, String name, DType dtype) throws IOException {
        try (Source src = Source.open(new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the caller's stream stays open
            }
        }, -1, name)) {
            return read(src, name, null, (h, type, data, need, n) -> image(h, decode(h, type, data, dtype, n), n));
        }
    }

    /** The image of stored data (see the class comment for axes, scaling and geometry). */
    public static MedicalImage toImage(NiftiData nd, DType dtype, String name) throws IOException {
        NiftiHeader h = nd.header();
        NiftiDataType type = NiftiDataType.of(h.datatype);
        byte[] bytes = nd.stored().bytes();
        NiftiVoxels v = voxels(h, type, false, dtype, name);
        if (bytes.length != v.bytesNeeded()) {
            throw new IllegalArgumentException(name + ": the stored array has " + bytes.length + " bytes, the header's "
                    + "dims and datatype need " + v.bytesNeeded());
        }
        v.accept(bytes, 0, bytes.length);
        return image(h, v.finish(tensorShape(h, type)), name);
    }

    // ------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Bytes a gzip stream may hold past the voxels its header declares (vox_offset + data) before reading
     * stops with an error: a corrupt file or a gzip bomb, which would otherwise be inflated to its end.
     */
    public static final long GZIP_SLACK = 1 << 16;

    /** An open file or stream: gzip detected by content; {@code size} the bytes of a plain source if known, else -1. */
    private static final class Source implements java.io.Closeable {
        final InputStream in;
        final boolean gzip;
        final long size;

        private Source(InputStream in, boolean gzip, long size) {
            this.in = in;
            this.gzip = gzip;
            this.size = size;
        }

        static Source open(Path path) throws IOException {
            return open(Files.newInputStream(path), Files.size(path), path.toString());
        }

        /** @param size the source's length in bytes, or -1 when unknown */
        static Source open(InputStream source, long size, String name) throws IOException {
            InputStream raw = new BufferedInputStream(source, 1 << 16);
            try {
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                if (b0 == 0x1F && b1 == 0x8B) {
                    try {
                        return new Source(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16), true, -1);
                    } catch (IOException e) {
                        throw new IOException(name + ": gzip header is truncated or corrupt: " + e.getMessage(), e);
                    }
                }
                return new Source(raw, false, size);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        /**
         * After the voxels, which end at byte {@code end}: a gzip stream is read on to its end, so that its
         * CRC and length are checked, but no further than {@link #GZIP_SLACK} bytes; a plain file's
         * trailing bytes are left unread, as nibabel leaves them.
         */
        void finish(long end, String name) throws IOException {
            if (!gzip) {
                return;
            }
            byte[] buf = new byte[8192];
            long extra = 0;
            for (int k; (k = in.read(buf)) > 0; ) {
                extra += k;
                if (extra > GZIP_SLACK) {
                    throw new IOException(name + ": the gzip stream inflates to more than the " + end + " bytes its header "
                            + "declares (vox_offset + voxel data) plus " + GZIP_SLACK + ": a corrupt file or a gzip bomb; "
                            + "reading stopped there");
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** What to make of the voxels once the header is read and {@code data} stands at vox_offset. */
    private interface VoxelReader<T> {
        T read(NiftiHeader h, NiftiDataType type, InputStream data, long need, String name) throws IOException;
    }

    private static <T> T read(Source src, String name, Path path, VoxelReader<T> voxels) throws IOException {
        try {
            NiftiHeader h = readHeaderFrom(src, name);
            NiftiDataType type = NiftiDataType.of(h.datatype);
            long need = dataBytes(h, type, name);
            if (h.singleFile()) {
                long consumed = h.sizeofHdr + 4 + extensionBytes(h);
                checkPresent(src, h.voxOffset, need, name);
                skipExactly(src.in, h.voxOffset - consumed, name);
                return finish(voxels.read(h, type, src.in, need, name), src, h.voxOffset + need, name);
            }
            if (path == null) {
                throw new IOException(name + ": a two-file NIfTI (magic " + h.magic + ") must be read from its .hdr path");
            }
            Path img = pairedImage(path);
            try (Source din = Source.open(img)) {
                checkPresent(din, h.voxOffset, need, img.toString());
                skipExactly(din.in, h.voxOffset, img.toString());
                return finish(voxels.read(h, type, din.in, need, img.toString()), din, h.voxOffset + need, img.toString());
            }
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new IOException(name + ": gzip stream is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    /** Runs {@link Source#finish} and releases {@code result} (an image) if that fails. */
    private static <T> T finish(T result, Source src, long end, String name) throws IOException {
        try {
            src.finish(end, name);
            return result;
        } catch (IOException | RuntimeException e) {
            if (result instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) result).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** When the plain file's size is known: the voxels must lie within it, checked before any is read. */
    private static void checkPresent(Source src, long voxOffset, long need, String name) throws IOException {
        if (src.size >= 0 && voxOffset + need > src.size) {
            throw new IOException(name + ": voxel data truncated: vox_offset " + voxOffset + " + " + need + " bytes of voxels "
                    + "(from dim and datatype) = " + (voxOffset + need) + " bytes, but the file has " + src.size);
        }
    }

    private static NiftiData storedData(NiftiHeader h, NiftiDataType type, InputStream in, long need, String name)
            throws IOException {
        byte[] data = readExactly(in, need, name);
        if (h.bigEndian && type.stored().byteSize() > 1) {
            Voxels.byteSwap(data, type.stored().byteSize());
        }
        return new NiftiData(h, new StoredArray(type.stored(), storedShape(h, type), data));
    }

    private static NiftiVoxels voxels(NiftiHeader h, NiftiDataType type, boolean bigEndian, DType dtype, String name) {
        long[] shape = h.shape();
        long spatial = 1;
        long total = 1;
        for (int i = 0; i < shape.length; i++) {
            spatial *= i < 3 ? shape[i] : 1;
            total *= shape[i];
        }
        boolean scale = Double.isFinite(h.sclSlope) && h.sclSlope != 0 && type.components() == 1;
        return new NiftiVoxels(type.stored(), bigEndian, type.components(), spatial, total * type.components(), scale,
                h.sclSlope, h.sclInter, dtype, name);
    }

    /** Decodes the voxels from {@code in} in 64 KiB reads into a tensor of {@code dtype} (see {@link NiftiVoxels}). */
    private static Tensor decode(NiftiHeader h, NiftiDataType type, InputStream in, DType dtype, String name)
            throws IOException {
        NiftiVoxels v = voxels(h, type, h.bigEndian, dtype, name);
        long need = v.bytesNeeded();
        byte[] buf = new byte[(int) Math.min(need, 1 << 16)];
        long left = need;
        while (left > 0) {
            int k = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (k < 0) {
                throw new IOException(name + ": voxel data truncated: " + (need - left) + " of " + need + " bytes present");
            }
            v.accept(buf, 0, k);
            left -= k;
        }
        return v.finish(tensorShape(h, type));
    }

    /** {@code [C, Z, Y, X]}: C the product of dims 4..7 times the components. */
    private static int[] tensorShape(NiftiHeader h, NiftiDataType type) {
        long[] shape = h.shape();
        long channels = type.components();
        for (int i = 3; i < shape.length; i++) {
            channels *= shape[i];
        }
        return new int[] {(int) channels, (int) (shape.length > 2 ? shape[2] : 1), (int) (shape.length > 1 ? shape[1] : 1),
            (int) shape[0]};
    }

    /** The image of decoded voxels with the header's geometry and metadata; closes {@code data} on failure. */
    private static MedicalImage image(NiftiHeader h, Tensor data, String name) throws IOException {
        NiftiDataType type = NiftiDataType.of(h.datatype);
        boolean scale = Double.isFinite(h.sclSlope) && h.sclSlope != 0 && type.components() == 1;
        double[][] affine = h.bestAffine();
        for (int c = 0; c < 3; c++) {
            double norm = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
            if (!(norm > 0) || !Double.isFinite(norm)) {
                LOG.warn("{}: affine column {} is zero or not finite ({}); using a unit axis", name, c, h.bestAffineSource());
                for (int r = 0; r < 3; r++) {
                    affine[r][c] = r == c ? 1 : 0;
                }
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", h.version == 2 ? "NIfTI-2" : "NIfTI-1");
        meta.put("source", name);
        meta.put("datatype", type.nibabelName());
        meta.put("qform_code", h.qformCode);
        meta.put("sform_code", h.sformCode);
        meta.put("xyzt_units", h.xyztUnits);
        meta.put("intent_code", h.intentCode);
        meta.put("descrip", h.descrip);
        meta.put("pixdim", java.util.List.of(h.pixdim[0], h.pixdim[1], h.pixdim[2], h.pixdim[3], h.pixdim[4], h.pixdim[5],
                h.pixdim[6], h.pixdim[7]));
        if (scale) {
            meta.put("scl_slope", h.sclSlope);
            meta.put("scl_inter", h.sclInter);
        }
        try {
            return MedicalImage.fromAffine(data, affine, meta);
        } catch (IllegalArgumentException e) {
            data.close();
            throw new IOException(name + ": unusable affine from " + h.bestAffineSource() + ": " + e.getMessage(), e);
        }
    }

    private static Path pairedImage(Path hdr) throws IOException {
        String f = hdr.getFileName().toString();
        String base = f.endsWith(".hdr.gz") ? f.substring(0, f.length() - 7) : f.endsWith(".hdr") ? f.substring(0, f.length() - 4) : f;
        for (String ext : new String[] {".img", ".img.gz"}) {
            Path p = hdr.resolveSibling(base + ext);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IOException(hdr + ": a two-file NIfTI header (magic ni1/ni2) needs its image " + base + ".img next to it");
    }

    static NiftiHeader readHeaderFrom(Source src, String name) throws IOException {
        InputStream in = src.in;
        byte[] first = in.readNBytes(4);
        if (first.length < 4) {
            throw new IOException(name + ": not a NIfTI file: " + first.length + " bytes, a header needs 348 or 540");
        }
        int le = ByteBuffer.wrap(first).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first).getInt();
        int size;
        boolean big;
        if (le == 348 || le == 540) {
            size = le;
            big = false;
        } else if (be == 348 || be == 540) {
            size = be;
            big = true;
        } else {
            throw new IOException(name + ": not a NIfTI file: sizeof_hdr is " + le + " (little endian) / " + be
                    + " (big endian), expected 348 (NIfTI-1) or 540 (NIfTI-2)");
        }
        byte[] hdr = new byte[size];
        System.arraycopy(first, 0, hdr, 0, 4);
        int got = in.readNBytes(hdr, 4, size - 4);
        if (got < size - 4) {
            throw new IOException(name + ": truncated NIfTI header: " + (4 + got) + " of " + size + " bytes");
        }
        NiftiHeader h = size == 348 ? parse1(hdr, big, name) : parse2(hdr, big, name);
        if (h.singleFile()) {
            if (src.size >= 0 && h.voxOffset > src.size) {
                throw new IOException(name + ": vox_offset " + h.voxOffset + " lies beyond the end of the file (" + src.size
                        + " bytes): truncated, or a corrupt header");
            }
            byte[] flag = in.readNBytes(4);
            if (flag.length == 4 && flag[0] != 0) {
                readExtensions(in, h, name);
            } else if (flag.length < 4 && h.voxOffset > size) {
                throw new IOException(name + ": truncated after the header (no extension flag)");
            }
        }
        return h;
    }

    /**
     * The extensions between the header and vox_offset. Each esize is checked against vox_offset (which
     * a plain file's size bounds already) before its content is read, and the content is read as it
     * arrives, so a lying esize in a gzip stream costs only the bytes that are there.
     */
    private static void readExtensions(InputStream in, NiftiHeader h, String name) throws IOException {
        long pos = h.sizeofHdr + 4;
        while (pos + 8 <= h.voxOffset) {
            byte[] e = in.readNBytes(8);
            if (e.length < 8) {
                throw new IOException(name + ": truncated header extension at byte " + pos);
            }
            ByteBuffer bb = NiftiHeader.buffer(e, h.bigEndian);
            int esize = bb.getInt(0);
            int ecode = bb.getInt(4);
            if (esize < 8 || pos + esize > h.voxOffset) {
                throw new IOException(name + ": header extension at byte " + pos + " has esize " + esize
                        + ", outside 8.." + (h.voxOffset - pos) + " (the bytes before vox_offset " + h.voxOffset + ")");
            }
            if (esize % 16 != 0) {
                LOG.warn("{}: header extension size {} is not a multiple of 16", name, esize);
            }
            byte[] content = in.readNBytes(esize - 8);
            if (content.length < esize - 8) {
                throw new IOException(name + ": truncated header extension at byte " + pos + ": esize " + esize + ", but only "
                        + (8 + content.length) + " bytes follow");
            }
            h.extensions.add(new NiftiHeader.Extension(ecode, content));
            pos += esize;
        }
    }

    private static long extensionBytes(NiftiHeader h) {
        long n = 0;
        for (NiftiHeader.Extension e : h.extensions) {
            n += 8 + e.content().length;
        }
        return n;
    }

    private static NiftiHeader parse1(byte[] b, boolean big, String name) throws IOException {
        ByteBuffer bb = NiftiHeader.buffer(b, big);
        NiftiHeader h = new NiftiHeader();
        h.version = 1;
        h.bigEndian = big;
        h.sizeofHdr = 348;
        h.magic = NiftiHeader.cString(bb, 344, 4);
        if (!h.magic.equals("n+1") && !h.magic.equals("ni1")) {
            throw new IOException(name + ": NIfTI-1 magic is '" + h.magic + "', expected 'n+1' or 'ni1' (Analyze 7.5 is not supported)");
        }
        h.dimInfo = b[39] & 0xFF;
        for (int i = 0; i < 8; i++) {
            h.dim[i] = bb.getShort(40 + 2 * i);
            h.pixdim[i] = bb.getFloat(76 + 4 * i);
        }
        h.intentP1 = bb.getFloat(56);
        h.intentP2 = bb.getFloat(60);
        h.intentP3 = bb.getFloat(64);
        h.intentCode = bb.getShort(68);
        h.datatype = bb.getShort(70);
        h.bitpix = bb.getShort(72);
        h.sliceStart = bb.getShort(74);
        double vox = bb.getFloat(108);
        h.sclSlope = bb.getFloat(112);
        h.sclInter = bb.getFloat(116);
        h.sliceEnd = bb.getShort(120);
        h.sliceCode = b[122] & 0xFF;
        h.xyztUnits = b[123] & 0xFF;
        h.calMax = bb.getFloat(124);
        h.calMin = bb.getFloat(128);
        h.sliceDuration = bb.getFloat(132);
        h.toffset = bb.getFloat(136);
        h.descrip = NiftiHeader.cString(bb, 148, 80);
        h.auxFile = NiftiHeader.cString(bb, 228, 24);
        h.qformCode = bb.getShort(252);
        h.sformCode = bb.getShort(254);
        h.quaternB = bb.getFloat(256);
        h.quaternC = bb.getFloat(260);
        h.quaternD = bb.getFloat(264);
        h.qoffsetX = bb.getFloat(268);
        h.qoffsetY = bb.getFloat(272);
        h.qoffsetZ = bb.getFloat(276);
        for (int i = 0; i < 4; i++) {
            h.srowX[i] = bb.getFloat(280 + 4 * i);
            h.srowY[i] = bb.getFloat(296 + 4 * i);
            h.srowZ[i] = bb.getFloat(312 + 4 * i);
        }
        h.intentName = NiftiHeader.cString(bb, 328, 16);
        if (!(vox >= 0) || vox != Math.rint(vox) || vox > Long.MAX_VALUE / 2) {
            throw new IOException(name + ": vox_offset " + vox + " is not a non-negative whole number");
        }
        h.voxOffset = (long) vox;
        validate(h, name);
        return h;
    }

    private static NiftiHeader parse2(byte[] b, boolean big, String name) throws IOException {
        ByteBuffer bb = NiftiHeader.buffer(b, big);
        NiftiHeader h = new NiftiHeader();
        h.version = 2;
        h.bigEndian = big;
        h.sizeofHdr = 540;
        byte[] magic = java.util.Arrays.copyOfRange(b, 4, 12);
        boolean single = java.util.Arrays.equals(magic, MAGIC2);
        magic[1] = '+';
        boolean pair = b[5] == 'i' && java.util.Arrays.equals(magic, MAGIC2);
        if (!single && !pair) {
            throw new IOException(name + ": NIfTI-2 magic is '" + NiftiHeader.cString(bb, 4, 4) + "', expected 'n+2' or 'ni2'");
        }
        h.magic = single ? "n+2" : "ni2";
        h.datatype = bb.getShort(12);
        h.bitpix = bb.getShort(14);
        for (int i = 0; i < 8; i++) {
            h.dim[i] = bb.getLong(16 + 8 * i);
            h.pixdim[i] = bb.getDouble(104 + 8 * i);
        }
        h.intentP1 = bb.getDouble(80);
        h.intentP2 = bb.getDouble(88);
        h.intentP3 = bb.getDouble(96);
        h.voxOffset = bb.getLong(168);
        h.sclSlope = bb.getDouble(176);
        h.sclInter = bb.getDouble(184);
        h.calMax = bb.getDouble(192);
        h.calMin = bb.getDouble(200);
        h.sliceDuration = bb.getDouble(208);
        h.toffset = bb.getDouble(216);
        h.sliceStart = bb.getLong(224);
        h.sliceEnd = bb.getLong(232);
        h.descrip = NiftiHeader.cString(bb, 240, 80);
        h.auxFile = NiftiHeader.cString(bb, 320, 24);
        h.qformCode = bb.getInt(344);
        h.sformCode = bb.getInt(348);
        h.quaternB = bb.getDouble(352);
        h.quaternC = bb.getDouble(360);
        h.quaternD = bb.getDouble(368);
        h.qoffsetX = bb.getDouble(376);
        h.qoffsetY = bb.getDouble(384);
        h.qoffsetZ = bb.getDouble(392);
        for (int i = 0; i < 4; i++) {
            h.srowX[i] = bb.getDouble(400 + 8 * i);
            h.srowY[i] = bb.getDouble(432 + 8 * i);
            h.srowZ[i] = bb.getDouble(464 + 8 * i);
        }
        h.sliceCode = bb.getInt(496);
        h.xyztUnits = bb.getInt(500);
        h.intentCode = bb.getInt(504);
        h.intentName = NiftiHeader.cString(bb, 508, 16);
        h.dimInfo = b[524] & 0xFF;
        if (h.voxOffset < 0) {
            throw new IOException(name + ": vox_offset " + h.voxOffset + " is negative");
        }
        validate(h, name);
        return h;
    }

    private static void validate(NiftiHeader h, String name) throws IOException {
        if (h.dim[0] < 1 || h.dim[0] > 7) {
            throw new IOException(name + ": dim[0] = " + h.dim[0] + " must be 1..7 (the number of dimensions)");
        }
        for (int i = 1; i <= h.dim[0]; i++) {
            if (h.dim[i] < 1) {
                throw new IOException(name + ": dim[" + i + "] = " + h.dim[i] + " must be at least 1");
            }
        }
        if (h.voxOffset > MAX_DATA_BYTES) {
            // more would be skipped (inflated, for gzip) before the first voxel than this reader ever reads
            throw new IOException(name + ": vox_offset " + h.voxOffset + " is beyond the " + MAX_DATA_BYTES
                    + " bytes of header and extensions this reader accepts before the voxels");
        }
        long min = h.singleFile() ? h.sizeofHdr + 4 : 0;
        if (h.singleFile() && h.voxOffset < min) {
            LOG.warn("{}: vox_offset {} is inside the header; reading data from byte {}", name, h.voxOffset, min);
            h.voxOffset = min;
        }
    }

    private static long dataBytes(NiftiHeader h, NiftiDataType type, String name) throws IOException {
        long n = 1;
        for (long d : h.shape()) {
            if (n > MAX_DATA_BYTES / d) {
                throw new IOException(name + ": dims " + java.util.Arrays.toString(h.shape()) + " describe more voxels than one array can hold");
            }
            n *= d;
        }
        long bytes = n * type.stored().byteSize() * type.components();
        if (bytes > MAX_DATA_BYTES) {
            throw new IOException(name + ": dims " + java.util.Arrays.toString(h.shape()) + " of " + type.nibabelName()
                    + " describe " + bytes + " bytes of voxels, more than the " + MAX_DATA_BYTES + " supported");
        }
        if (n * type.components() > MAX_VALUES) {
            throw new IOException(name + ": dims " + java.util.Arrays.toString(h.shape()) + " of " + type.nibabelName()
                    + " describe " + n * type.components() + " values, more than the " + MAX_VALUES + " this reader decodes "
                    + "(a 2 GiB float32 image)");
        }
        if (h.bitpix != type.bitpix()) {
            LOG.warn("{}: bitpix {} does not match datatype {} ({} bits); using the datatype", name, h.bitpix, type.nibabelName(),
                    type.bitpix());
        }
        return bytes;
    }

    private static int[] storedShape(NiftiHeader h, NiftiDataType type) {
        long[] s = h.shape();
        int extra = type.components() > 1 ? 1 : 0;
        int[] shape = new int[s.length + extra];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[s.length - 1 - i];
        }
        if (extra == 1) {
            shape[s.length] = type.components();
        }
        return shape;
    }

    private static void skipExactly(InputStream in, long n, String name) throws IOException {
        long left = n;
        while (left > 0) {
            long k = in.skip(left);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException(name + ": file ends " + left + " bytes before vox_offset");
                }
                k = 1;
            }
            left -= k;
        }
    }

    /** Reads exactly {@code n} bytes, allocating only as they arrive ({@link BoundedInput}). */
    private static byte[] readExactly(InputStream in, long n, String name) throws IOException {
        byte[] b = BoundedInput.readUpTo(in, n);
        if (b.length < n) {
            throw new IOException(name + ": voxel data truncated: " + b.length + " of " + n + " bytes present");
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes an image as NIfTI-1 (NIfTI-2 when a dimension exceeds 32767), gzipped when the name ends in
     * {@code .gz}, little endian. The datatype follows the tensor: float32 (also for float16/bfloat16),
     * float64, int32, int64, uint8 (also bool). Dimensions are (X, Y, Z[, C]); sform and qform are both
     * set from {@link MedicalImage#affine()} with codes from the metadata ({@code sform_code},
     * {@code qform_code}) or 1 (scanner). The file appears atomically ({@link AtomicFile}).
     */
    public static void write(MedicalImage image, Path path) throws IOException {
        int[] size = image.size();
        boolean big = size[0] > Short.MAX_VALUE || size[1] > Short.MAX_VALUE || size[2] > Short.MAX_VALUE
                || image.channels() > Short.MAX_VALUE;
        write(image, path, big ? 2 : 1);
    }

    /** Writes with an explicit NIfTI {@code version} (1 or 2); see {@link #write(MedicalImage, Path)}. */
    public static void write(MedicalImage image, Path path, int version) throws IOException {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("Nifti.write: version must be 1 or 2, got " + version);
        }
        Tensor data = image.data();
        NiftiDataType type;
        DType cast;
        switch (data.dtype()) {
            case FLOAT64: type = NiftiDataType.FLOAT64; cast = DType.FLOAT64; break;
            case INT32: type = NiftiDataType.INT32; cast = DType.INT32; break;
            case INT64: type = NiftiDataType.INT64; cast = DType.INT64; break;
            case UINT8: case BOOL: type = NiftiDataType.UINT8; cast = DType.UINT8; break;
            default: type = NiftiDataType.FLOAT32; cast = DType.FLOAT32;
        }
        int[] size = image.size();
        int c = image.channels();
        if (version == 1 && (size[0] > Short.MAX_VALUE || size[1] > Short.MAX_VALUE || size[2] > Short.MAX_VALUE || c > Short.MAX_VALUE)) {
            throw new IllegalArgumentException("Nifti.write: dimensions " + java.util.Arrays.toString(size) + " x " + c
                    + " exceed NIfTI-1's 32767; write version 2");
        }
        NiftiHeader h = new NiftiHeader();
        h.version = version;
        h.sizeofHdr = version == 1 ? 348 : 540;
        h.magic = version == 1 ? "n+1" : "n+2";
        h.dim[0] = c > 1 ? 4 : 3;
        h.dim[1] = size[0];
        h.dim[2] = size[1];
        h.dim[3] = size[2];
        h.dim[4] = c;
        for (int i = 5; i < 8; i++) {
            h.dim[i] = 1;
        }
        h.datatype = type.code();
        h.bitpix = type.bitpix();
        double[][] affine = image.affine();
        h.setQform(affine, code(image, "qform_code"));
        h.setSform(affine, code(image, "sform_code"));
        h.pixdim[4] = 1;
        for (int i = 5; i < 8; i++) {
            h.pixdim[i] = 1;
        }
        h.sclSlope = 1;
        h.sclInter = 0;
        h.xyztUnits = 2 | 8;
        Object d = image.metadata().get("descrip");
        h.descrip = d instanceof String ? (String) d : "vesalius";
        h.voxOffset = version == 1 ? 352 : 544;
        byte[] header = encode(h);
        byte[] voxels = voxelBytes(data, cast, type.stored().byteSize());
        byte[] payload;
        if (path.getFileName().toString().endsWith(".gz")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(header.length + voxels.length / 2);
            try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
                gz.write(header);
                gz.write(new byte[4]);
                gz.write(voxels);
            }
            payload = bytes.toByteArray();
        } else {
            payload = new byte[header.length + 4 + voxels.length];
            System.arraycopy(header, 0, payload, 0, header.length);
            System.arraycopy(voxels, 0, payload, header.length + 4, voxels.length);
        }
        AtomicFile.write(path, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(payload);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        });
    }

    private static int code(MedicalImage image, String key) {
        Object v = image.metadata().get(key);
        return v instanceof Number && ((Number) v).intValue() > 0 ? ((Number) v).intValue() : 1;
    }

    private static byte[] voxelBytes(Tensor data, DType cast, int width) {
        // a scope, not try-with-resources: to() and contiguous() return the image's own tensor when
        // nothing needs converting, and that one belongs to the caller
        try (Scope scope = Scope.open()) {
            Tensor t = data.to(cast).contiguous();
            long bytes = t.numel() * width;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("Nifti.write: voxel data of shape " + java.util.Arrays.toString(t.shape())
                        + " as " + cast + " is " + bytes + " bytes, more than the 2 GiB written from one Java array");
            }
            ByteBuffer bb = ByteBuffer.allocate((int) bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            switch (cast) {
                case FLOAT64: for (double x : t.toDoubleArray()) { bb.putDouble(x); } break;
                case INT32: for (int x : t.toIntArray()) { bb.putInt(x); } break;
                case INT64: for (long x : t.toLongArray()) { bb.putLong(x); } break;
                case UINT8: bb.put(t.toByteArray()); break;
                default: for (float x : t.toFloatArray()) { bb.putFloat(x); }
            }
            return bb.array();
        }
    }

    static byte[] encode(NiftiHeader h) {
        byte[] b = new byte[h.version == 1 ? 348 : 540];
        ByteBuffer bb = NiftiHeader.buffer(b, h.bigEndian);
        if (h.version == 1) {
            bb.putInt(0, 348);
            b[38] = 'r';
            b[39] = (byte) h.dimInfo;
            for (int i = 0; i < 8; i++) {
                bb.putShort(40 + 2 * i, (short) h.dim[i]);
                bb.putFloat(76 + 4 * i, (float) h.pixdim[i]);
            }
            bb.putFloat(56, (float) h.intentP1);
            bb.putFloat(60, (float) h.intentP2);
            bb.putFloat(64, (float) h.intentP3);
            bb.putShort(68, (short) h.intentCode);
            bb.putShort(70, (short) h.datatype);
            bb.putShort(72, (short) h.bitpix);
            bb.putShort(74, (short) h.sliceStart);
            bb.putFloat(108, h.voxOffset);
            bb.putFloat(112, (float) h.sclSlope);
            bb.putFloat(116, (float) h.sclInter);
            bb.putShort(120, (short) h.sliceEnd);
            b[122] = (byte) h.sliceCode;
            b[123] = (byte) h.xyztUnits;
            bb.putFloat(124, (float) h.calMax);
            bb.putFloat(128, (float) h.calMin);
            bb.putFloat(132, (float) h.sliceDuration);
            bb.putFloat(136, (float) h.toffset);
            NiftiHeader.putCString(bb, 148, 80, h.descrip);
            NiftiHeader.putCString(bb, 228, 24, h.auxFile);
            bb.putShort(252, (short) h.qformCode);
            bb.putShort(254, (short) h.sformCode);
            bb.putFloat(256, (float) h.quaternB);
            bb.putFloat(260, (float) h.quaternC);
            bb.putFloat(264, (float) h.quaternD);
            bb.putFloat(268, (float) h.qoffsetX);
            bb.putFloat(272, (float) h.qoffsetY);
            bb.putFloat(276, (float) h.qoffsetZ);
            for (int i = 0; i < 4; i++) {
                bb.putFloat(280 + 4 * i, (float) h.srowX[i]);
                bb.putFloat(296 + 4 * i, (float) h.srowY[i]);
                bb.putFloat(312 + 4 * i, (float) h.srowZ[i]);
            }
            NiftiHeader.putCString(bb, 328, 16, h.intentName);
            NiftiHeader.putCString(bb, 344, 4, h.magic);
            return b;
        }
        bb.putInt(0, 540);
        System.arraycopy(MAGIC2, 0, b, 4, 8);
        if (!h.singleFile()) {
            b[5] = 'i';
        }
        bb.putShort(12, (short) h.datatype);
        bb.putShort(14, (short) h.bitpix);
        for (int i = 0; i < 8; i++) {
            bb.putLong(16 + 8 * i, h.dim[i]);
            bb.putDouble(104 + 8 * i, h.pixdim[i]);
        }
        bb.putDouble(80, h.intentP1);
        bb.putDouble(88, h.intentP2);
        bb.putDouble(96, h.intentP3);
        bb.putLong(168, h.voxOffset);
        bb.putDouble(176, h.sclSlope);
        bb.putDouble(184, h.sclInter);
        bb.putDouble(192, h.calMax);
        bb.putDouble(200, h.calMin);
        bb.putDouble(208, h.sliceDuration);
        bb.putDouble(216, h.toffset);
        bb.putLong(224, h.sliceStart);
        bb.putLong(232, h.sliceEnd);
        NiftiHeader.putCString(bb, 240, 80, h.descrip);
        NiftiHeader.putCString(bb, 320, 24, h.auxFile);
        bb.putInt(344, h.qformCode);
        bb.putInt(348, h.sformCode);
        bb.putDouble(352, h.quaternB);
        bb.putDouble(360, h.quaternC);
        bb.putDouble(368, h.quaternD);
        bb.putDouble(376, h.qoffsetX);
        bb.putDouble(384, h.qoffsetY);
        bb.putDouble(392, h.qoffsetZ);
        for (int i = 0; i < 4; i++) {
            bb.putDouble(400 + 8 * i, h.srowX[i]);
            bb.putDouble(432 + 8 * i, h.srowY[i]);
            bb.putDouble(464 + 8 * i, h.srowZ[i]);
        }
        bb.putInt(496, h.sliceCode);
        bb.putInt(500, h.xyztUnits);
        bb.putInt(504, h.intentCode);
        NiftiHeader.putCString(bb, 508, 16, h.intentName);
        b[524] = (byte) h.dimInfo;
        return b;
    }
}
