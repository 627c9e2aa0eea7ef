package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.safety.CrisisSignals;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Crisis detection on the committed labelled set (src/test/resources/crisis/labelled.tsv, positives and
 * negatives, disjoint from the prototypes and from the tuning set): the phrase list alone, and the phrase
 * list plus the semantic check that runs in production. A Quarkus test so it shares the application's
 * embedding model (its native tokenizer binds to one class loader per JVM).
 */
@QuarkusTest
class CrisisEvaluationTest {

    @Inject
    EmotionClassifier embeddings;

    @Inject
    SemanticCrisisDetector semantic;

    /** tp, fp, fn, tn. */
    private static int[] counts(Map<String, List<String>> labelled, Predicate<String> flags) {
        int[] c = new int[4];
        labelled.forEach((label, sentences) -> sentences.forEach(s -> {
            boolean f = flags.test(s);
            c["crisis".equals(label) ? (f ? 0 : 2) : (f ? 1 : 3)]++;
        }));
        return c;
    }

    private static double precision(int[] c) {
        return (double) c[0] / Math.max(1, c[0] + c[1]);
    }

    private static double recall(int[] c) {
        return (double) c[0] / Math.max(1, c[0] + c[2]);
    }

    @Test
    void theSemanticCheckFindsCrisesThePhraseListMissesWithoutManyFalseAlarms() {
        assertTrue(semantic.enabled(), "the embedding model is loaded in this application");
        Map<String, List<String>> labelled = EmotionClassifier.readLabelled("/crisis/labelled.tsv");
        assertTrue(labelled.get("crisis").size() >= 40 && labelled.get("benign").size() >= 50, "positives and negatives");
        int[] phrases = counts(labelled, CrisisSignals::highRisk);
        int[] both = counts(labelled, s -> CrisisSignals.highRisk(s) || semantic.highRisk(embeddings.embedding(s)));
        System.out.printf(Locale.ROOT, "%nCrisis detection on %d labelled sentences:%n  phrases: precision %.3f recall %.3f%n"
                + "  phrases + semantic: precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)%n%n",
                labelled.values().stream().mapToInt(List::size).sum(), precision(phrases), recall(phrases), precision(both),
                recall(both), both[0], both[1], both[2], both[3]);
        assertTrue(recall(both) >= recall(phrases) + 0.2, "the semantic check adds real recall");
        assertTrue(precision(both) >= 0.8, "and keeps false alarms rare");
    }

    @Test
    void indirectSignsAreHighRiskAndFiguresOfSpeechAreNot() {
        for (String s : new String[] {"It would be easier if I just didn't exist.", "I think the world would be better without me in it."}) {
            assertFalse(CrisisSignals.highRisk(s), "not in the phrase list: " + s);
            assertTrue(semantic.highRisk(embeddings.embedding(s)), s);
        }
        for (String s : new String[] {"This traffic is killing me.", "I'm dying to see the new season.", "My phone died on the way home."}) {
            assertFalse(semantic.highRisk(embeddings.embedding(s)), s);
        }
        assertFalse(semantic.highRisk(null), "no embedding, no verdict: the phrase list answers alone");
    }
}
