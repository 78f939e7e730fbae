package org.vesalius.medical.nifti;


import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.FuzzImages;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.testing.ReaderFuzz;
import org.vesalius.testing.ReaderFuzz.Field;
import org.vesalius.testing.ReaderFuzz.Seed;

/**
 * Damaged NIfTI files (NIfTI-1 and -2, plain and gzipped, with and without extensions) read as a result
 * or an IOException with a message, within the per-case time limit, and within a heap bound of
 * {@code decoded + 8 x plain + 8 MiB} allocated per case: the decoded image, at most 8 bytes of output
 * per stored byte actually present (a uint8 voxel read as float64), and the fixed buffers; never a size
 * taken from a header before the bytes are there.
 */
class NiftiFuzzTest {
    static final String BOUND = "decoded + 4 x plain + 1 MiB";
    static final String STORED_BOUND = "decoded + 3 x plain + 1 MiB";

    static ReaderFuzz.HeapBound bound() {
        return (input, plain, decoded) -> decoded + 4 * plain + (1 << 20);
    }

    static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        byte[] anat = FuzzImages.corpus("python3-nibabel/resampled_anat_moved.nii");
        seeds.add(new Seed("resampled_anat_moved.nii", anat, fields(anat)));
        byte[] func = FuzzImages.corpus("python3-nibabel/functional.nii");
        seeds.add(new Seed("functional.nii", func, fields(func)));
        byte[] ext = withExtension(anat);
        seeds.add(new Seed("resampled_anat_moved.nii + a comment extension", ext, fields(ext)));
        for (String f : new String[] {"python3-nibabel/standard.nii.gz", "python3-dipy/small_25.nii.gz",
            "python3-nibabel/example_nifti2.nii.gz"}) {
            byte[] plain = ReaderFuzz.gunzip(FuzzImages.corpus(f));
            seeds.add(new Seed(f.substring(f.indexOf('/') + 1), plain, fields(plain), ReaderFuzz::gzip));
        }
        return seeds;
    }

    /** A real NIfTI-1 file with one 32-byte comment extension (ecode 6) inserted before its voxels. */
    static byte[] withExtension(byte[] nii) {
        ByteOrder order = ByteBuffer.wrap(nii).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 348
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int vox = (int) ByteBuffer.wrap(nii).order(order).getFloat(108);
        byte[] out = new byte[nii.length + 32];
        System.arraycopy(nii, 0, out, 0, 352);
        ByteBuffer o = ByteBuffer.wrap(out).order(order);
        o.put(348, (byte) 1);
        o.putInt(352, 32);
        o.putInt(356, 6);
        byte[] text = "fuzz seed: a comment".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, 360, text.length);
        System.arraycopy(nii, vox, out, 384, nii.length - vox);
        o.putFloat(108, 384);
        return out;
    }

    /** The header fields sizes, offsets and the geometry come from, for either version. */
    static List<Field> fields(byte[] b) {
        boolean big = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0) != 348
                && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0) != 540;
        int size = ByteBuffer.wrap(b).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).getInt(0);
        List<Field> f = new ArrayList<>();
        f.add(Field.integer("sizeof_hdr", 0, 4, big));
        if (size == 348) {
            for (int i = 0; i < 8; i++) {
                f.add(Field.integer("dim[" + i + "]", 40 + 2 * i, 2, big));
                f.add(Field.floating("pixdim[" + i + "]", 76 + 4 * i, 4, big));
            }
            f.add(Field.integer("datatype", 70, 2, big));
            f.add(Field.integer("bitpix", 72, 2, big));
            f.add(Field.floating("vox_offset", 108, 4, big));
            f.add(Field.floating("scl_slope", 112, 4, big));
            f.add(Field.floating("scl_inter", 116, 4, big));
            f.add(Field.integer("qform_code", 252, 2, big));
            f.add(Field.integer("sform_code", 254, 2, big));
            for (int i = 0; i < 6; i++) {
                f.add(Field.floating("quatern/qoffset[" + i + "]", 256 + 4 * i, 4, big));
            }
            for (int i = 0; i < 12; i++) {
                f.add(Field.floating("srow[" + i + "]", 280 + 4 * i, 4, big));
            }
            f.add(Field.integer("magic", 344, 4, big));
        } else {
            f.add(Field.integer("magic", 4, 8, big));
            f.add(Field.integer("datatype", 12, 2, big));
            f.add(Field.integer("bitpix", 14, 2, big));
            for (int i = 0; i < 8; i++) {
                f.add(Field.integer("dim[" + i + "]", 16 + 8 * i, 8, big));
                f.add(Field.floating("pixdim[" + i + "]", 104 + 8 * i, 8, big));
            }
            f.add(Field.integer("vox_offset", 168, 8, big));
            f.add(Field.floating("scl_slope", 176, 8, big));
            f.add(Field.floating("scl_inter", 184, 8, big));
            f.add(Field.integer("qform_code", 344, 4, big));
            f.add(Field.integer("sform_code", 348, 4, big));
            for (int i = 0; i < 6; i++) {
                f.add(Field.floating("quatern/qoffset[" + i + "]", 352 + 8 * i, 8, big));
            }
            for (int i = 0; i < 12; i++) {
                f.add(Field.floating("srow[" + i + "]", 400 + 8 * i, 8, big));
            }
        }
        f.add(Field.integer("extension flag", size, 1, big));
        if (b.length >= size + 12 && b[size] != 0) {
            f.add(Field.integer("esize", size + 4, 4, big));
            f.add(Field.integer("ecode", size + 8, 4, big));
        }
        return f;
    }

    static ReaderFuzz<MedicalImage> fuzz(long seed) throws IOException {
        ReaderFuzz<MedicalImage> fuzz = ReaderFuzz.of("NIfTI", seed,
                (input, name) -> Nifti.read(new ByteArrayInputStream(input), name, DType.FLOAT32),
                FuzzImages::describe).heapBound(BOUND, bound()).headerBytes(600);
        seeds().forEach(fuzz::seed);
        return fuzz;
    }

    @Test
    void damagedFilesReadOrFailCleanly() throws Exception {
        try (AutoCloseable quiet = ReaderFuzz.quiet("org.vesalius.medical")) {
            fuzz(20240901L).run(1500);
        }
    }

    /** The other way in: the stored bytes first ({@link Nifti#readStored(byte[], String)}), then the image. */
    @Test
    void damagedFilesReadOrFailCleanlyThroughStoredData() throws Exception {
        ReaderFuzz<MedicalImage> fuzz = ReaderFuzz.of("NIfTI stored", 77L,
                (input, name) -> Nifti.toImage(Nifti.readStored(input, name), DType.FLOAT32, name),
                FuzzImages::describe).heapBound(STORED_BOUND, (input, plain, decoded) -> decoded + 3 * plain + (1 << 20))
                .headerBytes(600);
        seeds().forEach(fuzz::seed);
        try (AutoCloseable quiet = ReaderFuzz.quiet("org.vesalius.medical")) {
            fuzz.run(400);
        }
    }

    @Test
    void everyTruncationFails() throws Exception {
        try (AutoCloseable quiet = ReaderFuzz.quiet("org.vesalius.medical")) {
            fuzz(1L).truncations(300);
        }
    }
}
