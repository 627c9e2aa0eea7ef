package app.oviya.common.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tuned session computes what langchain4j's default one does: only the threading differs. */
class MiniLmTest {

    static final List<String> TEXTS = List.of("my sister Priya moved to Berlin", "I feel so alone tonight", "hi",
            "I had a rough day at work and my manager yelled at me in front of everyone");

    @Test
    void sameVectorsAsLangchain4jsDefaultSession() {
        EmbeddingModel tuned = MiniLm.quantized();
        EmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        assertEquals(MiniLm.DIMENSION, tuned.dimension());
        for (String text : TEXTS) {
            float[] a = tuned.embed(text).content().vector();
            float[] b = reference.embed(text).content().vector();
            assertEquals(MiniLm.DIMENSION, a.length);
            assertTrue(cosine(a, b) > 0.9999, text + ": cosine " + cosine(a, b));
        }
    }

    @Test
    void batchesAreEmbeddedInOrder() {
        EmbeddingModel tuned = MiniLm.quantized();
        List<Embedding> batch = tuned.embedAll(TEXTS.stream().map(TextSegment::from).toList()).content();
        assertEquals(TEXTS.size(), batch.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertTrue(cosine(batch.get(i).vector(), tuned.embed(TEXTS.get(i)).content().vector()) > 0.9999, TEXTS.get(i));
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
