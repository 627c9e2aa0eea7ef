package app.oviya.gateway.security;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.AuthClient;
import app.oviya.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.Key;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * auth-service's public keys, cached. A token with an unknown kid (after a key rotation)
 * refreshes the set, at most once per configured interval, so forged kids cannot flood auth.
 */
@ApplicationScoped
public class JwksCache {

    private static final Logger LOG = Logger.getLogger(JwksCache.class);

    private record Snapshot(Map<String, Key> keys, long fetchedAtNanos) {
    }

    private final AuthClient auth;
    private final long minRefreshNanos;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(new Snapshot(Map.of(), 0));
    private final AtomicReference<Uni<Snapshot>> inFlight = new AtomicReference<>();

    public JwksCache(AuthClient auth, GatewayConfig config) {
        this.auth = auth;
        this.minRefreshNanos = config.jwt().jwksMinRefreshInterval().toNanos();
    }

    /** The key for a kid, refreshing once if it is unknown; fails with 401 when there is none. */
    public Uni<Key> keyFor(String kid) {
        Snapshot snap = current.get();
        Key key = snap.keys().get(kid);
        if (key != null) {
            return Uni.createFrom().item(key);
        }
        boolean mayRefresh = snap.fetchedAtNanos() == 0 || System.nanoTime() - snap.fetchedAtNanos() >= minRefreshNanos;
        if (!mayRefresh) {
            return Uni.createFrom().failure(ServiceException.unauthorized("token signed with an unknown key"));
        }
        return refresh().map(s -> {
            Key k = s.keys().get(kid);
            if (k == null) {
                throw ServiceException.unauthorized("token signed with an unknown key");
            }
            return k;
        });
    }

    /** True once keys have been loaded: the gateway cannot verify anything before. */
    public boolean isLoaded() {
        return !current.get().keys().isEmpty();
    }

    public Uni<Boolean> ensureLoaded() {
        return isLoaded() ? Uni.createFrom().item(true) : refresh().map(s -> !s.keys().isEmpty());
    }

    /** One fetch at a time: concurrent callers share it. */
    private Uni<Snapshot> refresh() {
        return inFlight.updateAndGet(existing -> existing != null ? existing : auth.jwks().map(this::parse).invoke(s -> {
            current.set(s);
            LOG.infof("Loaded %d JWT verification key(s): %s", s.keys().size(), s.keys().keySet());
        }).eventually(() -> inFlight.set(null)).memoize().indefinitely());
    }

    private Snapshot parse(String json) {
        try {
            Map<String, Key> keys = new HashMap<>();
            for (JsonWebKey jwk : new JsonWebKeySet(json).getJsonWebKeys()) {
                if (jwk instanceof RsaJsonWebKey rsa && jwk.getKeyId() != null) {
                    keys.put(jwk.getKeyId(), rsa.getPublicKey());
                }
            }
            return new Snapshot(Map.copyOf(keys), System.nanoTime());
        } catch (JoseException e) {
            throw new IllegalStateException("auth-service returned an unreadable JWKS", e);
        }
    }
}
