package app.oviya.chat.service;

import app.oviya.chat.repository.ConversationRepository;
import app.oviya.chat.repository.MessageEntity;
import app.oviya.chat.repository.MessageRepository;
import app.oviya.chat.v1.ConversationExport;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Everything chat-service stores about one user: exported on request, deleted with the account. */
@ApplicationScoped
public class UserDataService {

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final ContextCache contextCache;

    public UserDataService(ConversationRepository conversations, MessageRepository messages, ContextCache contextCache) {
        this.conversations = conversations;
        this.messages = messages;
        this.contextCache = contextCache;
    }

    /** Idempotent: a second call deletes nothing and succeeds. */
    public Uni<Long> delete(String userId) {
        UUID user = Ids.user(userId);
        // The cached recent windows hold message text too: they go with the rows.
        return Panache.withTransaction(() -> conversations.list("userId", user)
                .chain(owned -> messages.delete("userId", user)
                        .chain(m -> conversations.delete("userId", user).map(c -> m + c))
                        .call(() -> contextCache.evict(owned.stream().map(c -> c.id).toList()))));
    }

    public Multi<ConversationExport> export(String userId) {
        UUID user = Ids.user(userId);
        return Panache.withSession(() -> conversations.list("userId", Sort.ascending("createdAt", "id"), user))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(c -> Panache.withSession(
                        () -> messages.list("conversationId", Sort.ascending("seq"), c.id))
                        .map(rows -> toExport(c, rows)));
    }

    private static ConversationExport toExport(app.oviya.chat.repository.ConversationEntity c, List<MessageEntity> rows) {
        ConversationExport.Builder b = ConversationExport.newBuilder().setConversation(Messages.toProto(c));
        rows.forEach(m -> b.addMessages(Messages.toProto(m)));
        return b.build();
    }
}
