package app.oviya.chat.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Every query is scoped to the owning user: another user's conversation does not exist. */
@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<ConversationEntity, UUID> {

    public Uni<ConversationEntity> findOwned(UUID userId, UUID id) {
        return find("userId = ?1 and id = ?2", userId, id).firstResult();
    }

    /** Marks a new message in the user's conversation; answers 0 when it is not the user's (or does not exist). */
    public Uni<Integer> touchOwned(UUID userId, UUID id, Instant at) {
        return update("lastMessageAt = ?1, activityAt = ?1 where userId = ?2 and id = ?3", at, userId, id);
    }
}
