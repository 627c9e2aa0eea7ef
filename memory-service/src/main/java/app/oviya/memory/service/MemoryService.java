package app.oviya.memory.service;

import app.oviya.common.error.ServiceException;
import app.oviya.memory.repository.MemoryEntity;
import app.oviya.memory.repository.MemoryRepository;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Stores, finds and forgets one user's memories. */
@ApplicationScoped
public class MemoryService {

    static final int MAX_CONTENT = 2000;
    private static final int SEARCH_WINDOW = 500;

    private final MemoryRepository memories;
    private final RuleBasedExtractor extractor;
    private final int maxResults;

    public MemoryService(MemoryRepository memories, RuleBasedExtractor extractor,
            @ConfigProperty(name = "oviya.memory.max-results", defaultValue = "20") int maxResults) {
        this.memories = memories;
        this.extractor = extractor;
        this.maxResults = maxResults;
    }

    public record Scored(MemoryEntity memory, double score) {
    }

    public record Page(List<MemoryEntity> items, String nextCursor) {
    }

    public Uni<MemoryEntity> remember(String userId, String content, String kind, float importance, String sourceMessageId) {
        UUID user = parseUser(userId);
        String text = content == null ? "" : content.strip();
        if (text.isEmpty()) {
            throw ServiceException.validation("content is required");
        }
        if (text.length() > MAX_CONTENT) {
            throw ServiceException.validation("content must be at most " + MAX_CONTENT + " characters");
        }
        MemoryEntity m = new MemoryEntity();
        m.id = UUID.randomUUID();
        m.userId = user;
        m.content = text;
        m.kind = kind;
        m.importance = importance;
        m.sourceMessageId = sourceMessageId == null || sourceMessageId.isBlank() ? null : parseId(sourceMessageId);
        m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> memories.persist(m));
    }

    /** Stores what the rules find in the user's own words; a repeat of a known fact is skipped. */
    public Uni<List<MemoryEntity>> extract(String userId, String messageId, String userText) {
        UUID user = parseUser(userId);
        UUID source = messageId == null || messageId.isBlank() ? null : parseMessageId(messageId);
        List<RuleBasedExtractor.Candidate> candidates = extractor.extract(userText);
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.withTransaction(() -> {
            List<MemoryEntity> stored = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (RuleBasedExtractor.Candidate c : candidates) {
                chain = chain.chain(() -> memories.countContent(user, c.content()).chain(n -> {
                    if (n > 0) {
                        return Uni.createFrom().voidItem();
                    }
                    MemoryEntity m = new MemoryEntity();
                    m.id = UUID.randomUUID();
                    m.userId = user;
                    m.content = c.content();
                    m.kind = c.kind();
                    m.importance = c.importance();
                    m.sourceMessageId = source;
                    m.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    stored.add(m);
                    return memories.persist(m).replaceWithVoid();
                }));
            }
            return chain.replaceWith(stored);
        });
    }

    /**
     * Ranks the user's recent memories against the query: word overlap, then recency and
     * importance as tie-breakers. (Semantic vector search replaces the overlap score.)
     */
    public Uni<List<Scored>> search(String userId, String query, int limit) {
        UUID user = parseUser(userId);
        int n = clamp(limit, 5, maxResults);
        Set<String> q = words(query);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withSession(() -> memories.newest(user, SEARCH_WINDOW)).map(all -> {
            List<Scored> scored = new ArrayList<>();
            for (MemoryEntity m : all) {
                double overlap = overlap(q, words(m.content));
                if (!q.isEmpty() && overlap == 0) {
                    continue;
                }
                double ageDays = Math.max(0, Duration.between(m.createdAt, now).toHours() / 24.0);
                double recency = Math.exp(-ageDays / 30.0);
                double score = 0.7 * overlap + 0.2 * m.importance + 0.1 * recency;
                scored.add(new Scored(m, Math.round(score * 1000) / 1000.0));
            }
            scored.sort(Comparator.comparingDouble(Scored::score).reversed());
            return scored.size() > n ? scored.subList(0, n) : scored;
        });
    }

    public Uni<Page> list(String userId, int limit, String cursor) {
        UUID user = parseUser(userId);
        int n = clamp(limit, 50, 100);
        Uni<List<MemoryEntity>> rows;
        if (cursor == null || cursor.isBlank()) {
            rows = Panache.withSession(() -> memories.newest(user, n + 1));
        } else {
            Cursor c = Cursor.decode(cursor);
            rows = Panache.withSession(() -> memories.newestBefore(user, c.createdAt(), c.id(), n + 1));
        }
        return rows.map(list -> {
            if (list.size() <= n) {
                return new Page(list, "");
            }
            List<MemoryEntity> page = list.subList(0, n);
            MemoryEntity last = page.get(n - 1);
            return new Page(page, new Cursor(last.createdAt, last.id).encode());
        });
    }

    public Uni<Long> forget(String userId, String memoryId) {
        UUID user = parseUser(userId);
        UUID id = parseId(memoryId);
        return Panache.withTransaction(() -> memories.deleteOwned(user, id)).map(n -> {
            if (n == 0) {
                throw ServiceException.notFound("memory not found");
            }
            return n;
        });
    }

    public Uni<Long> forgetAll(String userId) {
        UUID user = parseUser(userId);
        return Panache.withTransaction(() -> memories.deleteAllOf(user));
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

    static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        if (text == null) {
            return out;
        }
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() > 2 && !STOP.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    private static final Set<String> STOP = Set.of("the", "and", "for", "you", "are", "was", "but", "not", "with", "that",
            "this", "have", "has", "had", "user", "about", "what", "when", "where", "who", "how", "why", "your", "from", "just");

    static double overlap(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        int common = 0;
        for (String w : a) {
            if (b.contains(w)) {
                common++;
            }
        }
        return (double) common / Math.min(a.size(), b.size());
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
