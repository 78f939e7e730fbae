package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.testing.ReaderFuzz;

/**
 * Damaged CSV text (quotes, delimiters and line breaks moved, cells changed, lines cut) reads as a table
 * or an IOException with a message, within the per-case time limit and a heap bound of
 * {@code 2 x decoded + 96 x input + 1 MiB} allocated per case: a CSV has no header that declares sizes,
 * but each cell becomes a String and a double of the rows the table keeps, which costs tens of bytes
 * per input byte for short cells.
 */
class CsvFuzzTest {
    static final String BOUND = "2 x decoded + 96 x input + 1 MiB";

    static final String MEASUREMENTS = "age,\"systolic, mmHg\",glucose,bmi\r\n"
            + "63,145,5.4,27.1\r\n"
            + "\"48\",  120 ,6.1e0,NA\r\n"
            + "\r\n"
            + "71,160,7.25,31\r\n"
            + "55,-inf,4.9,?\r\n";
    static final String NO_HEADER = "1,2,3\n4,5,6\n7.5,-8e-3,+9\n\"10\",\" 11\",12\n";

    static ReaderFuzz<CsvTable> fuzz(long seed) {
        ReaderFuzz<CsvTable> fuzz = ReaderFuzz.of("CSV", seed,
                (input, name) -> new Csv().missing(Csv.Missing.NAN)
                        .read(new InputStreamReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8), name),
                t -> ReaderFuzz.describeTensors(List.of(t.features())))
                .heapBound(BOUND, (input, plain, decoded) -> 2 * decoded + 96 * input + (1 << 20)).headerBytes(64)
                .seed("measurements.csv", MEASUREMENTS.getBytes(StandardCharsets.UTF_8))
                .seed("no header.csv", NO_HEADER.getBytes(StandardCharsets.UTF_8));
        return fuzz;
    }

    @Test
    void damagedTextReadsOrFailsCleanly() {
        fuzz(1848L).run(1000);
    }

    @Test
    void everyTruncationReadsOrFailsCleanly() {
        // a CSV cut between records is a shorter valid table, so a cut need not fail: only cleanly
        fuzz(5L).truncations(0, false);
    }

    /** Regression: each quote in an unquoted field re-read the whole field so far (a 1 MB field took minutes). */
    @Test
    void aLongFieldFullOfQuotesReadsInLinearTime() throws IOException {
        StringBuilder sb = new StringBuilder("a,b\n1,x");
        for (int i = 0; i < 500_000; i++) {
            sb.append("\"x");
        }
        sb.append('\n');
        String text = sb.toString();
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                        () -> new Csv().read(new StringReader(text), "quotes.csv")));
        assertTrue(e.getMessage().contains("column 'b'") && e.getMessage().contains("is not a number"), e.getMessage());
        CsvTable t = new Csv().columns("a").read(new StringReader(text), "quotes.csv");
        assertEquals(1, t.rows());
    }
}
