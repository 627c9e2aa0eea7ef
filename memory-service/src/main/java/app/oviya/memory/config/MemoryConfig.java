package app.oviya.memory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Search ranking and consolidation thresholds (see memory-service/README.md). */
@ConfigMapping(prefix = "oviya.memory")
public interface MemoryConfig {

    /** Search returns at most this many memories. */
    @WithDefault("20")
    int maxResults();

    Search search();

    Consolidation consolidation();

    interface Search {
        /** score = similarity*w + importance*w + recency*w; the weights sum to 1. */
        @WithDefault("0.7")
        double similarityWeight();

        @WithDefault("0.15")
        double importanceWeight();

        @WithDefault("0.15")
        double recencyWeight();

        /** Recency = 0.5^(age / half-life). */
        @WithDefault("30")
        double recencyHalfLifeDays();

        /** Below this cosine similarity a memory is not relevant to the query, whatever its other merits. */
        @WithDefault("0.3")
        double minSimilarity();

        /** How many nearest neighbours (exact, within the user) are re-ranked by the blend. */
        @WithDefault("100")
        int candidates();
    }

    interface Consolidation {
        /** A new memory this close to a current one of the same kind is the same memory. */
        @WithDefault("0.92")
        double duplicateSimilarity();
    }
}
