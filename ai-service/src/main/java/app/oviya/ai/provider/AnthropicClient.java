package app.oviya.ai.provider;

import app.oviya.common.http.RetryAfter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Anthropic Messages API, streaming over SSE, on the Vert.x HTTP client already in the application
 * (no extra threads, cancellation = resetting the request, native-friendly). Handles the documented
 * event sequence, ignores pings and unknown events, turns {@code error} events after a 200 and non-200
 * answers into {@link ProviderException}s carrying {@code retry-after}, and reports usage including
 * prompt-cache reads and writes. Puts {@code cache_control} breakpoints on the persona and on the end of
 * the history, so each turn only pays full price for what is new.
 */
public final class AnthropicClient implements ModelClient {

    private static final Logger LOG = Logger.getLogger(AnthropicClient.class);
    public static final String NAME = "anthropic";
    static final String API_VERSION = "2023-06-01";

    public record Settings(String baseUrl, String apiKey, String model, String fallbackModel, int maxTokens,
            Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout, boolean promptCaching) {
    }

    private final Vertx vertx;
    private final Settings settings;
    private final HttpClient http;

    public AnthropicClient(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(64));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String primaryModel() {
        return settings.model();
    }

    @Override
    public String fallbackModel() {
        return settings.fallbackModel();
    }

    /** The request body; public so benchmarks and tests can inspect exactly what is sent. */
    public static JsonObject body(CompanionTurn turn, String model, int maxTokens, boolean caching) {
        String prompt = turn.systemPrompt();
        int shared = Math.max(0, Math.min(turn.sharedSystemChars(), prompt.length()));
        JsonArray systemBlocks = new JsonArray();
        if (shared > 0 && shared < prompt.length() && !prompt.substring(shared).isBlank()) {
            // The persona, the same for everyone, is its own cached block: one cache entry shared by all
            // conversations; the per-user rest (name, custom style) follows it.
            JsonObject persona = new JsonObject().put("type", "text").put("text", prompt.substring(0, shared));
            if (caching) {
                persona.put("cache_control", ephemeral());
            }
            systemBlocks.add(persona).add(new JsonObject().put("type", "text").put("text", prompt.substring(shared)));
        } else {
            JsonObject system = new JsonObject().put("type", "text").put("text", prompt);
            if (caching) {
                system.put("cache_control", ephemeral());
            }
            systemBlocks.add(system);
        }
        JsonArray messages = new JsonArray();
        for (int i = 0; i < turn.history().size(); i++) {
            CompanionTurn.Turn t = turn.history().get(i);
            JsonObject block = new JsonObject().put("type", "text").put("text", t.content());
            if (caching && i == turn.history().size() - 1) {
                // Second breakpoint: everything up to the previous reply is read from the cache next turn.
                block.put("cache_control", ephemeral());
            }
            messages.add(new JsonObject().put("role", t.role()).put("content", new JsonArray().add(block)));
        }
        JsonArray current = new JsonArray();
        if (turn.turnContext() != null && !turn.turnContext().isBlank()) {
            current.add(new JsonObject().put("type", "text").put("text", turn.turnContext()));
        }
        current.add(new JsonObject().put("type", "text").put("text", turn.userMessage()));
        messages.add(new JsonObject().put("role", "user").put("content", current));
        return new JsonObject()
                .put("model", model)
                .put("max_tokens", turn.maxTokens() > 0 ? turn.maxTokens() : maxTokens)
                .put("stream", true)
                .put("system", systemBlocks)
                .put("messages", messages);
    }

    private static JsonObject ephemeral() {
        return new JsonObject().put("type", "ephemeral");
    }

    @Override
    public Multi<ProviderEvent> stream(CompanionTurn turn, String model) {
        return Multi.createFrom().emitter(emitter -> start(emitter, turn, model));
    }

    private void start(MultiEmitter<? super ProviderEvent> emitter, CompanionTurn turn, String model) {
        Buffer payload = body(turn, model, settings.maxTokens(), settings.promptCaching()).toBuffer();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(settings.baseUrl().replaceAll("/+$", "") + "/v1/messages")
                .setIdleTimeout(settings.idleTimeout().toMillis())
                .putHeader("x-api-key", settings.apiKey() == null ? "" : settings.apiKey())
                .putHeader("anthropic-version", API_VERSION)
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream");
        SseExchange.start(vertx, http, options, payload, settings.firstTokenTimeout(), "Anthropic", emitter,
                exchange -> new Stream(exchange, model));
    }

    static ProviderException httpError(HttpClientResponse response, String body) {
        String type = "api_error";
        String message = "HTTP " + response.statusCode();
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            if (error != null) {
                type = error.getString("type", type);
                message = error.getString("message", message);
            }
        } catch (RuntimeException notJson) {
            // Proxies in front of the API answer HTML; the status says enough.
        }
        Duration retryAfter = RetryAfter.parse(response.getHeader("retry-after"));
        if (response.statusCode() == 429) {
            LOG.warnf("Anthropic rate limited: requests remaining=%s tokens remaining=%s retry-after=%s",
                    response.getHeader("anthropic-ratelimit-requests-remaining"),
                    response.getHeader("anthropic-ratelimit-tokens-remaining"), retryAfter);
        }
        return new ProviderException(ProviderException.Kind.HTTP, response.statusCode(), type, message, retryAfter, null);
    }

    /** One reply's parsing state; the exchange owns the connection and the ending. */
    private static final class Stream implements SseExchange.Protocol {
        final SseExchange exchange;
        String model;
        long input;
        long output;
        long cacheRead;
        long cacheWrite;
        String stopReason = "end_turn";

        Stream(SseExchange exchange, String model) {
            this.exchange = exchange;
            this.model = model;
        }

        @Override
        public void onEvent(String event, String data) {
            JsonObject json;
            try {
                json = new JsonObject(data);
            } catch (RuntimeException e) {
                LOG.debugf("ignoring undecodable SSE event %s", event);
                return;
            }
            String type = json.getString("type", event);
            switch (type) {
                case "message_start" -> {
                    JsonObject message = json.getJsonObject("message", new JsonObject());
                    model = message.getString("model", model);
                    usage(message.getJsonObject("usage"));
                }
                case "content_block_start" -> {
                    JsonObject block = json.getJsonObject("content_block", new JsonObject());
                    if ("text".equals(block.getString("type"))) {
                        exchange.delta(block.getString("text", ""));
                    }
                }
                case "content_block_delta" -> {
                    JsonObject d = json.getJsonObject("delta", new JsonObject());
                    if ("text_delta".equals(d.getString("type"))) {
                        exchange.delta(d.getString("text", ""));
                    }
                }
                case "message_delta" -> {
                    JsonObject d = json.getJsonObject("delta", new JsonObject());
                    if (d.getString("stop_reason") != null) {
                        stopReason = d.getString("stop_reason");
                    }
                    usage(json.getJsonObject("usage"));
                }
                case "message_stop" -> exchange.complete(new ProviderEvent.Done(model, input, output, cacheRead, cacheWrite, stopReason));
                case "error" -> {
                    JsonObject error = json.getJsonObject("error", new JsonObject());
                    String errorType = error.getString("type", "api_error");
                    exchange.fail(new ProviderException(ProviderException.Kind.STREAM_ERROR, ProviderException.statusOf(errorType),
                            errorType, error.getString("message", errorType), null, null));
                }
                default -> {
                    // ping, content_block_stop and event types added after this code was written.
                }
            }
        }

        @Override
        public void onEndOfBody() {
            exchange.fail(ProviderException.connection("the Anthropic stream ended before message_stop", null));
        }

        @Override
        public ProviderException httpError(HttpClientResponse response, String body) {
            return AnthropicClient.httpError(response, body);
        }

        private void usage(JsonObject usage) {
            if (usage == null) {
                return;
            }
            // message_delta usage is cumulative; take the latest non-null value of each counter.
            input = count(usage, "input_tokens", input);
            output = count(usage, "output_tokens", output);
            cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
            cacheWrite = count(usage, "cache_creation_input_tokens", cacheWrite);
        }

        private static long count(JsonObject usage, String key, long previous) {
            return usage.getValue(key) instanceof Number n ? n.longValue() : previous;
        }
    }
}
