package app.oviya.chat.service;

import app.oviya.chat.repository.ConversationEntity;
import app.oviya.chat.repository.ConversationRepository;
import app.oviya.chat.repository.HistoryRepository;
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

/**
 * Conversations and their message history. The list and history pages tolerate replica lag and go
 * through the ReadRouter (replica or primary, same SQL); every write tells the router, so the writer
 * reads it back (read-your-writes).
 */
@ApplicationScoped
public class ConversationService {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;
    static final int MAX_TITLE = 200;

    private final ConversationRepository conversations;
    private final MessageRepository messages;
    private final ContextCache contextCache;
    private final HistoryRepository history;
    private final ReadRouter reads;

    public ConversationService(ConversationRepository conversations, MessageRepository messages, ContextCache contextCache,
            HistoryRepository history, ReadRouter reads) {
        this.conversations = conversations;
        this.messages = messages;
        this.contextCache = contextCache;
        this.history = history;
        this.reads = reads;
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
        return Panache.withTransaction(() -> conversations.persist(c)).call(() -> reads.wrote(user));
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
                .invoke(c -> c.title = t)).call(() -> reads.wrote(user));
    }

    /** Deletes the conversation and its messages; answers how many messages went with it. */
    public Uni<Long> delete(String userId, String conversationId) {
        UUID user = Ids.user(userId);
        UUID id = Ids.resource(conversationId, "conversation");
        return Panache.withTransaction(() -> conversations.findOwned(user, id)
                .onItem().ifNull().failWith(() -> ServiceException.notFound("conversation not found"))
                .chain(c -> messages.delete("conversationId", c.id)
                        .call(() -> conversations.delete("userId = ?1 and id = ?2", user, id))))
                .call(() -> contextCache.evict(List.of(id)))
                .call(() -> reads.wrote(user));
    }

    public Uni<Page<ConversationEntity>> list(String userId, int limit, String cursor) {
        UUID user = Ids.user(userId);
        int n = pageSize(limit);
        Cursors.ConversationPosition after = cursor == null || cursor.isEmpty() ? null : Cursors.conversation(cursor);
        return reads.read(user, db -> after == null
                        ? history.conversations(db, user, null, null, n + 1)
                        : history.conversations(db, user, after.activityAt(), after.id(), n + 1))
                .map(list -> {
                    if (list.size() <= n) {
                        return new Page<>(list, "");
                    }
                    List<ConversationEntity> page = list.subList(0, n);
                    ConversationEntity last = page.get(n - 1);
                    return new Page<>(page, Cursors.conversation(last.activityAt, last.id));
                });
    }

    public Uni<Page<MessageEntity>> messages(String userId, String conversationId, int limit, String cursor) {
        UUID user = Ids.user(userId);
        UUID id = Ids.resource(conversationId, "conversation");
        int n = pageSize(limit);
        Long before = cursor == null || cursor.isEmpty() ? null : Cursors.message(cursor);
        // Ownership and the page come from the same node: a conversation is only ever written by its
        // owner, whose reads follow their own writes.
        return reads.read(user, db -> history.owns(db, user, id).chain(owned -> owned
                        ? history.messages(db, id, before, n + 1)
                        : Uni.createFrom().<List<MessageEntity>>nullItem()))
                .onItem().ifNull().failWith(() -> ServiceException.notFound("conversation not found"))
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
