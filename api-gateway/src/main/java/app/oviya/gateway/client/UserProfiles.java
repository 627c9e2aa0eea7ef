package app.oviya.gateway.client;

import app.oviya.auth.v1.User;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the AI needs from the user's profile (custom persona, country), sent to chat-service with
 * every message (chat-service does not call auth-service: ARCHITECTURE.md). Cached per gateway
 * instance for {@code oviya.gateway.profile.cache-ttl} (60 s) so a conversation does not ask
 * auth-service on every turn; a change through this instance (PATCH /v1/me) applies at once, one
 * through another instance within the TTL. When auth-service fails or is slow (300 ms) the turn
 * goes on with {@link Profile#NONE} (no persona, ai-service's default country); failures are not
 * cached, so the next turn asks again.
 */
@ApplicationScoped
public class UserProfiles {

    private static final Logger LOG = Logger.getLogger(UserProfiles.class);

    /** Persona and country as SendMessageRequest carries them ("" when none). */
    public record Profile(String persona, String country) {
        public static final Profile NONE = new Profile("", "");

        static Profile of(User u) {
            return new Profile(u.getPersona(), u.getCountry());
        }
    }

    private final AuthClient auth;
    private final Cache<String, Profile> cache;

    public UserProfiles(AuthClient auth, @ConfigProperty(name = "oviya.gateway.profile.cache-ttl", defaultValue = "60s") Duration ttl) {
        this.auth = auth;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
    }

    public Uni<Profile> of(String userId) {
        Profile known = cache.getIfPresent(userId);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return Uni.createFrom().deferred(() -> auth.profile(userId))
                .map(Profile::of)
                .invoke(p -> cache.put(userId, p))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Sending without the user's persona and country: auth-service GetUser failed (%s)", failure.toString());
                    return Profile.NONE;
                });
    }

    /** After PATCH /v1/me: the profile auth-service answered is the current one. */
    public void remember(User user) {
        cache.put(user.getId(), Profile.of(user));
    }

    /** Account deletion. */
    public void forget(String userId) {
        cache.invalidate(userId);
    }
}
