package org.vesalius.medical.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a DICOM Part 10 byte array into datasets. Every length is checked against the bytes that are
 * left before anything is sliced or allocated, nesting is bounded, and every defect becomes a
 * {@link DicomFormatException} naming the tag and byte offset.
 */
final class DicomParser {
    private static final Logger LOG = LoggerFactory.getLogger(DicomParser.class);
    private static final long UNDEFINED = 0xFFFFFFFFL;
    /** Deeper nesting than this is treated as corrupt data (real files nest a handful of levels). */
    private static final int MAX_DEPTH = 48;
    /** A deflated dataset may not inflate beyond this many bytes per compressed byte... */
    private static final long MAX_INFLATE_RATIO = 1032;
    /** ...nor beyond this absolute size. */
    private static final long MAX_INFLATED = Integer.MAX_VALUE - 64;

    private final String name;
    private byte[] b;
    private int pos;

    private DicomParser(String name, byte[] b) {
        this.name = name;
        this.b = b;
    }

    static DicomFile parse(byte[] data, String name) throws IOException {
        return new DicomParser(name, data).parseFile();
    }

    private DicomFile parseFile() throws IOException {
        boolean preamble = false;
        if (b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M') {
            preamble = true;
            pos = 132;
        } else if (b.length >= 4 && b[0] == 'D' && b[1] == 'I' && b[2] == 'C' && b[3] == 'M') {
            pos = 4;
            LOG.warn("{}: 'DICM' without the 128-byte preamble; reading on", name);
        } else if (!plausibleStart()) {
            throw new DicomFormatException(name + ": not a DICOM file: no 'DICM' magic at byte 128 and no data element at byte 0 ("
                    + b.length + " bytes)");
        }
        DicomObject meta = new DicomObject(null);
        while (pos + 8 <= b.length && u16(pos, false) == 0x0002) {
            boolean explicit = VR.of(b[pos + 4] & 0xFF, b[pos + 5] & 0xFF) != null;
            readElement(meta, b.length, explicit, false, 1, false);
        }
        String tsUid = meta.getString(Tag.TransferSyntaxUID);
        TransferSyntax ts;
        String tsSource;
        if (tsUid != null && !tsUid.isEmpty()) {
            ts = TransferSyntax.of(tsUid);
            tsSource = "file_meta";
        } else {
            ts = guessSyntax();
            tsSource = "guessed";
            LOG.warn("{}: no Transfer Syntax UID in the file meta information; guessed {}", name, ts.name());
        }
        if (ts.deflated()) {
            b = inflate(b, pos);
            pos = 0;
        }
        boolean explicit = ts.explicitVr();
        boolean big = ts.bigEndian();
        if (pos + 6 <= b.length) {
            VR first = VR.of(b[pos + 4] & 0xFF, b[pos + 5] & 0xFF);
            if (explicit && first == null) {
                LOG.warn("{}: transfer syntax {} says explicit VR but the dataset is implicit VR; reading it as implicit", name, ts.name());
                explicit = false;
            } else if (!explicit && first != null && first == Tag.vrOf(u32tag(pos, big))) {
                LOG.warn("{}: transfer syntax {} says implicit VR but the dataset is explicit VR; reading it as explicit", name, ts.name());
                explicit = true;
            }
        }
        DicomObject ds = new DicomObject(null);
        readDataset(ds, b.length, explicit, big, 0, false);
        return new DicomFile(name, preamble, meta, ds, ts, tsSource, b);
    }

    private boolean plausibleStart() {
        if (b.length < 8) {
            return false;
        }
        int group = u16(0, false);
        return (group == 0x0002 || group == 0x0008) && (VR.of(b[4] & 0xFF, b[5] & 0xFF) != null || u32(4, false) < b.length);
    }

    private TransferSyntax guessSyntax() {
        if (pos + 6 <= b.length && VR.of(b[pos + 4] & 0xFF, b[pos + 5] & 0xFF) != null) {
            return u16(pos, false) <= 0x00FF || u16(pos, true) > 0x00FF ? TransferSyntax.EXPLICIT_VR_LE : TransferSyntax.EXPLICIT_VR_BE;
        }
        return TransferSyntax.IMPLICIT_VR_LE;
    }

    private byte[] inflate(byte[] src, int from) throws IOException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(src, from, src.length - from);
            long limit = Math.min(MAX_INFLATED, Math.max(1 << 20, (src.length - from) * MAX_INFLATE_RATIO));
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, (src.length - from) * 4L + 64));
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0) {
                    if (inf.needsInput() || inf.needsDictionary()) {
                        throw new DicomFormatException(name + ": deflated dataset is truncated (the deflate stream does not end)");
                    }
                }
                if ((long) out.size() + n > limit) {
                    throw new DicomFormatException(name + ": deflated dataset inflates beyond " + limit + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DicomFormatException(name + ": corrupt deflated dataset: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    /** Reads elements into {@code ds} until {@code end}, or until an item delimiter when {@code inUndefinedItem}. */
    private void readDataset(DicomObject ds, int end, boolean explicit, boolean big, int depth, boolean inUndefinedItem)
            throws IOException {
        if (depth > MAX_DEPTH) {
            throw new DicomFormatException(name + ": sequences nested deeper than " + MAX_DEPTH + " levels at byte " + pos);
        }
        while (pos < end) {
            if (end - pos < 8) {
                if (allZero(pos, end)) {
                    LOG.debug("{}: {} trailing zero bytes ignored", name, end - pos);
                    pos = end;
                    break;
                }
                throw new DicomFormatException(name + ": truncated data element header at byte " + pos + " ("
                        + (end - pos) + " bytes left, 8 needed)");
            }
            int tag = u32tag(pos, big);
            if (tag == Tag.ItemDelimitationItem) {
                if (!inUndefinedItem) {
                    throw new DicomFormatException(name + ": item delimiter outside an item at byte " + pos);
                }
                pos += 8;
                return;
            }
            if (tag == Tag.SequenceDelimitationItem) {
                if (inUndefinedItem) {
                    LOG.warn("{}: item without item delimiter ends at a sequence delimiter (byte {})", name, pos);
                    return;
                }
                throw new DicomFormatException(name + ": sequence delimiter outside a sequence at byte " + pos);
            }
            if (tag == Tag.Item) {
                throw new DicomFormatException(name + ": item tag (FFFE,E000) outside a sequence at byte " + pos);
            }
            readElement(ds, end, explicit, big, depth, inUndefinedItem);
        }
        if (inUndefinedItem) {
            throw new DicomFormatException(name + ": undefined-length item not terminated by an item delimiter before byte " + end);
        }
    }

    private void readElement(DicomObject ds, int end, boolean explicit, boolean big, int depth, boolean inItem)
            throws IOException {
        int start = pos;
        if (end - pos < 8) {
            throw new DicomFormatException(name + ": truncated data element header at byte " + pos);
        }
        int tag = u32tag(pos, big);
        VR vr;
        long len;
        if (explicit) {
            vr = VR.of(b[pos + 4] & 0xFF, b[pos + 5] & 0xFF);
            if (vr == null) {
                throw new DicomFormatException(name + ": invalid VR bytes 0x" + hex(b[pos + 4]) + " 0x" + hex(b[pos + 5])
                        + " for tag " + Tag.describe(tag) + " at byte " + pos);
            }
            if (vr.longHeader()) {
                if (end - pos < 12) {
                    throw new DicomFormatException(name + ": truncated header of " + Tag.describe(tag) + " at byte " + pos);
                }
                len = u32(pos + 8, big) & 0xFFFFFFFFL;
                pos += 12;
            } else {
                len = u16(pos + 6, big);
                pos += 8;
            }
        } else {
            len = u32(pos + 4, big) & 0xFFFFFFFFL;
            pos += 8;
            vr = Tag.vrOf(tag);
            if (vr == null) {
                vr = VR.UN;
            }
        }
        if (len == UNDEFINED) {
            if (tag == Tag.PixelData) {
                ds.put(readFragments(tag, vr == VR.UN ? VR.OB : vr, end, big));
            } else if (vr == VR.SQ || vr == VR.UN) {
                // UN of undefined length is a sequence in implicit VR little endian (PS3.5 6.2.2).
                boolean ex = vr == VR.SQ && explicit;
                boolean be = vr == VR.SQ && big;
                int valueStart = pos;
                List<DicomObject> items = readSequence(ds, tag, -1, end, ex, be, depth);
                ds.put(new DicomElement(tag, VR.SQ, b, valueStart, pos - valueStart, be, items, null));
            } else {
                throw new DicomFormatException(name + ": undefined length is not allowed for " + Tag.describe(tag)
                        + " with VR " + vr + " (byte " + start + ")");
            }
            return;
        }
        if (len > end - pos) {
            if (tag == Tag.PixelData && depth == 0 && end == b.length) {
                // Keep the header readable; decoding will report the Pixel Data as too short.
                LOG.warn("{}: Pixel Data declares {} bytes but the file ends after {}; the file is truncated", name, len, end - pos);
                len = end - pos;
            } else {
                throw new DicomFormatException(name + ": value length " + len + " of " + Tag.describe(tag) + " at byte " + start
                        + " exceeds the " + (end - pos) + " bytes left" + (inItem ? " in its item" : ""));
            }
        }
        int n = (int) len;
        if (explicit && vr == VR.UN && Tag.vrOf(tag) != null) {
            // UN is always implicit little endian inside; a tag the dictionary knows reads with its own VR.
            VR known = Tag.vrOf(tag);
            if (known == VR.SQ) {
                int valueStart = pos;
                List<DicomObject> items = readSequence(ds, tag, pos + n, end, false, false, depth);
                ds.put(new DicomElement(tag, VR.SQ, b, valueStart, n, false, items, null));
                return;
            }
            ds.put(new DicomElement(tag, known, b, pos, n, false, null, null));
            pos += n;
            return;
        }
        if (vr == VR.SQ) {
            int valueStart = pos;
            List<DicomObject> items = readSequence(ds, tag, pos + n, end, explicit, big, depth);
            ds.put(new DicomElement(tag, vr, b, valueStart, n, big, items, null));
            return;
        }
        if (vr == VR.UN && !explicit && n >= 8 && tag != Tag.PixelData && u32tag(pos, big) == Tag.Item) {
            // Unknown tag in implicit VR whose value is an item: a sequence the dictionary does not list.
            int save = pos;
            try {
                List<DicomObject> items = readSequence(ds, tag, pos + n, pos + n, false, big, depth);
                ds.put(new DicomElement(tag, VR.SQ, b, save, n, big, items, null));
                return;
            } catch (DicomFormatException e) {
                LOG.debug("{}: {} looked like a sequence but is not ({}); kept as bytes", name, Tag.describe(tag), e.getMessage());
                pos = save;
            }
        }
        ds.put(new DicomElement(tag, vr, b, pos, n, big, null, null));
        pos += n;
    }

    private List<DicomObject> readSequence(DicomObject parent, int seqTag, int seqEnd, int end, boolean explicit, boolean big,
                                           int depth) throws IOException {
        List<DicomObject> items = new ArrayList<>();
        boolean undefined = seqEnd < 0;
        int limit = undefined ? end : seqEnd;
        while (true) {
            if (!undefined && pos >= seqEnd) {
                return items;
            }
            if (limit - pos < 8) {
                throw new DicomFormatException(name + ": sequence " + Tag.describe(seqTag) + " is truncated at byte " + pos
                        + (undefined ? " (no sequence delimiter)" : ""));
            }
            int tag = u32tag(pos, big);
            long len = u32(pos + 4, big) & 0xFFFFFFFFL;
            if (tag == Tag.SequenceDelimitationItem) {
                pos += 8;
                if (undefined) {
                    return items;
                }
                LOG.debug("{}: sequence delimiter inside defined-length sequence {}", name, Tag.describe(seqTag));
                continue;
            }
            if (tag != Tag.Item) {
                throw new DicomFormatException(name + ": expected an item (FFFE,E000) in sequence " + Tag.describe(seqTag)
                        + " at byte " + pos + ", found " + Tag.toString(tag));
            }
            pos += 8;
            DicomObject item = new DicomObject(parent);
            if (len == UNDEFINED) {
                readDataset(item, limit, explicit, big, depth + 1, true);
            } else {
                if (len > limit - pos) {
                    throw new DicomFormatException(name + ": item length " + len + " in sequence " + Tag.describe(seqTag)
                            + " at byte " + (pos - 8) + " exceeds the " + (limit - pos) + " bytes left");
                }
                int itemEnd = pos + (int) len;
                readDataset(item, itemEnd, explicit, big, depth + 1, false);
                pos = itemEnd;
            }
            items.add(item);
        }
    }

    private DicomElement readFragments(int tag, VR vr, int end, boolean big) throws IOException {
        List<int[]> fragments = new ArrayList<>();
        int valueStart = pos;
        int valueEnd;
        while (true) {
            if (end - pos < 8) {
                throw new DicomFormatException(name + ": encapsulated Pixel Data is truncated at byte " + pos
                        + " (no sequence delimiter after " + fragments.size() + " items)");
            }
            int t = u32tag(pos, big);
            long len = u32(pos + 4, big) & 0xFFFFFFFFL;
            if (t == Tag.SequenceDelimitationItem) {
                valueEnd = pos;
                pos += 8;
                break;
            }
            if (t != Tag.Item) {
                throw new DicomFormatException(name + ": expected a Pixel Data item (FFFE,E000) at byte " + pos + ", found "
                        + Tag.toString(t));
            }
            if (len > end - pos - 8) {
                throw new DicomFormatException(name + ": Pixel Data fragment " + fragments.size() + " at byte " + pos
                        + " has length " + len + " but only " + (end - pos - 8) + " bytes are left");
            }
            fragments.add(new int[] {pos + 8, (int) len});
            pos += 8 + (int) len;
        }
        if (fragments.isEmpty()) {
            throw new DicomFormatException(name + ": encapsulated Pixel Data has no Basic Offset Table item");
        }
        return new DicomElement(tag, vr, b, valueStart, valueEnd - valueStart, big, null, fragments);
    }

    private boolean allZero(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private int u16(int p, boolean big) {
        return big ? (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF : b[p] & 0xFF | (b[p + 1] & 0xFF) << 8;
    }

    private int u32(int p, boolean big) {
        return big ? u16(p, true) << 16 | u16(p + 2, true) : u16(p, false) | u16(p + 2, false) << 16;
    }

    private int u32tag(int p, boolean big) {
        return u16(p, big) << 16 | u16(p + 2, big);
    }

    private static String hex(byte x) {
        return String.format("%02X", x & 0xFF);
    }
}
