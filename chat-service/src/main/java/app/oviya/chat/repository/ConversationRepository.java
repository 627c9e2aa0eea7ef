package app.oviya.chat.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Every query is scoped to the owning user: another user's conversation does not exist. */
@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<ConversationEntity, UUID> {

    private static final Sort MOST_RECENT_FIRST = Sort.descending("activityAt", "id");

    public Uni<ConversationEntity> findOwned(UUID userId, UUID id) {
        return find("userId = ?1 and id = ?2", userId, id).firstResult();
    }

    public Uni<List<ConversationEntity>> mostRecent(UUID userId, int limit) {
        return find("userId", MOST_RECENT_FIRST, userId).page(Page.ofSize(limit)).list();
    }

    public Uni<List<ConversationEntity>> mostRecentBefore(UUID userId, Instant activityAt, UUID id, int limit) {
        return find("userId = ?1 and (activityAt < ?2 or (activityAt = ?2 and id < ?3))", MOST_RECENT_FIRST, userId, activityAt, id)
                .page(Page.ofSize(limit)).list();
    }
}
