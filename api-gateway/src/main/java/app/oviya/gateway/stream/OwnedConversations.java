package app.oviya.gateway.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Conversations this gateway instance has recently seen chat-service confirm as the caller's, so
 * that a stream's ownership check ({@link StreamOwnershipFilter}) does not cost a gRPC round trip
 * before every message. A conversation never changes owner, so a positive answer can only go stale
 * by deletion: deletions through this instance forget at once; one through another instance is
 * noticed by chat-service itself, which refuses the send (the stream then carries an {@code error}
 * event with {@code not_found} instead of being a plain 404) for at most {@link #TTL}.
 */
@ApplicationScoped
public class OwnedConversations {

    static final Duration TTL = Duration.ofMinutes(2);

    private final Cache<String, Boolean> owned = Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(200_000).build();

    public boolean known(String userId, String conversationId) {
        return owned.getIfPresent(key(userId, conversationId)) != null;
    }

    public void remember(String userId, String conversationId) {
        owned.put(key(userId, conversationId), Boolean.TRUE);
    }

    public void forget(String userId, String conversationId) {
        owned.invalidate(key(userId, conversationId));
    }

    /** Account deletion: every conversation of the user. */
    public void forgetUser(String userId) {
        String prefix = userId + "/";
        owned.asMap().keySet().removeIf(k -> k.startsWith(prefix));
    }

    private static String key(String userId, String conversationId) {
        return userId + "/" + conversationId;
    }
}
