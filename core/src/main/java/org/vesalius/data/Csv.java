package org.vesalius.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads numeric tables from CSV files (clinical measurements, UCI-style data sets) into a
 * {@link CsvTable} of feature columns and an optional label column.
 * <pre>{@code
 * CsvTable t = new Csv().label("diagnosis").missing(Csv.Missing.DROP_ROW).read(Path.of("wdbc.csv"));
 * var data = new TensorDataset(t.features(), t.labels());    // [rows, features] float32, [rows]
 * }</pre>
 *
 * <p>Format: RFC 4180 — fields separated by the {@link #delimiter delimiter}, optionally in double
 * quotes (a quoted field may hold delimiters, line breaks and {@code ""} for a quote), records ending
 * in LF, CRLF or CR; blank lines are skipped; a UTF-8 byte-order mark is ignored. Every record must
 * have as many fields as the first one.
 *
 * <p>By default the first record is taken as a header when it has a text cell above a number (or
 * when it is the only record and holds text); {@link #header(boolean)} decides explicitly. Without
 * a header the columns are named {@code "0"}, {@code "1"}, ... Features are every column but the
 * label unless {@link #columns} picks them; only the picked columns and the label are parsed, so other
 * columns may hold text (patient ids, dates). Feature cells must be numbers ({@code 1}, {@code -2.5e3},
 * {@code inf}) or missing; the label column may hold numbers or class names.
 *
 * <p>Errors name the line, the data row, the column and the text, e.g.
 * {@code wdbc.csv: line 7 (data row 6), column 'radius': 'abc' is not a number}.
 */
public final class Csv {
    /** What to do with a missing feature value. A missing label is an error unless the policy is {@code DROP_ROW}. */
    public enum Missing {
        /** Throw, naming the row and column (the default). */
        ERROR,
        /** Read it as NaN. */
        NAN,
        /** Leave the whole row out. */
        DROP_ROW
    }

    private static final Set<String> DEFAULT_MISSING = Set.of("", "NA", "N/A", "NaN", "nan", "NULL", "null", "?");

    private char delimiter = ',';
    private Boolean header;
    private List<String> columns;
    private String label;
    private Missing missing = Missing.ERROR;
    private Set<String> missingValues = DEFAULT_MISSING;

    /** Field separator (default {@code ','}; {@code ';'} and {@code '\t'} are common). */
    public Csv delimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("Csv: the delimiter cannot be a quote or a line break, got "
                    + (int) delimiter);
        }
        this.delimiter = delimiter;
        return this;
    }

    /** Whether the first record is a header (by default it is detected). */
    public Csv header(boolean header) {
        this.header = header;
        return this;
    }

    /** The feature columns, by name, in the order wanted (default: every column but the label). */
    public Csv columns(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("Csv.columns: expected at least one column name");
        }
        this.columns = List.of(names);
        return this;
    }

    /** The label column, by name (default: none). */
    public Csv label(String name) {
        this.label = name;
        return this;
    }

    /** The missing-value policy (default {@link Missing#ERROR}). */
    public Csv missing(Missing policy) {
        if (policy == null) {
            throw new IllegalArgumentException("Csv.missing: policy is null");
        }
        this.missing = policy;
        return this;
    }

    /**
     * The cell texts (after trimming spaces) that mean "missing"; default: the empty string,
     * {@code NA}, {@code N/A}, {@code NaN}, {@code nan}, {@code NULL}, {@code null} and {@code ?}.
     */
    public Csv missingValues(String... tokens) {
        this.missingValues = Set.copyOf(Arrays.asList(tokens));
        return this;
    }

    /** Reads a UTF-8 file. */
    public CsvTable read(Path path) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(r, path.getFileName().toString());
        } catch (CharacterCodingException e) {
            throw new IOException(path + " is not UTF-8 text (" + e + "); convert it, or pass a Reader with its charset "
                    + "to read(Reader, String)", e);
        }
    }

    /** Reads from {@code reader} (not closed); {@code source} names it in error messages. */
    public CsvTable read(Reader reader, String source) throws IOException {
        CsvRecords records = new CsvRecords(reader, delimiter, source);
        CsvRecords.Row firstRow = records.next();
        if (firstRow == null) {
            throw new IOException(source + ": the CSV holds no records");
        }
        List<String> first = firstRow.fields();
        boolean hasHeader;
        if (header != null) {
            hasHeader = header;
        } else {
            CsvRecords.Row second = records.peek();
            hasHeader = looksLikeHeader(first, second == null ? null : second.fields());
        }
        int width = first.size();
        List<String> names = new ArrayList<>(width);
        for (int j = 0; j < width; j++) {
            names.add(hasHeader ? first.get(j).trim() : Integer.toString(j));
        }
        Map<String, Integer> index = indexNames(names, source);
        int labelCol = label == null ? -1 : column(index, label, "label", source, names);
        int[] featureCols;
        if (columns != null) {
            featureCols = new int[columns.size()];
            for (int i = 0; i < featureCols.length; i++) {
                featureCols[i] = column(index, columns.get(i), "feature", source, names);
                if (featureCols[i] == labelCol) {
                    throw new IllegalArgumentException("Csv: column '" + label + "' is both the label and a feature");
                }
            }
        } else {
            featureCols = new int[labelCol >= 0 ? width - 1 : width];
            for (int j = 0, i = 0; j < width; j++) {
                if (j != labelCol) {
                    featureCols[i++] = j;
                }
            }
        }

        List<double[]> rows = new ArrayList<>();
        List<String> labels = labelCol >= 0 ? new ArrayList<>() : null;
        int dropped = 0;
        int dataRow = 0;
        CsvRecords.Row row = hasHeader ? records.next() : firstRow;
        for (; row != null; row = records.next()) {
            dataRow++;
            int line = row.line();
            List<String> record = row.fields();
            if (record.size() != width) {
                throw new IOException(where(source, line, dataRow) + " has " + record.size() + " fields, but "
                        + (hasHeader ? "the header has " : "the first record has ") + width);
            }
            double[] values = new double[featureCols.length];
            boolean drop = false;
            for (int i = 0; i < featureCols.length; i++) {
                String cell = record.get(featureCols[i]).trim();
                if (missingValues.contains(cell)) {
                    if (missing == Missing.ERROR) {
                        throw new IOException(where(source, line, dataRow) + ", column '" + names.get(featureCols[i])
                                + "': missing value '" + cell + "'; choose Csv.missing(NAN) or missing(DROP_ROW) to accept it");
                    }
                    drop |= missing == Missing.DROP_ROW;
                    values[i] = Double.NaN;
                    continue;
                }
                Double v = parseNumber(cell);
                if (v == null) {
                    throw new IOException(where(source, line, dataRow) + ", column '" + names.get(featureCols[i]) + "': '"
                            + cell + "' is not a number" + (columns == null ? "; pick the numeric columns with Csv.columns(...)" : ""));
                }
                values[i] = v;
            }
            String lab = labelCol >= 0 ? record.get(labelCol).trim() : null;
            if (lab != null && missingValues.contains(lab) && !drop) {
                if (missing != Missing.DROP_ROW) {
                    throw new IOException(where(source, line, dataRow) + ", label column '" + label + "': missing value '"
                            + lab + "'; a missing label is only accepted with Csv.missing(DROP_ROW)");
                }
                drop = true;
            }
            if (drop) {
                dropped++;
            } else {
                rows.add(values);
                if (labels != null) {
                    labels.add(lab);
                }
            }
        }
        String[] featureNames = new String[featureCols.length];
        for (int i = 0; i < featureCols.length; i++) {
            featureNames[i] = names.get(featureCols[i]);
        }
        return new CsvTable(List.of(featureNames), rows, label, labels, dropped);
    }

    private static String where(String source, int line, int dataRow) {
        return source + ": line " + line + " (data row " + dataRow + ")";
    }

    private boolean looksLikeHeader(List<String> first, List<String> second) {
        for (int j = 0; j < first.size(); j++) {
            String cell = first.get(j).trim();
            if (missingValues.contains(cell) || parseNumber(cell) != null) {
                continue;
            }
            if (second == null || j >= second.size()) {
                return true;
            }
            String below = second.get(j).trim();
            if (missingValues.contains(below) || parseNumber(below) != null) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Integer> indexNames(List<String> names, String source) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < names.size(); j++) {
            Integer before = index.put(names.get(j), j);
            if (before != null) {
                throw new IOException(source + ": the header names column '" + names.get(j) + "' twice (columns "
                        + (before + 1) + " and " + (j + 1) + "); column names must be unique");
            }
        }
        return index;
    }

    private static int column(Map<String, Integer> index, String name, String role, String source, List<String> names) {
        Integer j = index.get(name);
        if (j == null) {
            throw new IllegalArgumentException("Csv: no " + role + " column '" + name + "' in " + source + "; its columns are "
                    + names);
        }
        return j;
    }

    /** The number in {@code s}, or null; stricter than {@link Double#parseDouble} (no {@code 1d}, {@code 0x1p3}). */
    static Double parseNumber(String s) {
        if (s.isEmpty()) {
            return null;
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
                return null;
            }
        }
        if (!digit) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
