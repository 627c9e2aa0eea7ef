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

/**
 * OpenAI-compatible chat completions, streaming (vLLM, Ollama, llama.cpp server, OpenAI itself): POST
 * {base}/chat/completions with {@code stream: true} and {@code stream_options.include_usage}; SSE lines
 * {@code data: {chunk}} with {@code choices[0].delta.content}, a final usage chunk, then {@code data: [DONE]}.
 * Errors: non-200 JSON {@code {"error":{"message","type","code"}}} with {@code retry-after}, or an
 * {@code error} object inside a data line. Same Vert.x approach and failure classification as {@link AnthropicClient}.
 */
public final class OpenAiClient implements ModelClient {

    public static final String NAME = "openai";

    public record Settings(String baseUrl, String apiKey, String model, String fallbackModel, int maxTokens,
            Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout) {
    }

    private final Vertx vertx;
    private final Settings settings;
    private final HttpClient http;

    public OpenAiClient(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis()).setKeepAlive(true).setMaxPoolSize(64));
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

    static JsonObject body(CompanionTurn turn, String model, int maxTokens) {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", turn.systemPrompt()));
        for (CompanionTurn.Turn t : turn.history()) {
            messages.add(new JsonObject().put("role", t.role()).put("content", t.content()));
        }
        String user = turn.turnContext() == null || turn.turnContext().isBlank() ? turn.userMessage()
                : turn.turnContext() + "\n\n" + turn.userMessage();
        messages.add(new JsonObject().put("role", "user").put("content", user));
        return new JsonObject().put("model", model).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true))
                .put("max_tokens", turn.maxTokens() > 0 ? turn.maxTokens() : maxTokens)
                .put("messages", messages);
    }

    @Override
    public Multi<ProviderEvent> stream(CompanionTurn turn, String model) {
        return Multi.createFrom().emitter(emitter -> start(emitter, turn, model));
    }

    private void start(MultiEmitter<? super ProviderEvent> emitter, CompanionTurn turn, String model) {
        Buffer payload = body(turn, model, settings.maxTokens()).toBuffer();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(settings.baseUrl().replaceAll("/+$", "") + "/chat/completions")
                .setIdleTimeout(settings.idleTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream");
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            options.putHeader("authorization", "Bearer " + settings.apiKey());
        }
        SseExchange.start(vertx, http, options, payload, settings.firstTokenTimeout(), "the model server", emitter,
                exchange -> new Stream(exchange, model));
    }

    static ProviderException httpError(int status, String retryAfter, String body) {
        String type = "api_error";
        String message = "HTTP " + status;
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            if (error != null) {
                type = error.getString("type", type);
                message = error.getString("message", message);
            }
        } catch (RuntimeException notJson) {
            // Some servers answer plain text.
        }
        if (status == 429) {
            type = "rate_limit_error";
        } else if (status == 503 || status == 529) {
            type = "overloaded_error";
        }
        return new ProviderException(ProviderException.Kind.HTTP, status, type, message, RetryAfter.parse(retryAfter),
                null);
    }

    /** One reply's parsing state; the exchange owns the connection and the ending. */
    private static final class Stream implements SseExchange.Protocol {
        final SseExchange exchange;
        String model;
        long input;
        long output;
        long cached;
        String stopReason;

        Stream(SseExchange exchange, String model) {
            this.exchange = exchange;
            this.model = model;
        }

        @Override
        public void onEvent(String event, String data) {
            if ("[DONE]".equals(data.strip())) {
                complete();
                return;
            }
            JsonObject chunk;
            try {
                chunk = new JsonObject(data);
            } catch (RuntimeException e) {
                return;
            }
            JsonObject error = chunk.getJsonObject("error");
            if (error != null) {
                String type = error.getString("type", "api_error");
                exchange.fail(new ProviderException(ProviderException.Kind.STREAM_ERROR,
                        type.contains("overloaded") ? 529 : type.contains("rate") ? 429 : 500, type,
                        error.getString("message", type), null, null));
                return;
            }
            model = chunk.getString("model", model);
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices != null && !choices.isEmpty()) {
                JsonObject choice = choices.getJsonObject(0);
                JsonObject delta = choice.getJsonObject("delta");
                if (delta != null && delta.getValue("content") instanceof String text) {
                    exchange.delta(text);
                }
                if (choice.getValue("finish_reason") instanceof String reason) {
                    stopReason = "length".equals(reason) ? "max_tokens" : "stop".equals(reason) ? "end_turn" : reason;
                }
            }
            JsonObject usage = chunk.getJsonObject("usage");
            if (usage != null) {
                input = usage.getValue("prompt_tokens") instanceof Number n ? n.longValue() : input;
                output = usage.getValue("completion_tokens") instanceof Number n ? n.longValue() : output;
                JsonObject details = usage.getJsonObject("prompt_tokens_details");
                if (details != null && details.getValue("cached_tokens") instanceof Number n) {
                    cached = n.longValue();
                }
            }
        }

        /** Some servers end the body without [DONE]; a finish_reason is enough to call it complete. */
        @Override
        public void onEndOfBody() {
            if (stopReason != null) {
                complete();
            } else {
                exchange.fail(ProviderException.connection("the model server stream ended before the reply finished", null));
            }
        }

        @Override
        public ProviderException httpError(HttpClientResponse response, String body) {
            return OpenAiClient.httpError(response.statusCode(), response.getHeader("retry-after"), body);
        }

        private void complete() {
            if (stopReason == null) {
                exchange.fail(ProviderException.protocol("[DONE] without a finish_reason"));
                return;
            }
            // OpenAI counts cached prompt tokens inside prompt_tokens; report them as cache reads.
            exchange.complete(new ProviderEvent.Done(model, input - cached, output, cached, 0, stopReason));
        }
    }
}
