package app.oviya.auth.service;

import app.oviya.auth.config.AuthConfig;
import app.oviya.common.concurrent.Offload;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Login brute-force protection, in Redis so it holds across replicas: too many failed logins for
 * one email address, or from one client address, within the window lock further attempts for
 * the rest of the window (429 with Retry-After), whether the password is right or not. Counts
 * by the submitted address, so unknown and known accounts behave the same (no enumeration).
 * If Redis cannot be reached the throttle fails open (logged): the gateway's per-IP limit and
 * Argon2's cost still slow guessing, and a Redis outage must not stop everyone logging in.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** KEYS: account [, ip]. Returns remaining lock seconds or 0. */
    static final String CHECK = """
            local a = tonumber(redis.call('GET', KEYS[1])) or 0
            if a >= tonumber(ARGV[1]) then return redis.call('TTL', KEYS[1]) end
            if #KEYS > 1 then
              local i = tonumber(redis.call('GET', KEYS[2])) or 0
              if i >= tonumber(ARGV[2]) then return redis.call('TTL', KEYS[2]) end
            end
            return 0
            """;

    /** Counts one failure on both keys; the window starts with the first failure. */
    static final String FAIL = """
            for i, key in ipairs(KEYS) do
              if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, tonumber(ARGV[1])) end
            end
            return 0
            """;

    private final AuthConfig.LoginThrottle config;
    private final Redis redis;

    public LoginThrottle(AuthConfig config, Redis redis) {
        this.config = config.loginThrottle();
        this.redis = redis;
    }

    /** Fails with RATE_LIMITED while the account or the address is locked. */
    public Uni<Void> check(String normalizedEmail, String clientIp) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        String[] keys = keys(normalizedEmail, clientIp);
        return onCallerContext(eval(CHECK, keys, Integer.toString(config.maxFailuresPerAccount()),
                Integer.toString(config.maxFailuresPerIp()))
                .map(r -> r == null ? 0L : r.toLong())
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("Login throttle unavailable (%s): allowing the attempt", t.toString());
                    return 0L;
                }))
                .chain(lockedFor -> lockedFor > 0 || lockedFor == -1
                        ? Uni.createFrom().failure(new ServiceException(ErrorCode.RATE_LIMITED,
                                "too many failed logins; try again later", Math.max(1, lockedFor)))
                        : Uni.createFrom().voidItem());
    }

    public Uni<Void> recordFailure(String normalizedEmail, String clientIp) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return onCallerContext(eval(FAIL, keys(normalizedEmail, clientIp), Long.toString(config.window().toSeconds()))
                .replaceWithVoid()
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("Login throttle unavailable (%s): failure not counted", t.toString());
                    return null;
                }));
    }

    /** A successful login clears the account's count (not the address's). */
    public Uni<Void> recordSuccess(String normalizedEmail) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return onCallerContext(redis.send(Request.cmd(Command.DEL).arg(accountKey(normalizedEmail)))
                .ifNoItem().after(config.redisTimeout()).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(t -> null));
    }

    private Uni<Response> eval(String script, String[] keys, String... args) {
        Request r = Request.cmd(Command.EVAL).arg(script).arg(keys.length);
        for (String k : keys) {
            r.arg(k);
        }
        for (String a : args) {
            r.arg(a);
        }
        return redis.send(r).ifNoItem().after(config.redisTimeout()).fail();
    }

    private String[] keys(String normalizedEmail, String clientIp) {
        String account = accountKey(normalizedEmail);
        return clientIp == null || clientIp.isBlank()
                ? new String[] {account}
                : new String[] {account, config.keyPrefix() + "ip:" + clientIp.strip().toLowerCase(Locale.ROOT)};
    }

    private String accountKey(String normalizedEmail) {
        return config.keyPrefix() + "acct:" + normalizedEmail;
    }

    /** Redis answers on its own thread; reactive database sessions must continue on the caller's context. */
    private static <T> Uni<T> onCallerContext(Uni<T> uni) {
        Context context = Vertx.currentContext();
        return context == null ? uni : uni.emitOn(Offload.backTo(context));
    }
}
