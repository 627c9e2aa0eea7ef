package app.oviya.memory.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
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

    /** category: "" for all, "sensitive" for every sensitive one, else that category. */
    private static String categoryFilter(String category) {
        if (category.isEmpty()) {
            return "";
        }
        return category.equals("sensitive") ? " and sensitive = true" : " and category = :category";
    }

    /** The user's current memories (superseded history is not listed), newest first. */
    public Uni<List<MemoryEntity>> newest(UUID userId, int limit, String category) {
        Parameters p = Parameters.with("user", userId);
        if (!category.isEmpty() && !category.equals("sensitive")) {
            p = p.and("category", category);
        }
        return find("userId = :user and validUntil is null" + categoryFilter(category), NEWEST_FIRST, p)
                .page(Page.ofSize(limit)).list();
    }

    /** The page after the (createdAt, id) keyset position. */
    public Uni<List<MemoryEntity>> newestBefore(UUID userId, Instant createdAt, UUID id, int limit, String category) {
        Parameters p = Parameters.with("user", userId).and("createdAt", createdAt).and("id", id);
        if (!category.isEmpty() && !category.equals("sensitive")) {
            p = p.and("category", category);
        }
        return find("userId = :user and validUntil is null and (createdAt < :createdAt or (createdAt = :createdAt and id < :id))"
                + categoryFilter(category), NEWEST_FIRST, p).page(Page.ofSize(limit)).list();
    }
}
