package app.oviya.ai.service;

import app.oviya.common.concurrent.Offload;
import app.oviya.common.embedding.MiniLm;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Emotion detection with the in-process sentence embedding model (quantized all-MiniLM-L6-v2):
 * each message is compared (cosine) with the centroid of labelled prototype sentences per emotion
 * ({@code emotion/prototypes.tsv}); the lexicon detector adds a small bonus to the label whose cue words
 * appear, and supplies the intensity boosters ("so", "really", "!!"). Inference is CPU-bound, so the async
 * entry point runs on a small bounded pool, never on the event loop. When the model cannot run, the
 * lexicon answers alone.
 */
@ApplicationScoped
public class EmotionClassifier {

    private static final Logger LOG = Logger.getLogger(EmotionClassifier.class);
    static final double LEXICON_BONUS = 0.08;

    private final EmotionDetector lexicon;
    private final EmbeddingModel model;
    private final Map<String, float[]> centroids = new LinkedHashMap<>();
    private final ExecutorService workers;

    @Inject
    public EmotionClassifier(EmotionDetector lexicon) {
        this(lexicon, loadModel());
    }

    /**
     * The in-process model, or null when it cannot load (e.g. its native tokenizer is already bound to another
     * class loader in this JVM, as when tests restart the application): the lexicon then answers alone.
     */
    private static EmbeddingModel loadModel() {
        try {
            return MiniLm.quantized();
        } catch (LinkageError | RuntimeException e) {
            LOG.errorf("Emotion embedding model unavailable, using the lexicon only: %s", e.toString());
            return null;
        }
    }

    public EmotionClassifier(EmotionDetector lexicon, EmbeddingModel model) {
        this.lexicon = lexicon;
        this.model = model;
        Map<String, List<String>> prototypes = model == null ? Map.of() : prototypes();
        prototypes.forEach((label, sentences) -> {
            float[] sum = new float[0];
            for (String s : sentences) {
                float[] v = embed(s);
                if (sum.length == 0) {
                    sum = new float[v.length];
                }
                for (int i = 0; i < v.length; i++) {
                    sum[i] += v[i];
                }
            }
            centroids.put(label, normalize(sum));
        });
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "emotion");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        LOG.infof("Emotion detection: %s", model == null ? "lexicon only" : "embedding prototypes for " + centroids.keySet());
    }

    @PreDestroy
    void close() {
        workers.shutdownNow();
    }

    /** Detection off the event loop. */
    public Uni<EmotionDetector.Emotion> detectAsync(String text) {
        // Back on the caller's Vert.x context afterwards: the usage ledger's reactive session needs it.
        return Offload.toWorker(() -> detect(text), workers);
    }

    /** The emotion and the message's embedding (null when the model is unavailable), computed once. */
    public record Analysis(EmotionDetector.Emotion emotion, float[] vector) {
    }

    /** Emotion and embedding off the event loop; the embedding also serves the semantic crisis check. */
    public Uni<Analysis> analyseAsync(String text) {
        return Offload.toWorker(() -> analyse(text), workers);
    }

    /**
     * {@link #analyseAsync(String)}, reusing the message's vector when another service already computed
     * it with the same model (memory-service embeds the message for the memory search): no second
     * embedding, and nothing to wait for. A vector from another model, or of the wrong size, is ignored.
     */
    public Uni<Analysis> analyseAsync(String text, List<Float> given, String givenModel) {
        float[] v = reusable(given, givenModel);
        if (v == null || text == null || text.isBlank()) {
            return analyseAsync(text);
        }
        return Uni.createFrom().item(new Analysis(detect(text, v), v));
    }

    float[] reusable(List<Float> given, String givenModel) {
        if (model == null || given == null || given.size() != MiniLm.DIMENSION || !MiniLm.MODEL_ID.equals(givenModel)) {
            return null;
        }
        float[] v = new float[given.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = given.get(i);
        }
        return normalize(v);
    }

    Analysis analyse(String text) {
        if (text == null || text.isBlank()) {
            return new Analysis(EmotionDetector.Emotion.NEUTRAL, null);
        }
        float[] v = embedding(text);
        return new Analysis(detect(text, v), v);
    }

    /** The normalised sentence embedding, or null when the model is unavailable or fails. */
    public float[] embedding(String text) {
        if (model == null || text == null || text.isBlank()) {
            return null;
        }
        try {
            return embed(text);
        } catch (RuntimeException e) {
            LOG.warnf("sentence embedding failed: %s", e.toString());
            return null;
        }
    }

    public EmotionDetector.Emotion detect(String text) {
        if (text == null || text.isBlank()) {
            return EmotionDetector.Emotion.NEUTRAL;
        }
        return detect(text, embedding(text));
    }

    private EmotionDetector.Emotion detect(String text, float[] v) {
        EmotionDetector.Emotion cue = lexicon.detect(text);
        if (v == null) {
            return cue;
        }
        String best = "neutral";
        double bestScore = -2;
        double second = -2;
        for (Map.Entry<String, float[]> c : centroids.entrySet()) {
            double score = dot(v, c.getValue()) + (c.getKey().equals(cue.label()) && !"neutral".equals(cue.label()) ? LEXICON_BONUS : 0);
            if (score > bestScore) {
                second = bestScore;
                bestScore = score;
                best = c.getKey();
            } else if (score > second) {
                second = score;
            }
        }
        if ("neutral".equals(best)) {
            return EmotionDetector.Emotion.NEUTRAL;
        }
        double intensity;
        if (best.equals(cue.label())) {
            intensity = cue.intensity();
        } else {
            // No cue words: a clear margin over the runner-up reads as a stronger feeling.
            intensity = Math.min(0.9, 0.35 + 2.0 * Math.max(0, bestScore - second));
        }
        return new EmotionDetector.Emotion(best, Math.round(intensity * 100) / 100.0);
    }

    /** Embedding only, without the lexicon bonus (for the evaluation). */
    String embeddingOnly(String text) {
        float[] v = embed(text);
        String best = "neutral";
        double bestScore = -2;
        for (Map.Entry<String, float[]> c : centroids.entrySet()) {
            double score = dot(v, c.getValue());
            if (score > bestScore) {
                bestScore = score;
                best = c.getKey();
            }
        }
        return best;
    }

    private float[] embed(String text) {
        return normalize(model.embed(TextSegment.from(text)).content().vector());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (n == 0 ? 0 : v[i] / n);
        }
        return out;
    }

    static Map<String, List<String>> prototypes() {
        return readLabelled("/emotion/prototypes.tsv");
    }

    /** Reads label&lt;TAB&gt;sentence lines; '#' starts a comment line. */
    public static Map<String, List<String>> readLabelled(String resource) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (InputStream in = EmotionClassifier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.computeIfAbsent(line.substring(0, tab).strip(), k -> new ArrayList<>()).add(line.substring(tab + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
