package app.oviya.chat.client;

import app.oviya.auth.v1.User;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What the AI needs from the user's profile (custom persona, country), cached in memory for a
 * short while so a conversation does not ask auth-service on every turn. When auth-service fails
 * or is slow the turn goes on with {@link Profile#NONE} (no persona, ai-service's default
 * country); failures are not cached, so the next turn asks again.
 */
@ApplicationScoped
public class UserProfiles {

    private static final Logger LOG = Logger.getLogger(UserProfiles.class);

    @ConfigMapping(prefix = "oviya.chat.profile")
    public interface Config {

        /** How long a fetched profile is reused: a persona or country change reaches the AI within this. */
        @WithDefault("60s")
        Duration cacheTtl();

        /** Entries kept per replica; the cache is dropped whole when it grows past this. */
        @WithDefault("10000")
        int cacheSize();
    }

    /** Persona and country as GenerateRequest carries them ("" when none). */
    public record Profile(String persona, String country) {
        public static final Profile NONE = new Profile("", "");
    }

    private record Entry(Profile profile, long expiresAtNanos) {
    }

    private final AuthClient auth;
    private final Config config;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public UserProfiles(AuthClient auth, Config config) {
        this.auth = auth;
        this.config = config;
    }

    public Uni<Profile> of(String userId) {
        Entry e = cache.get(userId);
        if (e != null && System.nanoTime() - e.expiresAtNanos < 0) {
            return Uni.createFrom().item(e.profile());
        }
        return Uni.createFrom().deferred(() -> auth.user(userId))
                .map(UserProfiles::profile)
                .invoke(p -> remember(userId, p))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Replying without the user's persona and country: auth-service GetUser failed (%s)", failure.toString());
                    return Profile.NONE;
                });
    }

    private static Profile profile(User u) {
        return new Profile(u.getPersona(), u.getCountry());
    }

    private void remember(String userId, Profile p) {
        if (cache.size() >= config.cacheSize()) {
            cache.clear();
        }
        cache.put(userId, new Entry(p, System.nanoTime() + config.cacheTtl().toNanos()));
    }
}
