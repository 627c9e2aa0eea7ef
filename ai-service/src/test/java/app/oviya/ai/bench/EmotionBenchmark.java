package app.oviya.ai.bench;

import app.oviya.ai.service.EmotionClassifier;
import app.oviya.ai.service.EmotionDetector;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Emotion detection: accuracy on the labelled set and time per message (after warm-up, one thread).
 * Run alone (the model's native tokenizer loads once per JVM):
 * ./mvnw -B -q test -pl ai-service -Pbench -Dtest=EmotionBenchmark
 */
@Tag("benchmark")
class EmotionBenchmark {

    @Test
    void accuracyAndTimePerMessage() {
        long t0 = System.nanoTime();
        EmotionClassifier classifier = new EmotionClassifier(new EmotionDetector());
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, List<String>> labelled = EmotionClassifier.readLabelled("/emotion/labelled.tsv");
        for (int warm = 0; warm < 2; warm++) {
            labelled.values().forEach(l -> l.forEach(classifier::detect));
        }
        int total = 0;
        int ok = 0;
        int rounds = 5;
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, List<String>> e : labelled.entrySet()) {
                for (String s : e.getValue()) {
                    boolean hit = classifier.detect(s).label().equals(e.getKey());
                    if (r == 0) {
                        total++;
                        ok += hit ? 1 : 0;
                    }
                }
            }
        }
        double perMessageMs = (System.nanoTime() - start) / 1e6 / (rounds * total);
        System.out.printf(Locale.ROOT, "%nEMOTION BENCHMARK: %d sentences, accuracy %.3f, %.2f ms per message (1 thread, warm),"
                + " model + prototypes load %d ms%n%n", total, (double) ok / total, perMessageMs, loadMs);
    }
}
