package app.oviya.memory.client;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * An OpenAI-compatible {@code POST /v1/embeddings}. Each attempt has a timeout; timeouts, connection
 * failures, 429 and 5xx are retried with backoff; anything left is UNAVAILABLE. Other 4xx (bad key,
 * bad model) are not retried: retrying cannot fix them, and they are still UNAVAILABLE to callers.
 */
public class OpenAiEmbeddingModel implements EmbeddingModel {

    private static final Logger LOG = Logger.getLogger(OpenAiEmbeddingModel.class);

    private final HttpClient http;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final String model;
    private final int dimension;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration backoff;

    public OpenAiEmbeddingModel(String baseUrl, Optional<String> apiKey, String model, int dimension,
            Duration timeout, int maxRetries, Duration backoff) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.endpoint = URI.create(base.endsWith("/v1") ? base + "/embeddings" : base + "/v1/embeddings");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.apiKey = apiKey;
        this.model = model;
        this.dimension = dimension;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String name() {
        return model;
    }

    /** Retryable: the provider may answer next time. */
    static final class TransientFailure extends RuntimeException {
        TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Uni<List<float[]>> embedAll(List<String> texts) {
        JsonObject body = new JsonObject().put("model", model).put("input", new JsonArray(new ArrayList<>(texts)));
        if (dimension > 0 && !model.startsWith("text-embedding-ada")) {
            body.put("dimensions", dimension);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        apiKey.filter(k -> !k.isBlank()).ifPresent(k -> req.header("Authorization", "Bearer " + k));
        HttpRequest request = req.build();
        Context context = Vertx.currentContext();

        Uni<List<float[]>> call = Uni.createFrom().deferred(() -> Uni.createFrom()
                .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString())))
                .onFailure().transform(t -> t instanceof HttpTimeoutException || t instanceof java.io.IOException
                        || t.getCause() instanceof java.io.IOException
                        ? new TransientFailure("embedding request failed: " + t, t) : t)
                .map(resp -> parse(resp, texts.size()))
                .ifNoItem().after(timeout.plusMillis(500)).failWith(() -> new TransientFailure("embedding request timed out", null))
                .onFailure(TransientFailure.class).retry().withBackOff(backoff, backoff.multipliedBy(10)).atMost(maxRetries)
                .onFailure().transform(t -> {
                    if (t instanceof ServiceException) {
                        return t;
                    }
                    LOG.warnf("Embedding provider failed after retries: %s", t.getMessage());
                    return new ServiceException(ErrorCode.UNAVAILABLE, "The embedding provider is unavailable.", null, t);
                });
        // The HTTP client completes on its own threads: come back to the caller's context.
        return context == null ? call : call.emitOn(app.oviya.common.concurrent.Offload.backTo(context));
    }

    private List<float[]> parse(HttpResponse<String> resp, int expected) {
        int status = resp.statusCode();
        if (status == 429 || status >= 500) {
            throw new TransientFailure("embedding provider answered " + status, null);
        }
        if (status != 200) {
            LOG.warnf("Embedding provider refused the request: HTTP %d", status);
            throw new ServiceException(ErrorCode.UNAVAILABLE, "The embedding provider refused the request (HTTP " + status + ").");
        }
        JsonArray data;
        try {
            data = new JsonObject(resp.body()).getJsonArray("data");
        } catch (RuntimeException e) {
            throw new TransientFailure("embedding provider sent an unreadable body", e);
        }
        if (data == null || data.size() != expected) {
            throw new TransientFailure("embedding provider sent " + (data == null ? 0 : data.size()) + " embeddings for " + expected, null);
        }
        float[][] out = new float[expected][];
        for (int i = 0; i < data.size(); i++) {
            JsonObject item = data.getJsonObject(i);
            int index = item.getInteger("index", i);
            JsonArray values = item.getJsonArray("embedding");
            float[] v = new float[values.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = values.getNumber(j).floatValue();
            }
            if (v.length != dimension) {
                throw new ServiceException(ErrorCode.UNAVAILABLE, "The embedding provider returned " + v.length
                        + " dimensions; the service is configured for " + dimension + ".");
            }
            out[index] = EmbeddingModel.normalize(v);
        }
        return List.of(out);
    }
}
