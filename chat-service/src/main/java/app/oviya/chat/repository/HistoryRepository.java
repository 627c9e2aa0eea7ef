package app.oviya.chat.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The lag-tolerant reads (conversation list page, message history page) as plain SQL, so the very
 * same queries run on the primary or on the read replica: the caller passes the node's client
 * (see ReadRouter). Keyset paging as in the README: served by conversations_user_activity_idx and
 * messages_conversation_seq_idx, one index range scan per page.
 */
@ApplicationScoped
public class HistoryRepository {

    private static final String CONVERSATION_COLUMNS = "id, user_id, title, created_at, last_message_at, activity_at";
    private static final String MESSAGE_COLUMNS = "id, seq, conversation_id, user_id, role, content, status, created_at, "
            + "idempotency_key, reply_to, emotion_label, emotion_intensity, safety_kind, safety_message, provider";

    static final String CONVERSATIONS_FIRST = "SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE user_id = $1"
            + " ORDER BY activity_at DESC, id DESC LIMIT $2";
    static final String CONVERSATIONS_AFTER = "SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE user_id = $1"
            + " AND (activity_at < $2 OR (activity_at = $2 AND id < $3)) ORDER BY activity_at DESC, id DESC LIMIT $4";
    static final String OWNED = "SELECT count(*) FROM conversations WHERE user_id = $1 AND id = $2";
    public static final String MESSAGES_FIRST = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = $1"
            + " ORDER BY seq DESC LIMIT $2";
    public static final String MESSAGES_BEFORE = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = $1"
            + " AND seq < $2 ORDER BY seq DESC LIMIT $3";

    /** The user's conversations, most recently active first, after the keyset position (null: from the start). */
    public Uni<List<ConversationEntity>> conversations(SqlClient db, UUID userId, Instant afterActivityAt, UUID afterId, int limit) {
        Uni<RowSet<Row>> rows = afterActivityAt == null
                ? db.preparedQuery(CONVERSATIONS_FIRST).execute(Tuple.of(userId, limit))
                : db.preparedQuery(CONVERSATIONS_AFTER).execute(Tuple.of(userId, utc(afterActivityAt), afterId, limit));
        return rows.map(rs -> {
            List<ConversationEntity> out = new ArrayList<>();
            rs.forEach(r -> out.add(conversation(r)));
            return out;
        });
    }

    public Uni<Boolean> owns(SqlClient db, UUID userId, UUID conversationId) {
        return db.preparedQuery(OWNED).execute(Tuple.of(userId, conversationId))
                .map(rs -> rs.iterator().next().getLong(0) > 0);
    }

    /** Newest first, before the given seq (null: the newest). */
    public Uni<List<MessageEntity>> messages(SqlClient db, UUID conversationId, Long beforeSeq, int limit) {
        Uni<RowSet<Row>> rows = beforeSeq == null
                ? db.preparedQuery(MESSAGES_FIRST).execute(Tuple.of(conversationId, limit))
                : db.preparedQuery(MESSAGES_BEFORE).execute(Tuple.of(conversationId, beforeSeq, limit));
        return rows.map(rs -> {
            List<MessageEntity> out = new ArrayList<>();
            rs.forEach(r -> out.add(message(r)));
            return out;
        });
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static ConversationEntity conversation(Row r) {
        ConversationEntity c = new ConversationEntity();
        c.id = r.getUUID("id");
        c.userId = r.getUUID("user_id");
        c.title = r.getString("title");
        c.createdAt = instant(r, "created_at");
        c.lastMessageAt = instant(r, "last_message_at");
        c.activityAt = instant(r, "activity_at");
        return c;
    }

    private static MessageEntity message(Row r) {
        MessageEntity m = new MessageEntity();
        m.id = r.getUUID("id");
        m.seq = r.getLong("seq");
        m.conversationId = r.getUUID("conversation_id");
        m.userId = r.getUUID("user_id");
        m.role = r.getString("role");
        m.content = r.getString("content");
        m.status = r.getString("status");
        m.createdAt = instant(r, "created_at");
        m.idempotencyKey = r.getString("idempotency_key");
        m.replyTo = r.getUUID("reply_to");
        m.emotionLabel = r.getString("emotion_label");
        m.emotionIntensity = r.getFloat("emotion_intensity");
        m.safetyKind = r.getString("safety_kind");
        m.safetyMessage = r.getString("safety_message");
        m.provider = r.getString("provider");
        return m;
    }
}
