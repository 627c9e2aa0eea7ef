package app.oviya.gateway.client;

import app.oviya.auth.v1.User;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the AI needs from the user's profile (custom persona, country), sent to chat-service with
 * every message (chat-service does not call auth-service: ARCHITECTURE.md). Cached per gateway
 * instance: after {@code oviya.gateway.profile.cache-ttl} (60 s) the next send still uses the
 * cached profile and refreshes it in the background, so only a user's first send (or the first
 * after 10 idle minutes) waits for auth-service. A change through this instance (PATCH /v1/me)
 * applies at once, one through another instance within about the TTL. When auth-service fails or
 * is slow (300 ms) a first send goes on with {@link Profile#NONE} (no persona, ai-service's
 * default country) and a refresh keeps the previous profile; failures are not cached.
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

    private final AsyncLoadingCache<String, Profile> cache;

    public UserProfiles(AuthClient auth, @ConfigProperty(name = "oviya.gateway.profile.cache-ttl", defaultValue = "60s") Duration ttl) {
        this.cache = Caffeine.newBuilder()
                .refreshAfterWrite(ttl)
                .expireAfterWrite(ttl.plus(Duration.ofMinutes(10)))
                .maximumSize(100_000)
                .buildAsync((userId, executor) -> auth.profile(userId).map(Profile::of).subscribeAsCompletionStage());
    }

    public Uni<Profile> of(String userId) {
        return Uni.createFrom().completionStage(() -> cache.get(userId))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Sending without the user's persona and country: auth-service GetUser failed (%s)", failure.toString());
                    return Profile.NONE;
                });
    }

    /** After PATCH /v1/me: the profile auth-service answered is the current one. */
    public void remember(User user) {
        cache.synchronous().put(user.getId(), Profile.of(user));
    }

    /** Account deletion. */
    public void forget(String userId) {
        cache.synchronous().invalidate(userId);
    }
}
