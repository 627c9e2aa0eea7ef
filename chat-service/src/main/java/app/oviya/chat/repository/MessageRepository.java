package app.oviya.chat.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageEntity, UUID> {

    private static final Sort NEWEST_FIRST = Sort.descending("seq");

    /** Newest first; served by the (conversation_id, seq DESC) index whatever the conversation's length. */
    public Uni<List<MessageEntity>> newest(UUID conversationId, int limit) {
        return find("conversationId", NEWEST_FIRST, conversationId).page(Page.ofSize(limit)).list();
    }

    public Uni<MessageEntity> findByIdempotencyKey(UUID userId, String key) {
        return find("userId = ?1 and idempotencyKey = ?2", userId, key).firstResult();
    }

    public Uni<MessageEntity> findReplyTo(UUID messageId) {
        return find("replyTo", messageId).firstResult();
    }
}
