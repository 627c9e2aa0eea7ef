package app.oviya.chat.client;

import app.oviya.common.error.GrpcErrors;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ExtractFromTurnResponse;
import app.oviya.memory.v1.MemoryService;
import app.oviya.memory.v1.SearchRequest;
import app.oviya.memory.v1.SearchResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

/**
 * memory-service as chat-service needs it. Search must never hold up a reply: a short deadline,
 * a circuit breaker, and no memories when it fails. Extraction is retried with backoff.
 * Values can be tuned in configuration, e.g. "app.oviya.chat.client.MemoryClient/search/Timeout/value".
 */
@ApplicationScoped
public class MemoryClient {

    private static final Logger LOG = Logger.getLogger(MemoryClient.class);

    private final MemoryService memory;

    public MemoryClient(@GrpcClient("memory") MemoryService memory) {
        this.memory = memory;
    }

    @Timeout(value = 300, unit = ChronoUnit.MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    @Fallback(fallbackMethod = "noMemories")
    public Uni<SearchResponse> search(String userId, String query, int limit) {
        return memory.search(SearchRequest.newBuilder().setUserId(userId).setQuery(query).setLimit(limit).build());
    }

    Uni<SearchResponse> noMemories(String userId, String query, int limit, Throwable failure) {
        LOG.warnf("Replying without memories: memory search failed (%s)", failure.toString());
        return Uni.createFrom().item(SearchResponse.getDefaultInstance());
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 200)
    public Uni<ExtractFromTurnResponse> extract(String userId, String messageId, String userText, String sentAt) {
        return memory.extractFromTurn(ExtractFromTurnRequest.newBuilder()
                        .setUserId(userId).setMessageId(messageId).setUserText(userText).setSentAt(sentAt).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }
}
