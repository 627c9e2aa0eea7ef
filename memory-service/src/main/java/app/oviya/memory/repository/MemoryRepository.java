package app.oviya.memory.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Every query here is scoped to one user. */
@ApplicationScoped
public class MemoryRepository implements PanacheRepositoryBase<MemoryEntity, UUID> {

    private static final Sort NEWEST_FIRST = Sort.descending("createdAt", "id");

    public Uni<List<MemoryEntity>> newest(UUID userId, int limit) {
        return find("userId", NEWEST_FIRST, userId).page(Page.ofSize(limit)).list();
    }

    /** The page after the (createdAt, id) keyset position. */
    public Uni<List<MemoryEntity>> newestBefore(UUID userId, Instant createdAt, UUID id, int limit) {
        return find("userId = ?1 and (createdAt < ?2 or (createdAt = ?2 and id < ?3))", NEWEST_FIRST, userId, createdAt, id)
                .page(Page.ofSize(limit)).list();
    }

    public Uni<MemoryEntity> findOwned(UUID userId, UUID id) {
        return find("userId = ?1 and id = ?2", userId, id).firstResult();
    }

    public Uni<Long> deleteOwned(UUID userId, UUID id) {
        return delete("userId = ?1 and id = ?2", userId, id);
    }

    public Uni<Long> deleteAllOf(UUID userId) {
        return delete("userId", userId);
    }

    public Uni<Long> countContent(UUID userId, String content) {
        return count("userId = ?1 and lower(content) = lower(?2)", userId, content);
    }
}
