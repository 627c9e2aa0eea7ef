package app.oviya.chat.service;

import app.oviya.chat.repository.ConversationEntity;
import app.oviya.chat.repository.ConversationRepository;
import app.oviya.chat.repository.MessageEntity;
import app.oviya.chat.repository.MessageRepository;
import app.oviya.common.error.ServiceException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Conversations and their message history. */
@ApplicationScoped
public class ConversationService {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;
    static final int MAX_TITLE = 200;

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final ContextCache contextCache;

    public ConversationService(ConversationRepository conversations, MessageRepository messages, ContextCache contextCache) {
        this.conversations = conversations;
        this.messages = messages;
        this.contextCache = contextCache;
    }

    public record Page<T>(List<T> items, String nextCursor) {
    }

    public Uni<ConversationEntity> create(String userId, String title) {
        UUID user = Ids.user(userId);
        String t = title == null || title.isBlank() ? "New conversation" : title.strip();
        if (t.length() > MAX_TITLE) {
            throw ServiceException.validation("title must be at most " + MAX_TITLE + " characters");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ConversationEntity c = new ConversationEntity();
        c.id = UUID.randomUUID();
        c.userId = user;
        c.title = t;
        c.createdAt = now;
        c.activityAt = now;
        return Panache.withTransaction(() -> conversations.persist(c));
    }

    public Uni<ConversationEntity> get(String userId, String conversationId) {
        UUID user = Ids.user(userId);
        UUID id = Ids.resource(conversationId, "conversation");
        return Panache.withSession(() -> conversations.findOwned(user, id))
                .onItem().ifNull().failWith(() -> ServiceException.notFound("conversation not found"));
    }

    public Uni<ConversationEntity> rename(String userId, String conversationId, String title) {
        UUID user = Ids.user(userId);
        UUID id = Ids.resource(conversationId, "conversation");
        if (title == null || title.isBlank()) {
            throw ServiceException.validation("title is required");
        }
        String t = title.strip();
        if (t.length() > MAX_TITLE) {
            throw ServiceException.validation("title must be at most " + MAX_TITLE + " characters");
        }
        return Panache.withTransaction(() -> conversations.findOwned(user, id)
                .onItem().ifNull().failWith(() -> ServiceException.notFound("conversation not found"))
                .invoke(c -> c.title = t));
    }

    /** Deletes the conversation and its messages; answers how many messages went with it. */
    public Uni<Long> delete(String userId, String conversationId) {
        UUID user = Ids.user(userId);
        UUID id = Ids.resource(conversationId, "conversation");
        return Panache.withTransaction(() -> conversations.findOwned(user, id)
                .onItem().ifNull().failWith(() -> ServiceException.notFound("conversation not found"))
                .chain(c -> messages.delete("conversationId", c.id)
                        .call(() -> conversations.delete("userId = ?1 and id = ?2", user, id))))
                .call(() -> contextCache.evict(List.of(id)));
    }

    public Uni<Page<ConversationEntity>> list(String userId, int limit, String cursor) {
        UUID user = Ids.user(userId);
        int n = pageSize(limit);
        Uni<List<ConversationEntity>> rows;
        if (cursor == null || cursor.isEmpty()) {
            rows = Panache.withSession(() -> conversations.mostRecent(user, n + 1));
        } else {
            Cursors.ConversationPosition p = Cursors.conversation(cursor);
            rows = Panache.withSession(() -> conversations.mostRecentBefore(user, p.activityAt(), p.id(), n + 1));
        }
        return rows.map(list -> {
            if (list.size() <= n) {
                return new Page<>(list, "");
            }
            List<ConversationEntity> page = list.subList(0, n);
            ConversationEntity last = page.get(n - 1);
            return new Page<>(page, Cursors.conversation(last.activityAt, last.id));
        });
    }

    public Uni<Page<MessageEntity>> messages(String userId, String conversationId, int limit, String cursor) {
        int n = pageSize(limit);
        Long before = cursor == null || cursor.isEmpty() ? null : Cursors.message(cursor);
        return get(userId, conversationId).chain(c -> Panache.withSession(() -> before == null
                        ? messages.newest(c.id, n + 1)
                        : messages.newestBefore(c.id, before, n + 1)))
                .map(list -> {
                    if (list.size() <= n) {
                        return new Page<>(list, "");
                    }
                    List<MessageEntity> page = list.subList(0, n);
                    return new Page<>(page, Cursors.message(page.get(n - 1).seq));
                });
    }

    static int pageSize(int limit) {
        if (limit < 0 || limit > MAX_PAGE) {
            throw ServiceException.validation("limit must be between 1 and " + MAX_PAGE);
        }
        return limit == 0 ? DEFAULT_PAGE : limit;
    }
}
