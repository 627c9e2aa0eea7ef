package app.oviya.gateway.client;

import app.oviya.common.error.GrpcErrors;
import app.oviya.memory.v1.ForgetAllRequest;
import app.oviya.memory.v1.ForgetRequest;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryPage;
import app.oviya.memory.v1.MemoryService;
import app.oviya.memory.v1.RememberRequest;
import app.oviya.memory.v1.SearchRequest;
import app.oviya.memory.v1.SearchResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Timeout;

/** memory-service as the gateway uses it (the memories API). */
@ApplicationScoped
public class MemoryClient {

    private final MemoryService memory;

    public MemoryClient(@GrpcClient("memory") MemoryService memory) {
        this.memory = memory;
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<SearchResponse> search(String userId, String query, int limit) {
        return memory.search(SearchRequest.newBuilder().setUserId(userId).setQuery(query).setLimit(limit).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<MemoryPage> list(String userId, int limit, String cursor) {
        return memory.list(ListRequest.newBuilder().setUserId(userId).setLimit(limit).setCursor(cursor == null ? "" : cursor).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Memory> remember(String userId, String content) {
        return memory.remember(RememberRequest.newBuilder().setUserId(userId).setContent(content == null ? "" : content).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Void> forget(String userId, String memoryId) {
        return memory.forget(ForgetRequest.newBuilder().setUserId(userId).setMemoryId(memoryId).build()).replaceWithVoid()
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<Void> forgetAll(String userId) {
        return memory.forgetAll(ForgetAllRequest.newBuilder().setUserId(userId).build()).replaceWithVoid()
                .onFailure().transform(GrpcErrors::fromGrpc);
    }
}
