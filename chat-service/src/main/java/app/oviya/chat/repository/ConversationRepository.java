package app.oviya.chat.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Every query is scoped to the owning user: another user's conversation does not exist. */
@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<ConversationEntity, UUID> {

    public Uni<ConversationEntity> findOwned(UUID userId, UUID id) {
        return find("userId = ?1 and id = ?2", userId, id).firstResult();
    }
}
