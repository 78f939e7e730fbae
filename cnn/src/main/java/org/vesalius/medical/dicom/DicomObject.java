package org.vesalius.medical.dicom;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dataset: data elements by tag, in tag order. Access by tag ({@code Tag.Rows}) or keyword
 * ({@code "Rows"}). Text is decoded with the dataset's Specific Character Set, which items of a sequence
 * inherit unless they declare their own. Getters return {@code null} (or the given default) for an
 * absent or empty element.
 */
public final class DicomObject {
    private final Map<Integer, DicomElement> elements = new TreeMap<>(Integer::compareUnsigned);
    private final DicomObject parent;
    private CharacterSet charset;

    DicomObject(DicomObject parent) {
        this.parent = parent;
    }

    void put(DicomElement e) {
        elements.put(e.tag(), e);
        if (e.tag() == Tag.SpecificCharacterSet) {
            charset = CharacterSet.of(e.strings(CharacterSet.DEFAULT));
        }
    }

    /** The character set in force: this dataset's, else its parent's, else the default. */
    public CharacterSet characterSet() {
        if (charset != null) {
            return charset;
        }
        return parent != null ? parent.characterSet() : CharacterSet.DEFAULT;
    }

    /** The element, or {@code null}. */
    public DicomElement get(int tag) {
        return elements.get(tag);
    }

    /** The element named by a keyword or hex tag (see {@link Tag#forName}), or {@code null}. */
    public DicomElement get(String keyword) {
        return elements.get(Tag.forName(keyword));
    }

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    public boolean contains(String keyword) {
        return contains(Tag.forName(keyword));
    }

    /** All elements in tag order. */
    public Collection<DicomElement> elements() {
        return Collections.unmodifiableCollection(elements.values());
    }

    public int size() {
        return elements.size();
    }

    /** Whole text value, trimmed; {@code null} when absent. Empty when present with no value. */
    public String getString(int tag) {
        DicomElement e = elements.get(tag);
        return e == null ? null : e.string(characterSet());
    }

    public String getString(String keyword) {
        return getString(Tag.forName(keyword));
    }

    /** Values split at backslashes; {@code null} when absent. */
    public String[] getStrings(int tag) {
        DicomElement e = elements.get(tag);
        return e == null ? null : e.strings(characterSet());
    }

    public String[] getStrings(String keyword) {
        return getStrings(Tag.forName(keyword));
    }

    /** Numeric values; {@code null} when absent or empty. @throws NumberFormatException naming the tag */
    public double[] getDoubles(int tag) {
        DicomElement e = elements.get(tag);
        if (e == null || e.length() == 0) {
            return null;
        }
        double[] d = e.doubles();
        return d.length == 0 ? null : d;
    }

    public double[] getDoubles(String keyword) {
        return getDoubles(Tag.forName(keyword));
    }

    /** First numeric value, or {@code def} when absent or empty. @throws NumberFormatException naming the tag */
    public double getDouble(int tag, double def) {
        double[] d = getDoubles(tag);
        return d == null ? def : d[0];
    }

    public double getDouble(String keyword, double def) {
        return getDouble(Tag.forName(keyword), def);
    }

    /** First integer value, or {@code def} when absent or empty. @throws NumberFormatException naming the tag */
    public int getInt(int tag, int def) {
        DicomElement e = elements.get(tag);
        if (e == null || e.length() == 0) {
            return def;
        }
        long[] v = e.longs();
        if (v.length == 0) {
            return def;
        }
        if (v[0] != (int) v[0]) {
            throw new NumberFormatException(Tag.describe(tag) + " value " + v[0] + " does not fit an int");
        }
        return (int) v[0];
    }

    public int getInt(String keyword, int def) {
        return getInt(Tag.forName(keyword), def);
    }

    /** Items of a sequence (empty when absent or not a sequence). */
    public List<DicomObject> getSequence(int tag) {
        DicomElement e = elements.get(tag);
        return e == null ? List.of() : e.items();
    }

    public List<DicomObject> getSequence(String keyword) {
        return getSequence(Tag.forName(keyword));
    }

    /** The first item of a sequence, or {@code null}. */
    public DicomObject getItem(int tag) {
        List<DicomObject> items = getSequence(tag);
        return items.isEmpty() ? null : items.get(0);
    }

    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        for (DicomElement e : elements.values()) {
            lines.add(e.toString());
        }
        return String.join("\n", lines);
    }
}
