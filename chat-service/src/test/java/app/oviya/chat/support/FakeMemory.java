package app.oviya.chat.support;

import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ExtractFromTurnResponse;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryServiceGrpc;
import app.oviya.memory.v1.SearchRequest;
import app.oviya.memory.v1.SearchResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scriptable memory-service: search answers, fails or is slow; extraction requests are recorded. */
public final class FakeMemory extends MemoryServiceGrpc.MemoryServiceImplBase {

    public enum SearchMode { MEMORIES, FAIL, SLOW }

    public static final String MEMORY = "User likes green tea";

    /** What the fake answers as the query's embedding (a real one has 384 dimensions; chat-service only hands it on). */

    public static final List<Float> QUERY_EMBEDDING = List.of(0.6f, 0.8f, 0f);

    public static final String EMBEDDING_MODEL = "all-minilm-l6-v2-q";
    /** Well beyond chat-service's 300 ms search deadline. */
    public static final long SLOW_MILLIS = 2_000;

    public static volatile SearchMode searchMode = SearchMode.MEMORIES;
    public static final List<SearchRequest> SEARCHES = new CopyOnWriteArrayList<>();
    public static final List<ExtractFromTurnRequest> EXTRACTIONS = new CopyOnWriteArrayList<>();

    public static void reset() {
        searchMode = SearchMode.MEMORIES;
        SEARCHES.clear();
        EXTRACTIONS.clear();
    }

    public static List<ExtractFromTurnRequest> extractionsOf(String userId) {
        return EXTRACTIONS.stream().filter(r -> r.getUserId().equals(userId)).toList();
    }

    public static List<SearchRequest> searchesOf(String userId) {
        return SEARCHES.stream().filter(r -> r.getUserId().equals(userId)).toList();
    }

    @Override
    public void search(SearchRequest request, StreamObserver<SearchResponse> out) {
        SEARCHES.add(request);
        switch (searchMode) {
            case FAIL -> out.onError(Status.UNAVAILABLE.withDescription("fake memory-service is down").asRuntimeException());
            case SLOW -> {
                try {
                    Thread.sleep(SLOW_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(out);
            }
            default -> answer(out);
        }
    }

    private static void answer(StreamObserver<SearchResponse> out) {
        out.onNext(SearchResponse.newBuilder().addItems(Memory.newBuilder().setId(UUID.randomUUID().toString())
                .setContent(MEMORY).setKind("preference").setImportance(0.6).setScore(0.9))
                .addAllQueryEmbedding(QUERY_EMBEDDING).setEmbeddingModel(EMBEDDING_MODEL).build());
        out.onCompleted();
    }

    @Override
    public void extractFromTurn(ExtractFromTurnRequest request, StreamObserver<ExtractFromTurnResponse> out) {
        EXTRACTIONS.add(request);
        out.onNext(ExtractFromTurnResponse.getDefaultInstance());
        out.onCompleted();
    }
}
