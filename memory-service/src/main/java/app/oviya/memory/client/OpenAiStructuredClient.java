package app.oviya.memory.client;

import app.oviya.common.http.RetryAfter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * An OpenAI-compatible {@code POST {base}/chat/completions} (OpenAI, vLLM, Ollama, llama.cpp server)
 * asked for structured output, non-streaming. Two styles, because servers differ in what they
 * support: {@code json_schema} ({@code response_format} with a strict schema; the object is the
 * message content) or {@code tools} (one function forced with {@code tool_choice}; the object is the
 * call's arguments). Runs on the Vert.x web client; each request has its own timeout.
 */
public final class OpenAiStructuredClient implements StructuredOutputModel {

    public static final String PROVIDER = "openai";

    public enum Style { JSON_SCHEMA, TOOLS;

        public static Style of(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "json_schema" -> JSON_SCHEMA;
                case "tools" -> TOOLS;
                default -> throw new IllegalStateException("oviya.extraction.openai.structured-output must be json_schema or tools, not '" + s + "'");
            };
        }
    }

    private final WebClient web;
    private final String endpoint;
    private final Optional<String> apiKey;
    private final String model;
    private final Duration timeout;
    private final Style style;

    public OpenAiStructuredClient(WebClient web, String baseUrl, Optional<String> apiKey, String model, Duration timeout, Style style) {
        this.web = web;
        this.endpoint = baseUrl.replaceAll("/+$", "") + "/chat/completions";
        this.apiKey = apiKey;
        this.model = model;
        this.timeout = timeout;
        this.style = style;
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

    public static JsonObject body(StructuredRequest r, String model, Style style) {
        JsonObject body = new JsonObject()
                .put("model", model)
                .put("max_tokens", r.maxTokens())
                .put("temperature", 0)
                .put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "system").put("content", r.instructions()))
                        .add(new JsonObject().put("role", "user").put("content", r.userContent())));
        if (style == Style.TOOLS) {
            JsonObject function = new JsonObject().put("name", r.toolName()).put("description", r.toolDescription())
                    .put("parameters", r.schema()).put("strict", true);
            body.put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function", function)));
            body.put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", r.toolName())));
        } else {
            body.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject()
                    .put("name", r.toolName()).put("description", r.toolDescription()).put("schema", r.schema()).put("strict", true)));
        }
        return body;
    }

    @Override
    public Uni<StructuredOutput> call(StructuredRequest request) {
        HttpRequest<Buffer> http = web.postAbs(endpoint).timeout(timeout.toMillis()).putHeader("content-type", "application/json");
        apiKey.filter(k -> !k.isBlank()).ifPresent(k -> http.putHeader("Authorization", "Bearer " + k));
        return http.sendJsonObject(body(request, model, style))
                .onFailure(t -> !(t instanceof ModelCallFailure)).transform(ModelCallFailure::transport)
                .map(resp -> parse(resp, request.toolName()));
    }

    StructuredOutput parse(HttpResponse<Buffer> resp, String toolName) {
        JsonObject json = AnthropicStructuredClient.json(resp.bodyAsString());
        if (resp.statusCode() != 200) {
            JsonObject error = json == null || !(json.getValue("error") instanceof JsonObject e) ? null : e;
            throw ModelCallFailure.http(resp.statusCode(), error == null ? null : error.getString("type"),
                    error == null ? null : error.getString("message"), RetryAfter.parse(resp.getHeader("retry-after")));
        }
        if (json == null || json.getJsonArray("choices") == null || json.getJsonArray("choices").isEmpty()) {
            throw ModelCallFailure.malformed("the answer has no choices");
        }
        JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
        if ("length".equals(choice.getString("finish_reason"))) {
            throw ModelCallFailure.malformed("the answer was cut off (finish_reason length)");
        }
        JsonObject message = choice.getJsonObject("message", new JsonObject());
        if (message.getString("refusal") != null) {
            throw ModelCallFailure.malformed("the model refused: " + message.getString("refusal"));
        }
        String text = null;
        JsonArray calls = message.getJsonArray("tool_calls");
        if (calls != null) {
            for (int i = 0; i < calls.size() && text == null; i++) {
                JsonObject function = calls.getJsonObject(i).getJsonObject("function", new JsonObject());
                if (toolName.equals(function.getString("name"))) {
                    text = function.getString("arguments");
                }
            }
        }
        if (text == null) {
            text = message.getString("content");
        }
        JsonObject value = text == null ? null : AnthropicStructuredClient.json(stripFence(text));
        if (value == null) {
            throw ModelCallFailure.malformed("the message holds no JSON object");
        }
        JsonObject usage = json.getJsonObject("usage", new JsonObject());
        return new StructuredOutput(value, json.getString("model", model),
                usage.getLong("prompt_tokens", 0L), usage.getLong("completion_tokens", 0L));
    }

    /** Some local servers wrap JSON in a Markdown code fence even in JSON mode. */
    static String stripFence(String s) {
        String t = s.strip();
        if (t.startsWith("```")) {
            t = t.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        return t;
    }
}
