package org.vesalius.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * A numeric table read by {@link Csv}: feature columns and an optional label column, held on the
 * heap. The tensor methods make new tensors each call, which the caller owns.
 */
public final class CsvTable {
    private final List<String> columnNames;
    private final List<double[]> rows;
    private final String labelName;
    private final List<String> rawLabels;
    private final int droppedRows;
    private final List<String> classes;
    private final double[] labelValues;

    CsvTable(List<String> columnNames, List<double[]> rows, String labelName, List<String> rawLabels, int droppedRows) {
        this.columnNames = columnNames;
        this.rows = rows;
        this.labelName = labelName;
        this.rawLabels = rawLabels;
        this.droppedRows = droppedRows;
        if (rawLabels == null) {
            classes = List.of();
            labelValues = null;
            return;
        }
        double[] numeric = new double[rawLabels.size()];
        boolean allNumbers = true;
        for (int i = 0; i < numeric.length && allNumbers; i++) {
            Double v = Csv.parseNumber(rawLabels.get(i));
            allNumbers = v != null;
            numeric[i] = allNumbers ? v : 0;
        }
        if (allNumbers) {
            classes = List.of();
            labelValues = numeric;
        } else {
            // class names: index i is the i-th name in sorted order, so the coding does not depend on row order
            Map<String, Integer> codes = new TreeMap<>();
            for (String s : rawLabels) {
                codes.put(s, 0);
            }
            List<String> names = new ArrayList<>(codes.keySet());
            for (int i = 0; i < names.size(); i++) {
                codes.put(names.get(i), i);
            }
            for (int i = 0; i < numeric.length; i++) {
                numeric[i] = codes.get(rawLabels.get(i));
            }
            classes = List.copyOf(names);
            labelValues = numeric;
        }
    }

    /** Names of the feature columns, in the order of {@link #features()}'s columns. */
    public List<String> columnNames() {
        return columnNames;
    }

    /** Name of the label column, or null when none was chosen. */
    public String labelName() {
        return labelName;
    }

    /** Number of data rows read (after rows dropped for missing values). */
    public int rows() {
        return rows.size();
    }

    /** Rows left out by {@link Csv.Missing#DROP_ROW}. */
    public int droppedRows() {
        return droppedRows;
    }

    /** The values of one feature column (NaN where missing under {@link Csv.Missing#NAN}). */
    public double[] column(String name) {
        int j = columnNames.indexOf(name);
        if (j < 0) {
            throw new IllegalArgumentException("CsvTable: no feature column '" + name + "'; columns are " + columnNames);
        }
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[j];
        }
        return out;
    }

    /** Features as float32 {@code [rows, columns]}. */
    public Tensor features() {
        return features(DType.FLOAT32);
    }

    /** Features as {@code [rows, columns]} of {@code dtype} (float32 or float64). */
    public Tensor features(DType dtype) {
        int n = rows.size();
        int m = columnNames.size();
        double[] flat = new double[n * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, flat, i * m, m);
        }
        return tensor(flat, dtype, "features", n, m);
    }

    /**
     * Class names when the label column held text: label {@code i} stands for {@code classes().get(i)},
     * names in sorted order. Empty for numeric labels.
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * The label column as {@code [rows]}: int64 class indices when it held class names (see
     * {@link #classes()}), otherwise float32. Use {@link #labels(DType)} for numeric class codes.
     */
    public Tensor labels() {
        return labels(classes.isEmpty() ? DType.FLOAT32 : DType.INT64);
    }

    /** The label column as {@code [rows]} of {@code dtype}: float32, float64, or int64 (whole numbers only). */
    public Tensor labels(DType dtype) {
        if (labelValues == null) {
            throw new IllegalStateException("CsvTable: no label column was chosen; set one with Csv.label(name)");
        }
        if (dtype == DType.INT64) {
            long[] v = new long[labelValues.length];
            for (int i = 0; i < v.length; i++) {
                double x = labelValues[i];
                if (x != Math.rint(x) || Math.abs(x) > 0x1p53) {
                    throw new IllegalArgumentException("CsvTable.labels: label '" + rawLabels.get(i) + "' in data row " + (i + 1)
                            + " is not a whole number, so the labels cannot be int64; read them as float32");
                }
                v[i] = (long) x;
            }
            return Tensor.of(v);
        }
        return tensor(labelValues.clone(), dtype, "labels", labelValues.length);
    }

    private static Tensor tensor(double[] values, DType dtype, String what, int... shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(values, shape);
        }
        if (dtype == DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return Tensor.of(f, shape);
        }
        throw new IllegalArgumentException("CsvTable." + what + ": dtype must be float32 or float64"
                + (what.equals("labels") ? " or int64" : "") + ", got " + dtype);
    }

    @Override
    public String toString() {
        return "CsvTable(" + rows.size() + " rows, features " + columnNames + (labelName != null ? ", label '" + labelName
                + "'" + (classes.isEmpty() ? "" : " with classes " + classes) : "") + ")";
    }
}
