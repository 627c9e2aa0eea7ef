package app.oviya.memory.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The rule-based extractor against the committed dataset (src/test/resources/extraction/messages.tsv):
 * prints precision and recall, and holds them above the floor we reach today, so a rule change
 * that makes extraction worse fails the build.
 */
class ExtractionDatasetTest {

    /** Floors: what the extractor reaches today, rounded down (printed numbers are the measurement). */
    static final double PRECISION_FLOOR = 0.95;
    static final double RECALL_FLOOR = 0.85;
    static final LocalDate SENT_ON = LocalDate.of(2026, 3, 10);

    record Expected(String kind, List<String> keywords, LocalDate date, String category) {
        boolean matches(Candidate c) {
            String content = c.content().toLowerCase(Locale.ROOT);
            return kind.equals(c.kind()) && keywords.stream().allMatch(content::contains)
                    && (date == null || date.equals(c.eventDate()))
                    && (category == null || category.equals(c.category()));
        }

        static Expected parse(String item) {
            String s = item.strip();
            String category = null;
            LocalDate date = null;
            int hash = s.indexOf('#');
            if (hash >= 0) {
                category = s.substring(hash + 1);
                s = s.substring(0, hash);
            }
            int at = s.indexOf('@');
            if (at >= 0) {
                date = LocalDate.parse(s.substring(at + 1));
                s = s.substring(0, at);
            }
            int colon = s.indexOf(':');
            List<String> keywords = Arrays.stream(s.substring(colon + 1).split(","))
                    .map(k -> k.strip().toLowerCase(Locale.ROOT)).filter(k -> !k.isEmpty()).toList();
            return new Expected(s.substring(0, colon), keywords, date, category);
        }
    }

    record Example(String message, List<Expected> expected) {
    }

    static List<Example> dataset() throws IOException {
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(ExtractionDatasetTest.class.getResourceAsStream("/extraction/messages.tsv")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                assertEquals(2, cols.length, "message<TAB>expected: " + line);
                List<Expected> expected = cols[1].strip().equals("-") ? List.of()
                        : Arrays.stream(cols[1].split("\\|")).map(Expected::parse).toList();
                out.add(new Example(cols[0], expected));
            }
        }
        return out;
    }

    /** What one extractor scored on the dataset. */
    record Score(int messages, int silent, int silentRespected, int expected, int produced, int correct, List<String> misses) {
        double precision() {
            return produced == 0 ? 0 : correct / (double) produced;
        }

        double recall() {
            return correct / (double) expected;
        }

        void print(String label) {
            System.out.printf(Locale.ROOT, "%s: %d messages (%d must produce nothing, %d did), %d expected memories, "
                    + "%d produced, %d correct: precision %.3f, recall %.3f%n",
                    label, messages, silent, silentRespected, expected, produced, correct, precision(), recall());
            misses.forEach(System.out::println);
        }
    }

    /** Runs every message of the dataset through an extractor (message to candidates) and scores the result. */
    static Score score(List<Example> examples, Function<String, List<Candidate>> extractor) {
        int produced = 0;
        int expected = 0;
        int truePositives = 0;
        int silent = 0;
        int silentRespected = 0;
        List<String> misses = new ArrayList<>();
        for (Example ex : examples) {
            List<Candidate> got = new ArrayList<>(extractor.apply(ex.message()));
            produced += got.size();
            expected += ex.expected().size();
            if (ex.expected().isEmpty()) {
                silent++;
                if (got.isEmpty()) {
                    silentRespected++;
                }
            }
            List<Candidate> unmatched = new ArrayList<>(got);
            for (Expected e : ex.expected()) {
                Candidate hit = unmatched.stream().filter(e::matches).findFirst().orElse(null);
                if (hit != null) {
                    truePositives++;
                    unmatched.remove(hit);
                } else {
                    misses.add("MISSED  " + e + "  in: " + ex.message() + "  got: " + got);
                }
            }
            unmatched.forEach(c -> misses.add("EXTRA   " + c + "  from: " + ex.message()));
        }
        return new Score(examples.size(), silent, silentRespected, expected, produced, truePositives, misses);
    }

    @Test
    void precisionAndRecallOnTheCommittedDataset() throws IOException {
        RuleBasedExtractor extractor = new RuleBasedExtractor();
        List<Example> examples = dataset();
        Score score = score(examples, message -> extractor.extract(message, SENT_ON));
        score.print("Extraction dataset");

        assertTrue(examples.size() >= 100, "at least 100 examples");
        assertTrue(score.silent() >= 30, "enough messages that must produce nothing");
        assertTrue(score.precision() >= PRECISION_FLOOR, "precision " + score.precision());
        assertTrue(score.recall() >= RECALL_FLOOR, "recall " + score.recall());
    }
}
