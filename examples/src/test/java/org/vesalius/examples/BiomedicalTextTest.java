package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The biomedical-text pipeline on 600 real Gene Ontology terms (src/test/resources/text/go-sample.tsv, 200 per
 * namespace, in the layout the example reads): the ICPC-2 thesaurus it classifies by default is fetched by
 * tools/text/fetch_corpora.py and not committed (its licence is non-commercial).
 */
class BiomedicalTextTest {
    static BiomedicalText.Corpus sample() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                BiomedicalTextTest.class.getResourceAsStream("/text/go-sample.tsv"), StandardCharsets.UTF_8))) {
            return BiomedicalText.Corpus.read(in);
        }
    }

    @Test
    void theRecurrentClassifierBeatsTheMajorityClassOnHeldOutTerms() throws IOException {
        BiomedicalText.Corpus corpus = sample();
        assertEquals(600, corpus.texts().size());
        BiomedicalText.Config c = new BiomedicalText.Config(Path.of("unused"), 0.2, 800, 48, 24, 24, "gru", true, 12, 16, 5e-3,
                0.1, 3);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        BiomedicalText.Result r = BiomedicalText.run(c, corpus, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(List.of("BP", "CC", "MF"), r.labels());
        assertEquals(480, r.trainSize());
        assertEquals(120, r.testSize());
        // The thresholds come from the baseline this run computes on the same 120 held-out terms: always answering
        // the most frequent training namespace (about a third right; its macro-F1 is about 1/6, one class in three
        // with F1 near 1/2). A network that learned nothing from the definitions cannot clear them.
        Baselines.assertAbove("accuracy", r.network().accuracy(), "majority class", r.majority().accuracy(), 0.3);
        Baselines.assertAbove("macro-F1", r.network().macroF1(), "majority class", r.majority().macroF1(), 0.4);
        List<Double> loss = r.epochLosses();
        assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), "training loss " + loss);
        assertTrue(r.toJson().matches("\\{\"example\":\"biomedical-text\",\"accuracy\":[01]\\.\\d{4},\"macro_f1\":.*\\}"),
                r.toJson());
        System.out.println(buf.toString(StandardCharsets.UTF_8) + r.toJson());
    }

    @Test
    void macroF1CountsEveryClassTheSame() {
        int[] truth = {0, 0, 0, 0, 1, 2};
        // all "0": F1 of class 0 is 2*4/(8+2) = 0.8, classes 1 and 2 score 0
        assertEquals(0.8 / 3, TextClassifiers.macroF1(new int[] {0, 0, 0, 0, 0, 0}, truth, 3), 1e-12);
        assertEquals(1.0, TextClassifiers.macroF1(truth, truth, 3), 1e-12);
        // one of the two minority texts wrong: class 1 has F1 0, class 2 F1 2/3, class 0 F1 1
        assertEquals((1 + 0 + 2.0 / 3) / 3, TextClassifiers.macroF1(new int[] {0, 0, 0, 0, 2, 2}, truth, 3), 1e-12);
        assertEquals(4.0 / 6, TextClassifiers.accuracy(new int[] {0, 0, 0, 0, 0, 0}, truth), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TextClassifiers.macroF1(new int[] {0}, truth, 3));
    }

    @Test
    void clearErrors() {
        IOException e = assertThrows(IOException.class,
                () -> BiomedicalText.Corpus.read(new BufferedReader(new StringReader("K86\tK\tHypertonie\nK87 Hypertonie\n"))));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"biomedical-text", "--data", "/nonexistent/terms.tsv"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("fetch_corpora.py"), err.toString(StandardCharsets.UTF_8));
    }
}
