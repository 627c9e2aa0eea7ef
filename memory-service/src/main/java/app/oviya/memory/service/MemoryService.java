package app.oviya.memory.service;

import app.oviya.common.error.ServiceException;
import app.oviya.common.metrics.TurnClock;
import app.oviya.memory.repository.MemoryEntity;
import app.oviya.memory.client.EmbeddingModel;
import app.oviya.memory.config.MemoryConfig;
import app.oviya.memory.repository.MemoryRepository;
import app.oviya.memory.repository.VectorStore;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Stores, finds and forgets one user's memories: embeds them, consolidates new ones with what is
 * already known, ranks search results by a blend of similarity, importance and recency.
 */
@ApplicationScoped
public class MemoryService {

    static final int MAX_CONTENT = 2000;
    static final Set<String> SENSITIVE = Set.of("health", "mental_health", "trauma", "bereavement", "sexuality", "religion");

    private final MemoryRepository memories;
    private final VectorStore vectors;
    private final Extractor extractor;
    private final EmbeddingModel embeddings;
    private final MemoryConfig config;
    private final MeterRegistry metrics;

    public MemoryService(MemoryRepository memories, VectorStore vectors, Extractor extractor, EmbeddingModel embeddings,
            MemoryConfig config, MeterRegistry metrics) {
        this.metrics = metrics;
        this.memories = memories;
        this.vectors = vectors;
        this.extractor = extractor;
        this.embeddings = embeddings;
        this.config = config;
    }

    public record Scored(MemoryEntity memory, double score, double similarity) {
    }

    /** Search results, and the query's embedding with the name of its model (both null for an empty query). */
    public record Found(List<Scored> items, float[] queryVector, String embeddingModel) {
    }

    public record Page(List<MemoryEntity> items, String nextCursor) {
    }

    /** An explicit memory ("remember this"): stored as said, never merged away. */
    public Uni<MemoryEntity> remember(String userId, String content, String kind, float importance, String sourceMessageId) {
        UUID user = parseUser(userId);
        String text = content == null ? "" : content.strip();
        if (text.isEmpty()) {
            throw ServiceException.validation("content is required");
        }
        if (text.length() > MAX_CONTENT) {
            throw ServiceException.validation("content must be at most " + MAX_CONTENT + " characters");
        }
        MemoryEntity m = newMemory(user, text, kind, importance,
                sourceMessageId == null || sourceMessageId.isBlank() ? null : parseId(sourceMessageId));
        tag(m, RuleBasedExtractor.category(text));
        return embeddings.embed(text)
                .chain(vector -> vectors.inTransaction(c -> vectors.insert(c, m, vector)))
                .replaceWith(m)
                .onFailure().transform(Failures::toService);
    }

    /**
     * Stores what the extractor (rules, or a model with the rules as fallback) finds in the user's own
     * words, consolidated with the user's current memories: a repeat is skipped, a new value for a
     * known subject supersedes the old one.
     */
    public Uni<List<MemoryEntity>> extract(String userId, String messageId, String userText, String sentAt) {
        UUID user = parseUser(userId);
        UUID source = messageId == null || messageId.isBlank() ? null : parseMessageId(messageId);
        Extractor.Turn turn = new Extractor.Turn(userText == null ? "" : userText, sentAt(sentAt));
        return extractor.extract(turn).chain(candidates -> candidates.isEmpty()
                ? Uni.createFrom().item(List.<MemoryEntity>of())
                : store(user, source, candidates));
    }

    private Uni<List<MemoryEntity>> store(UUID user, UUID source, List<Candidate> candidates) {
        return embeddings.embedAll(candidates.stream().map(Candidate::content).toList())
                .chain(vectorList -> vectors.inTransaction(c -> {
                    List<MemoryEntity> stored = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (int i = 0; i < candidates.size(); i++) {
                        Candidate cand = candidates.get(i);
                        float[] vector = vectorList.get(i);
                        chain = chain.chain(() -> consolidate(c, user, source, cand, vector)).invoke(m -> {
                            if (m != null) {
                                stored.add(m);
                            }
                        }).replaceWithVoid();
                    }
                    return chain.replaceWith(stored);
                }))
                .onFailure().transform(Failures::toService);
    }

    private Uni<MemoryEntity> consolidate(SqlClient c, UUID user, UUID source, Candidate cand, float[] vector) {
        MemoryEntity m = newMemory(user, cand.content(), cand.kind(), cand.importance(), source);
        m.subject = cand.subject();
        m.eventDate = cand.eventDate();
        tag(m, cand.category());
        Uni<MemoryEntity> sameSubject = cand.subject() == null ? Uni.createFrom().nullItem() : vectors.currentBySubject(c, user, cand.subject());
        return sameSubject.chain(old -> {
            if (old != null) {
                if (old.content.equalsIgnoreCase(m.content)) {
                    return Uni.createFrom().nullItem();
                }
                // A new value for the same subject: the old memory becomes history.
                return vectors.insert(c, m, vector)
                        .chain(() -> vectors.supersede(c, user, old.id, m.id, m.createdAt))
                        .replaceWith(m);
            }
            return vectors.nearest(c, user, vector, 1, m.kind).chain(hits -> {
                boolean duplicate = !hits.isEmpty() && (hits.get(0).memory().content.equalsIgnoreCase(m.content)
                        // Feelings are a timeline: each day's entry is kept, only exact repeats are merged.
                        || (!"feeling".equals(m.kind) && hits.get(0).similarity() >= config.consolidation().duplicateSimilarity()));
                if (duplicate) {
                    return Uni.createFrom().nullItem();
                }
                return vectors.insert(c, m, vector).replaceWith(m);
            });
        });
    }

    /**
     * The user's current memories most relevant to the query. Candidates are the exact top-k by
     * cosine similarity within the user's rows; each gets
     * {@code score = ws*similarity + wi*importance + wr*recency}, recency = 0.5^(age/half-life),
     * and those under the minimum similarity are dropped. An empty query ranks by importance and recency.
     * The query's embedding comes back too, so callers may hand it on.
     */
    public Uni<Found> search(String userId, String query, int limit) {
        UUID user = parseUser(userId);
        int n = clamp(limit, 5, config.maxResults());
        Instant now = Instant.now();
        MemoryConfig.Search w = config.search();
        if (query == null || query.isBlank()) {
            return vectors.newestCurrent(user, Math.max(n, w.candidates())).map(all -> new Found(rank(all.stream()
                    .map(m -> new Scored(m, round((w.importanceWeight() * m.importance + w.recencyWeight() * recency(m, now))
                            / (w.importanceWeight() + w.recencyWeight())), 0))
                    .toList(), n), null, null))
                    .onFailure().transform(Failures::toService);
        }
        TurnClock clock = new TurnClock(metrics, "oviya.memory.search");
        return embeddings.embedQuery(query.strip())
                .invoke(() -> clock.mark("embedded"))
                .chain(vector -> vectors.nearest(user, vector, Math.max(n, w.candidates())).map(hits -> new Found(rank(hits.stream()
                        .filter(h -> h.similarity() >= w.minSimilarity())
                        .map(h -> new Scored(h.memory(), round(w.similarityWeight() * h.similarity()
                                + w.importanceWeight() * h.memory().importance + w.recencyWeight() * recency(h.memory(), now)),
                                round(h.similarity())))
                        .toList(), n), vector, embeddings.name())))
                .invoke(() -> clock.mark("ranked"))
                .onFailure().transform(Failures::toService);
    }

    private double recency(MemoryEntity m, Instant now) {
        double ageDays = Math.max(0, Duration.between(m.createdAt, now).toMinutes() / 1440.0);
        return Math.pow(0.5, ageDays / config.search().recencyHalfLifeDays());
    }

    private static List<Scored> rank(List<Scored> scored, int n) {
        List<Scored> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(Scored::score).reversed());
        return sorted.size() > n ? sorted.subList(0, n) : sorted;
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

    /** Current memories only (history is kept for consolidation, not shown), newest first. */
    public Uni<Page> list(String userId, int limit, String cursor, String category) {
        UUID user = parseUser(userId);
        int n = clamp(limit, 50, 100);
        String cat = category == null ? "" : category.strip().toLowerCase(Locale.ROOT);
        Uni<List<MemoryEntity>> rows;
        if (cursor == null || cursor.isBlank()) {
            rows = Panache.withSession(() -> memories.newest(user, n + 1, cat));
        } else {
            Cursor c = Cursor.decode(cursor);
            rows = Panache.withSession(() -> memories.newestBefore(user, c.createdAt(), c.id(), n + 1, cat));
        }
        return rows.map(list -> {
            if (list.size() <= n) {
                return new Page(list, "");
            }
            List<MemoryEntity> page = list.subList(0, n);
            MemoryEntity last = page.get(n - 1);
            return new Page(page, new Cursor(last.createdAt, last.id).encode());
        }).onFailure().transform(Failures::toService);
    }

    /** Deletes the memory and the history it superseded: rows and their vectors. */
    public Uni<Long> forget(String userId, String memoryId) {
        UUID user = parseUser(userId);
        UUID id = parseId(memoryId);
        return vectors.deleteWithHistory(user, id).map(n -> {
            if (n == 0) {
                throw ServiceException.notFound("memory not found");
            }
            return n;
        }).onFailure().transform(Failures::toService);
    }

    public Uni<Long> forgetAll(String userId) {
        UUID user = parseUser(userId);
        return vectors.deleteAll(user).onFailure().transform(Failures::toService);
    }

    private static MemoryEntity newMemory(UUID user, String content, String kind, float importance, UUID source) {
        MemoryEntity m = new MemoryEntity();
        m.id = UUID.randomUUID();
        m.userId = user;
        m.content = content;
        m.kind = kind;
        m.importance = importance;
        m.sourceMessageId = source;
        m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return m;
    }

    private static void tag(MemoryEntity m, String category) {
        m.category = category;
        m.sensitive = category != null && SENSITIVE.contains(category);
    }

    /** When the user sent the message; now when the caller does not say. */
    static Instant sentAt(String sentAt) {
        if (sentAt == null || sentAt.isBlank()) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return OffsetDateTime.parse(sentAt.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ServiceException.validation("sentAt must be an RFC 3339 timestamp");
        }
    }

    record Cursor(Instant createdAt, UUID id) {
        String encode() {
            String raw = createdAt.toString() + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                return new Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw ServiceException.validation("cursor is not valid");
            }
        }
    }

    private static int clamp(int requested, int dflt, int max) {
        if (requested <= 0) {
            return dflt;
        }
        return Math.min(requested, max);
    }

    static UUID parseUser(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.validation("userId must be a UUID");
        }
    }

    static UUID parseMessageId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ServiceException.validation("messageId must be a UUID");
        }
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.notFound("memory not found");
        }
    }
}
