package app.oviya.chat.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;

/**
 * A new user message in one statement on the primary: the UPDATE proves the conversation is the
 * sender's and marks its activity, the INSERT stores the message only if it did, both or neither
 * (one statement, one round trip, no BEGIN/COMMIT). A second send with the same idempotency key
 * fails with the unique violation of messages_user_idempotency_key and changes nothing; the caller
 * then takes the careful path (replay or conflict).
 */
@ApplicationScoped
public class UserMessageInserts {

    static final String INSERT = "WITH owned AS (UPDATE conversations SET last_message_at = $5, activity_at = $5"
            + " WHERE id = $2 AND user_id = $3 RETURNING id)"
            + " INSERT INTO messages (id, conversation_id, user_id, role, content, status, created_at, idempotency_key)"
            + " SELECT $1, id, $3, 'user', $4, 'complete', $5, $6 FROM owned";

    private final Pool primary;

    public UserMessageInserts(Pool primary) {
        this.primary = primary;
    }

    /** True when stored; false when the conversation is not the user's (or does not exist). */
    public Uni<Boolean> insert(MessageEntity m) {
        return primary.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[] {m.id, m.conversationId, m.userId, m.content, m.createdAt.atOffset(ZoneOffset.UTC),
                        m.idempotencyKey}))
                .map(rows -> rows.rowCount() == 1);
    }
}
