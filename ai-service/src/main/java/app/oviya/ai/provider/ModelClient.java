package app.oviya.ai.provider;

import io.smallrye.mutiny.Multi;

/** The raw streaming call to one network provider, for one model; resilience is added by {@link ResilientProvider}. */
public interface ModelClient {

    String name();

    String primaryModel();

    /** The smaller model to try when the primary one is out of capacity, or null. */
    String fallbackModel();

    /**
     * Streams {@link ProviderEvent.Delta}s and exactly one final {@link ProviderEvent.Done}, or fails with a
     * {@link ProviderException}. Cancelling the subscription aborts the HTTP request.
     */
    Multi<ProviderEvent> stream(CompanionTurn turn, String model);
}
