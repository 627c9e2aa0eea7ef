package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The crisis check beyond the phrase list ({@code CrisisSignals}): the message's sentence embedding is
 * compared (cosine) with labelled prototype sentences ({@code crisis/prototypes.tsv}): "crisis" ones, said
 * in the many indirect ways a phrase list cannot enumerate ("nobody would notice if I was gone", "I've been
 * saving up my pills"), and "benign" hard negatives (figures of speech, tiredness, sadness without risk).
 * High risk when the closest crisis prototype is at least {@code threshold} similar <em>and</em> at least
 * {@code margin} closer than the closest benign one. It adds to the phrase list, never replaces it; without
 * the embedding model it stays silent and the phrases answer alone. Evaluated in CrisisEvaluationTest.
 */
@Startup // embeds its prototypes at start, never lazily on the event loop of the first request
@ApplicationScoped
public class SemanticCrisisDetector {

    private static final Logger LOG = Logger.getLogger(SemanticCrisisDetector.class);

    public record Score(double crisis, double benign) {
    }

    private final List<float[]> crisis = new ArrayList<>();
    private final List<float[]> benign = new ArrayList<>();
    private final double threshold;
    private final double margin;
    private final boolean enabled;

    @Inject
    public SemanticCrisisDetector(EmotionClassifier embeddings, AiConfig config) {
        this(embeddings::embedding, config.crisis().semantic().enabled(), config.crisis().semantic().threshold(),
                config.crisis().semantic().margin());
    }

    public SemanticCrisisDetector(Function<String, float[]> embed, boolean enabled, double threshold, double margin) {
        this.threshold = threshold;
        this.margin = margin;
        if (enabled) {
            Map<String, List<String>> prototypes = EmotionClassifier.readLabelled("/crisis/prototypes.tsv");
            for (Map.Entry<String, List<String>> e : prototypes.entrySet()) {
                List<float[]> into = "crisis".equals(e.getKey()) ? crisis : benign;
                for (String sentence : e.getValue()) {
                    float[] v = embed.apply(sentence);
                    if (v == null) {
                        crisis.clear();
                        benign.clear();
                        break;
                    }
                    into.add(v);
                }
            }
        }
        this.enabled = enabled && !crisis.isEmpty();
        LOG.infof("Semantic crisis check: %s", this.enabled
                ? crisis.size() + " crisis and " + benign.size() + " benign prototypes, threshold " + threshold + ", margin " + margin
                : "off (phrase list only)");
    }

    public boolean enabled() {
        return enabled;
    }

    /** The closest crisis and benign prototypes' cosine similarity to a normalised embedding. */
    public Score score(float[] v) {
        return new Score(closest(v, crisis), closest(v, benign));
    }

    /** High risk by meaning; false when the check is off or there is no embedding. */
    public boolean highRisk(float[] v) {
        if (!enabled || v == null) {
            return false;
        }
        Score s = score(v);
        return s.crisis() >= threshold && s.crisis() - s.benign() >= margin;
    }

    private static double closest(float[] v, List<float[]> prototypes) {
        double best = -1;
        for (float[] p : prototypes) {
            double dot = 0;
            for (int i = 0; i < v.length; i++) {
                dot += v[i] * p[i];
            }
            best = Math.max(best, dot);
        }
        return best;
    }
}
