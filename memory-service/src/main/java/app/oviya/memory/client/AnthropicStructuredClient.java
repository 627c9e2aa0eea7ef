package app.oviya.memory.client;

import app.oviya.common.http.RetryAfter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Optional;

/**
 * Anthropic Messages API, non-streaming, with structured output through a forced tool call: the
 * request declares one tool whose {@code input_schema} is the schema to fill and sets
 * {@code tool_choice: {"type":"tool","name":...}}; the answer is a {@code tool_use} content block with
 * {@code stop_reason: "tool_use"} whose {@code input} is the object. Runs on the Vert.x web client
 * (no thread is blocked); each request has its own timeout.
 */
public final class AnthropicStructuredClient implements StructuredOutputModel {

    public static final String PROVIDER = "anthropic";
    static final String API_VERSION = "2023-06-01";

    private final WebClient web;
    private final String endpoint;
    private final Optional<String> apiKey;
    private final String model;
    private final Duration timeout;

    public AnthropicStructuredClient(WebClient web, String baseUrl, Optional<String> apiKey, String model, Duration timeout) {
        this.web = web;
        this.endpoint = baseUrl.replaceAll("/+$", "") + "/v1/messages";
        this.apiKey = apiKey;
        this.model = model;
        this.timeout = timeout;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String model() {
        return model;
    }

    /** The web client is this client's own: closing it releases the connection pool. */
    @Override
    public void close() {
        web.close();
    }

    /** The request body; public so tests can see exactly what is sent. */
    public static JsonObject body(StructuredRequest r, String model) {
        JsonObject tool = new JsonObject()
                .put("name", r.toolName())
                .put("description", r.toolDescription())
                .put("input_schema", r.schema());
        return new JsonObject()
                .put("model", model)
                .put("max_tokens", r.maxTokens())
                .put("temperature", 0)
                .put("system", r.instructions())
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", r.userContent())))
                .put("tools", new JsonArray().add(tool))
                .put("tool_choice", new JsonObject().put("type", "tool").put("name", r.toolName()));
    }

    @Override
    public Uni<StructuredOutput> call(StructuredRequest request) {
        return web.postAbs(endpoint)
                .timeout(timeout.toMillis())
                .putHeader("x-api-key", apiKey.orElse(""))
                .putHeader("anthropic-version", API_VERSION)
                .putHeader("content-type", "application/json")
                .sendJsonObject(body(request, model))
                .onFailure(t -> !(t instanceof ModelCallFailure)).transform(ModelCallFailure::transport)
                .map(resp -> parse(resp, request.toolName()));
    }

    StructuredOutput parse(HttpResponse<Buffer> resp, String toolName) {
        JsonObject json = json(resp.bodyAsString());
        if (resp.statusCode() != 200) {
            JsonObject error = json == null ? null : json.getJsonObject("error");
            throw ModelCallFailure.http(resp.statusCode(), error == null ? null : error.getString("type"),
                    error == null ? null : error.getString("message"), RetryAfter.parse(resp.getHeader("retry-after")));
        }
        if (json == null) {
            throw ModelCallFailure.malformed("the answer is not JSON");
        }
        // A forced tool call ends with stop_reason "tool_use"; "max_tokens" means the input was cut off.
        String stop = json.getString("stop_reason");
        if (!"tool_use".equals(stop)) {
            throw ModelCallFailure.malformed("stop_reason is " + stop + ", not tool_use");
        }
        JsonArray content = json.getJsonArray("content", new JsonArray());
        for (int i = 0; i < content.size(); i++) {
            if (content.getValue(i) instanceof JsonObject block && "tool_use".equals(block.getString("type"))
                    && toolName.equals(block.getString("name"))) {
                if (!(block.getValue("input") instanceof JsonObject input)) {
                    throw ModelCallFailure.malformed("the tool_use block has no input object");
                }
                JsonObject usage = json.getJsonObject("usage", new JsonObject());
                return new StructuredOutput(input, json.getString("model", model),
                        usage.getLong("input_tokens", 0L), usage.getLong("output_tokens", 0L));
            }
        }
        throw ModelCallFailure.malformed("no tool_use block for " + toolName);
    }

    static JsonObject json(String body) {
        try {
            return body == null || body.isBlank() ? null : new JsonObject(body);
        } catch (RuntimeException notJson) {
            // Proxies and gateways in front of the API answer HTML.
            return null;
        }
    }
}
