package app.oviya.memory.client;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * A language model asked for one JSON object that fills a given JSON schema (Anthropic: a forced
 * tool call; OpenAI-compatible: {@code response_format} json_schema or a forced function call).
 * Fails with {@link ModelCallFailure}; never retries on its own (see {@link GuardedStructuredModel}).
 */
public interface StructuredOutputModel extends AutoCloseable {

    /** "anthropic" or "openai", for logs and metrics. */
    String provider();

    String model();

    Uni<StructuredOutput> call(StructuredRequest request);

    @Override
    default void close() {
    }

    /**
     * @param instructions the extractor's own instructions (the model's system prompt)
     * @param userContent the one user message the model reads: the text to extract from, and its date
     * @param toolName the name the model must call / the schema's name
     * @param schema the JSON schema of the object the model must produce
     */
    record StructuredRequest(String instructions, String userContent, String toolName, String toolDescription, JsonObject schema,
            int maxTokens) {
    }

    /** The object the model produced, which model answered, and what it cost in tokens. */
    record StructuredOutput(JsonObject value, String model, long inputTokens, long outputTokens) {
    }
}
