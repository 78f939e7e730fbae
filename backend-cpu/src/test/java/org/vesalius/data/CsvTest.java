package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

class CsvTest {
    @TempDir
    Path dir;

    static CsvTable read(Csv csv, String text) throws IOException {
        return csv.read(new StringReader(text), "test.csv");
    }

    static final String CLINICAL = "patient,age,\"systolic, mmHg\",glucose,diagnosis\r\n"
            + "P001,63,145,5.4,benign\r\n"
            + "\"P002 \"\"B\"\"\",  48 , 120,6.1e0,malignant\r\n"
            + "\r\n"
            + "P003,71,160,7.25,malignant\r\n";

    @Test
    void readsAHeaderQuotedFieldsAndSelectedColumns() throws IOException {
        CsvTable t = read(new Csv().columns("age", "systolic, mmHg", "glucose").label("diagnosis"), CLINICAL);
        assertEquals(List.of("age", "systolic, mmHg", "glucose"), t.columnNames());
        assertEquals(3, t.rows());
        Tensor x = t.features();
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new int[] {3, 3}, x.shape());
        assertArrayEquals(new float[] {63, 145, 5.4f, 48, 120, 6.1f, 71, 160, 7.25f}, x.toFloatArray());
        assertEquals(DType.FLOAT64, t.features(DType.FLOAT64).dtype());
        assertEquals(List.of("benign", "malignant"), t.classes());
        Tensor y = t.labels();
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[] {0, 1, 1}, y.toLongArray());
        assertArrayEquals(new double[] {145, 120, 160}, t.column("systolic, mmHg"));
    }

    @Test
    void detectsWhetherTheFirstRecordIsAHeader() throws IOException {
        CsvTable noHeader = read(new Csv(), "1,2,3\n4,5,6\n");
        assertEquals(List.of("0", "1", "2"), noHeader.columnNames());
        assertEquals(2, noHeader.rows());
        CsvTable header = read(new Csv(), "a,b,c\n4,5,6\n");
        assertEquals(List.of("a", "b", "c"), header.columnNames());
        assertEquals(1, header.rows());
        // numeric names become a header only when told
        CsvTable years = read(new Csv().header(true), "1990;1991\n1;2\n".replace(';', ','));
        assertEquals(List.of("1990", "1991"), years.columnNames());
        CsvTable semicolons = read(new Csv().delimiter(';').label("y"), "x1;x2;y\n1;2;3.5\n4;5;-1\n");
        assertTrue(semicolons.classes().isEmpty());
        assertEquals(DType.FLOAT32, semicolons.labels().dtype());
        assertArrayEquals(new float[] {3.5f, -1}, semicolons.labels().toFloatArray());
        assertArrayEquals(new long[] {3, 1}, read(new Csv().label("y"), "x,y\n1,3\n2,1\n").labels(DType.INT64).toLongArray());
    }

    @Test
    void quotedFieldsMayHoldDelimitersQuotesAndLineBreaks() throws IOException {
        CsvTable t = read(new Csv().columns("v"), "note,v\n\"two\nlines, and \"\"quotes\"\"\",1\nplain,2\n\"x\",3");
        assertArrayEquals(new double[] {1, 2, 3}, t.column("v"));
        IOException e = assertThrows(IOException.class, () -> read(new Csv(), "a,b\n1,\"2\n3,4\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("never closed"), e.getMessage());
        e = assertThrows(IOException.class, () -> read(new Csv(), "a,b\n1,\"2\"x\n"));
        assertTrue(e.getMessage().contains("after the closing quote"), e.getMessage());
    }

    @Test
    void missingValuesFollowThePolicy() throws IOException {
        String text = "a,b,y\n1,2,0\n3,NA,1\n5,,1\n7,8,\n";
        IOException e = assertThrows(IOException.class, () -> read(new Csv().columns("a", "b"), text));
        assertTrue(e.getMessage().contains("line 3 (data row 2), column 'b'") && e.getMessage().contains("missing value 'NA'"),
                e.getMessage());
        CsvTable nan = read(new Csv().columns("a", "b").missing(Csv.Missing.NAN), text);
        double[] b = nan.column("b");
        assertEquals(2, b[0]);
        assertTrue(Double.isNaN(b[1]) && Double.isNaN(b[2]));
        assertEquals(8, b[3]);
        CsvTable dropped = read(new Csv().label("y").missing(Csv.Missing.DROP_ROW), text);
        assertEquals(1, dropped.rows());
        assertEquals(3, dropped.droppedRows());
        e = assertThrows(IOException.class, () -> read(new Csv().label("y").missing(Csv.Missing.NAN), text));
        assertTrue(e.getMessage().contains("line 5 (data row 4), label column 'y'"), "the NA in b is NaN, the empty label on line 5 is not: " + e.getMessage());
        CsvTable custom = read(new Csv().missingValues("-999").missing(Csv.Missing.NAN), "a\n-999\n1\n");
        assertTrue(Double.isNaN(custom.column("a")[0]));
    }

    @Test
    void raggedRowsAndTextCellsNameRowColumnAndText() throws IOException {
        IOException e = assertThrows(IOException.class, () -> read(new Csv(), "a,b,c\n1,2,3\n4,5\n"));
        assertTrue(e.getMessage().contains("test.csv: line 3 (data row 2) has 2 fields, but the header has 3"), e.getMessage());
        e = assertThrows(IOException.class, () -> read(new Csv(), "a,b\n1,2\n3,abc\n"));
        assertTrue(e.getMessage().contains("line 3 (data row 2), column 'b': 'abc' is not a number"), e.getMessage());
        e = assertThrows(IOException.class, () -> read(new Csv(), "a,b\n1,2\n3,1f\n"));
        assertTrue(e.getMessage().contains("'1f' is not a number"), "Java's lenient suffixes are refused: " + e.getMessage());
        e = assertThrows(IOException.class, () -> read(new Csv(), CLINICAL));
        assertTrue(e.getMessage().contains("column 'patient': 'P001'") && e.getMessage().contains("Csv.columns"),
                e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> read(new Csv().columns("age", "weight"), CLINICAL));
        assertTrue(bad.getMessage().contains("'weight'") && bad.getMessage().contains("glucose"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> read(new Csv().label("y"), "x,y\n1,2.5\n").labels(DType.INT64));
        assertTrue(bad.getMessage().contains("'2.5'"), bad.getMessage());
        e = assertThrows(IOException.class, () -> read(new Csv(), "a,a\n1,2\n"));
        assertTrue(e.getMessage().contains("'a' twice"), e.getMessage());
        assertThrows(IOException.class, () -> read(new Csv(), "\n\n"));
    }

    @Test
    void readsAFileWithAByteOrderMarkAndInfinities() throws IOException {
        Path p = dir.resolve("m.csv");
        Files.writeString(p, "\uFEFFx;y\n1;inf\n-Infinity;2\n", StandardCharsets.UTF_8);
        CsvTable t = new Csv().delimiter(';').read(p);
        assertEquals(List.of("x", "y"), t.columnNames());
        assertArrayEquals(new double[] {1, Double.NEGATIVE_INFINITY}, t.column("x"));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 2}, t.column("y"));
        IOException e = assertThrows(IOException.class, () -> new Csv().delimiter(';').read(dir.resolve("none.csv")));
        assertTrue(e.getMessage().contains("none.csv"), e.getMessage());
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'a', '\n', '1', (byte) 0xE9, '\n'});
        e = assertThrows(IOException.class, () -> new Csv().read(latin1));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }
}
