package app.oviya.memory.client;

import io.smallrye.mutiny.Uni;
import java.util.List;

/** Turns text into unit-length vectors. Failures surface as ServiceException UNAVAILABLE. */
public interface EmbeddingModel {

    /** The length of the vectors this model returns. */
    int dimension();

    /** The model's name, handed on with its vectors so a receiver can tell whether they match its own. */
    String name();

    Uni<List<float[]>> embedAll(List<String> texts);

    default Uni<float[]> embed(String text) {
        return embedAll(List.of(text)).map(l -> l.get(0));
    }

    /** A search query: someone is waiting for it, so it may go before stored memories. */
    default Uni<float[]> embedQuery(String text) {
        return embed(text);
    }

    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        if (sum == 0) {
            return v;
        }
        float inv = (float) (1.0 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
