package app.oviya.ai.bench;

import app.oviya.ai.service.EmotionClassifier;
import app.oviya.ai.service.EmotionDetector;
import app.oviya.ai.service.SemanticCrisisDetector;
import app.oviya.common.safety.CrisisSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Picks the semantic crisis check's threshold and margin on the tuning set (crisis/dev.tsv), then reports
 * precision and recall of the phrase list, the embedding check and both on the evaluation set
 * (crisis/labelled.tsv) at the configured defaults. Run:
 * ./mvnw -B -q test -pl ai-service -Pbench -Dtest=CrisisBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("benchmark")
class CrisisBenchmark {

    record Example(boolean crisis, String text, float[] vector) {
    }

    @Test
    void thresholdGridOnTheTuningSetAndPrecisionRecallOnTheEvaluationSet() {
        EmotionClassifier embeddings = new EmotionClassifier(new EmotionDetector());
        SemanticCrisisDetector scorer = new SemanticCrisisDetector(embeddings::embedding, true, 0, -1);
        List<Example> dev = load(embeddings, "/crisis/dev.tsv");
        System.out.printf(Locale.ROOT, "%nCRISIS: tuning grid on crisis/dev.tsv (%d sentences), semantic check alone%n", dev.size());
        for (double t : new double[] {0.45, 0.50, 0.55, 0.60, 0.65, 0.70}) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  threshold %.2f:", t));
            for (double m : new double[] {0.0, 0.03, 0.05, 0.08, 0.10}) {
                int[] c = counts(dev, e -> {
                    SemanticCrisisDetector.Score s = scorer.score(e.vector());
                    return s.crisis() >= t && s.crisis() - s.benign() >= m;
                });
                double p = precision(c);
                double r = recall(c);
                double f2 = p + r == 0 ? 0 : 5 * p * r / (4 * p + r);
                row.append(String.format(Locale.ROOT, "  m%.2f P%.2f R%.2f F2 %.2f", m, p, r, f2));
            }
            System.out.println(row);
        }
        // The defaults in AiConfig.Crisis.Semantic: the best F2 on the tuning grid above.
        SemanticCrisisDetector configured = new SemanticCrisisDetector(embeddings::embedding, true, 0.45, 0.0);
        List<Example> eval = load(embeddings, "/crisis/labelled.tsv");
        System.out.printf(Locale.ROOT, "%nCRISIS: evaluation on crisis/labelled.tsv (%d sentences) at threshold 0.45, margin 0.00%n",
                eval.size());
        report("phrase list", counts(eval, e -> CrisisSignals.highRisk(e.text())));
        report("embedding check", counts(eval, e -> configured.highRisk(e.vector())));
        report("phrases OR embedding", counts(eval, e -> CrisisSignals.highRisk(e.text()) || configured.highRisk(e.vector())));
        for (Example e : eval) {
            boolean flagged = CrisisSignals.highRisk(e.text()) || configured.highRisk(e.vector());
            if (flagged != e.crisis()) {
                SemanticCrisisDetector.Score s = configured.score(e.vector());
                System.out.printf(Locale.ROOT, "  %s (crisis %.2f benign %.2f): %s%n", e.crisis() ? "missed" : "false alarm", s.crisis(),
                        s.benign(), e.text());
            }
        }
        System.out.println();
    }

    interface Rule {
        boolean flags(Example e);
    }

    static List<Example> load(EmotionClassifier embeddings, String resource) {
        List<Example> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : EmotionClassifier.readLabelled(resource).entrySet()) {
            for (String s : e.getValue()) {
                out.add(new Example("crisis".equals(e.getKey()), s, embeddings.embedding(s)));
            }
        }
        return out;
    }

    /** tp, fp, fn, tn. */
    static int[] counts(List<Example> examples, Rule rule) {
        int[] c = new int[4];
        for (Example e : examples) {
            boolean f = rule.flags(e);
            c[e.crisis() ? (f ? 0 : 2) : (f ? 1 : 3)]++;
        }
        return c;
    }

    static double precision(int[] c) {
        return c[0] + c[1] == 0 ? 1 : (double) c[0] / (c[0] + c[1]);
    }

    static double recall(int[] c) {
        return c[0] + c[2] == 0 ? 1 : (double) c[0] / (c[0] + c[2]);
    }

    static void report(String name, int[] c) {
        System.out.printf(Locale.ROOT, "  %-22s precision %.3f recall %.3f (tp %d, fp %d, fn %d, tn %d)%n", name, precision(c), recall(c),
                c[0], c[1], c[2], c[3]);
    }
}
