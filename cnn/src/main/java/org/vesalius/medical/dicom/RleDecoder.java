package org.vesalius.medical.dicom;

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, each segment a
 * PackBits stream holding one byte plane (most significant byte of sample 0 first). Decodes one frame
 * into little-endian, sample-interleaved output.
 */
final class RleDecoder {
    private RleDecoder() {
    }

    /**
     * @param src              one frame's encapsulated bytes
     * @param out              destination, {@code pixels * samples * bytesPerSample} bytes from {@code outOff}
     * @param bytesPerSample   1, 2, 4 or 8
     */
    static void decodeFrame(byte[] src, int frame, int pixels, int samples, int bytesPerSample, byte[] out, int outOff)
            throws DicomFormatException {
        if (src.length < 64) {
            throw new DicomFormatException("RLE frame " + frame + ": " + src.length + " bytes is shorter than the 64-byte RLE header");
        }
        int nseg = le32(src, 0);
        int expected = samples * bytesPerSample;
        if (nseg != expected) {
            throw new DicomFormatException("RLE frame " + frame + ": header lists " + nseg + " segments, expected " + expected
                    + " (" + samples + " samples x " + bytesPerSample + " bytes)");
        }
        int[] offsets = new int[nseg + 1];
        for (int s = 0; s < nseg; s++) {
            offsets[s] = le32(src, 4 + 4 * s);
            if (offsets[s] < 64 || offsets[s] > src.length || s > 0 && offsets[s] < offsets[s - 1]) {
                throw new DicomFormatException("RLE frame " + frame + ": segment " + s + " offset " + (offsets[s] & 0xFFFFFFFFL)
                        + " is outside the frame's " + src.length + " bytes or out of order");
            }
        }
        offsets[nseg] = src.length;
        int stride = samples * bytesPerSample;
        for (int s = 0; s < nseg; s++) {
            int sample = s / bytesPerSample;
            int byteInValue = bytesPerSample - 1 - s % bytesPerSample; // segments go MSB first; output is LE
            int dst = outOff + sample * bytesPerSample + byteInValue;
            int n = unpack(src, offsets[s], offsets[s + 1], out, dst, stride, pixels);
            if (n < pixels) {
                throw new DicomFormatException("RLE frame " + frame + ": segment " + s + " decodes to " + n + " bytes, expected "
                        + pixels);
            }
        }
    }

    /** PackBits into every {@code stride}-th byte of {@code out}; stops at {@code count} bytes. Returns bytes written. */
    private static int unpack(byte[] src, int from, int to, byte[] out, int dst, int stride, int count) {
        int p = from;
        int n = 0;
        while (p < to && n < count) {
            int h = src[p++];
            if (h >= 0) {
                int run = Math.min(h + 1, Math.min(to - p, count - n));
                for (int i = 0; i < run; i++) {
                    out[dst + (n++) * stride] = src[p++];
                }
            } else if (h != -128) {
                if (p >= to) {
                    break;
                }
                byte v = src[p++];
                int run = Math.min(1 - h, count - n);
                for (int i = 0; i < run; i++) {
                    out[dst + (n++) * stride] = v;
                }
            }
        }
        return n;
    }

    private static int le32(byte[] b, int p) {
        return b[p] & 0xFF | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
