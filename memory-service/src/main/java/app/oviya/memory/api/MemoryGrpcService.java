package app.oviya.memory.api;

import app.oviya.memory.repository.MemoryEntity;
import app.oviya.memory.service.MemoryService;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ExtractFromTurnResponse;
import app.oviya.memory.v1.ForgetAllRequest;
import app.oviya.memory.v1.ForgetRequest;
import app.oviya.memory.v1.ForgetResponse;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryPage;
import app.oviya.memory.v1.RememberRequest;
import app.oviya.memory.v1.SearchRequest;
import app.oviya.memory.v1.SearchResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class MemoryGrpcService implements app.oviya.memory.v1.MemoryService {

    private final MemoryService memories;

    public MemoryGrpcService(MemoryService memories) {
        this.memories = memories;
    }

    @Override
    public Uni<SearchResponse> search(SearchRequest request) {
        return Uni.createFrom().deferred(() -> memories.search(request.getUserId(), request.getQuery(), request.getLimit()))
                .map(found -> {
                    SearchResponse.Builder b = SearchResponse.newBuilder();
                    found.items().forEach(s -> b.addItems(toProto(s.memory()).toBuilder().setScore(s.score()).setSimilarity(s.similarity())));
                    if (found.queryVector() != null) {
                        for (float x : found.queryVector()) {
                            b.addQueryEmbedding(x);
                        }
                        b.setEmbeddingModel(found.embeddingModel());
                    }
                    return b.build();
                });
    }

    @Override
    public Uni<MemoryPage> list(ListRequest request) {
        return Uni.createFrom().deferred(() -> memories.list(request.getUserId(), request.getLimit(), request.getCursor(), request.getCategory()))
                .map(page -> {
                    MemoryPage.Builder b = MemoryPage.newBuilder().setNextCursor(page.nextCursor());
                    page.items().forEach(m -> b.addItems(toProto(m)));
                    return b.build();
                });
    }

    @Override
    public Uni<Memory> remember(RememberRequest request) {
        return Uni.createFrom().deferred(() -> memories.remember(request.getUserId(), request.getContent(), "note", 0.7f, null))
                .map(MemoryGrpcService::toProto);
    }

    @Override
    public Uni<ExtractFromTurnResponse> extractFromTurn(ExtractFromTurnRequest request) {
        return Uni.createFrom().deferred(() -> memories.extract(request.getUserId(), request.getMessageId(), request.getUserText(), request.getSentAt()))
                .map(list -> {
                    ExtractFromTurnResponse.Builder b = ExtractFromTurnResponse.newBuilder();
                    list.forEach(m -> b.addStored(toProto(m)));
                    return b.build();
                });
    }

    @Override
    public Uni<ForgetResponse> forget(ForgetRequest request) {
        return Uni.createFrom().deferred(() -> memories.forget(request.getUserId(), request.getMemoryId()))
                .map(n -> ForgetResponse.newBuilder().setDeleted(n).build());
    }

    @Override
    public Uni<ForgetResponse> forgetAll(ForgetAllRequest request) {
        return Uni.createFrom().deferred(() -> memories.forgetAll(request.getUserId()))
                .map(n -> ForgetResponse.newBuilder().setDeleted(n).build());
    }

    static Memory toProto(MemoryEntity m) {
        Memory.Builder b = Memory.newBuilder()
                .setId(m.id.toString())
                .setContent(m.content)
                .setKind(m.kind)
                .setImportance(m.importance)
                .setCreatedAt(m.createdAt.toString());
        if (m.sourceMessageId != null) {
            b.setSourceMessageId(m.sourceMessageId.toString());
        }
        if (m.category != null) {
            b.setCategory(m.category);
        }
        b.setSensitive(m.sensitive);
        if (m.validUntil != null) {
            b.setValidUntil(m.validUntil.toString());
        }
        if (m.eventDate != null) {
            b.setEventDate(m.eventDate.toString());
        }
        return b.build();
    }
}
