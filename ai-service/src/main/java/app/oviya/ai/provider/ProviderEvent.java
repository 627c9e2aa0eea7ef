package app.oviya.ai.provider;

/** What a provider streams: pieces of text, then one {@link Done}. */
public sealed interface ProviderEvent {

    record Delta(String text) implements ProviderEvent {
    }

    record Done(String model, long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
            String stopReason) implements ProviderEvent {
    }
}
