package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedding emotion detector on the committed labelled set (src/test/resources/emotion/labelled.tsv).
 * A Quarkus test on purpose: the model's native tokenizer can be loaded by one class loader per JVM only,
 * so it shares the application started for the other Quarkus tests.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmotionClassifierTest {

    @Inject
    EmotionDetector lexicon;

    @Inject
    EmotionClassifier classifier;

    private Map<String, List<String>> labelled;

    @BeforeAll
    void load() {
        labelled = EmotionClassifier.readLabelled("/emotion/labelled.tsv");
    }

    @Test
    void aVectorFromTheSameModelIsReusedAndAnyOtherIsIgnored() {
        String text = "I keep waiting for the results and my stomach is in knots";
        EmotionClassifier.Analysis computed = classifier.analyseAsync(text).await().indefinitely();
        List<Float> vector = new java.util.ArrayList<>();
        for (float x : computed.vector()) {
            vector.add(x);
        }
        EmotionClassifier.Analysis reused = classifier.analyseAsync(text, vector, app.oviya.common.embedding.MiniLm.MODEL_ID)
                .await().indefinitely();
        assertEquals(computed.emotion(), reused.emotion());
        assertTrue(java.util.Arrays.equals(computed.vector(), reused.vector()));

        // The vector decides: handed the vector of another sentence, the classifier believes it (so it really
        // skipped the embedding), unless the vector is from another model or of another size.
        String other = "We won the final and everyone is hugging and singing";
        List<Float> otherVector = new java.util.ArrayList<>();
        for (float x : classifier.embedding(other)) {
            otherVector.add(x);
        }
        assertEquals(classifier.embeddingOnly(other), classifier.analyseAsync("hmm", otherVector, "all-minilm-l6-v2-q")
                .await().indefinitely().emotion().label());
        assertEquals(computed.emotion(), classifier.analyseAsync(text, otherVector, "text-embedding-3-small").await().indefinitely().emotion());
        assertEquals(computed.emotion(), classifier.analyseAsync(text, otherVector.subList(0, 100), "all-minilm-l6-v2-q")
                .await().indefinitely().emotion());
    }

    @Test
    void theLabelledSetHasAtLeast200SentencesOverAllLabels() {
        assertTrue(labelled.values().stream().mapToInt(List::size).sum() >= 200);
        assertEquals(9, labelled.size(), labelled.keySet().toString());
    }

    @Test
    void accuracyOnTheLabelledSetBeatsTheLexiconBaseline() {
        int total = 0;
        int hybrid = 0;
        int embedding = 0;
        int lex = 0;
        StringBuilder perLabel = new StringBuilder();
        for (Map.Entry<String, List<String>> e : labelled.entrySet()) {
            int ok = 0;
            for (String s : e.getValue()) {
                total++;
                if (classifier.detect(s).label().equals(e.getKey())) {
                    hybrid++;
                    ok++;
                }
                if (classifier.embeddingOnly(s).equals(e.getKey())) {
                    embedding++;
                }
                if (lexicon.detect(s).label().equals(e.getKey())) {
                    lex++;
                }
            }
            perLabel.append(String.format(Locale.ROOT, " %s=%d/%d", e.getKey(), ok, e.getValue().size()));
        }
        double acc = (double) hybrid / total;
        System.out.printf(Locale.ROOT, "EMOTION ACCURACY on %d sentences: embedding+lexicon=%.3f embedding-only=%.3f lexicon-only=%.3f;%s%n",
                total, acc, (double) embedding / total, (double) lex / total, perLabel);
        assertTrue(hybrid > lex, "the embedding method beats keyword matching alone");
        assertTrue(acc >= 0.6, "accuracy " + acc);
    }

    @Test
    void examplesWithoutAnyCueWordAreStillRecognised() {
        assertEquals("sadness", classifier.detect("We had to put our old dog to sleep yesterday").label());
        assertEquals("neutral", classifier.detect("I need to buy milk and eggs").label());
        assertEquals(0.0, classifier.detect("   ").intensity());
    }

    @Test
    void intensifiersRaiseIntensity() {
        double plain = classifier.detect("I am sad").intensity();
        double strong = classifier.detect("I am so very sad!!").intensity();
        assertTrue(strong > plain, plain + " vs " + strong);
    }
}
