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
 * Login brute-force protection, in Redis so it holds across replicas. Failed logins are counted
 * three ways within the window, and reaching a limit locks further attempts for the rest of the
 * window (429 with Retry-After), whether the password is right or not:
 * <ul>
 * <li>one email address from one client address (5): the address is locked out of that account,
 * so someone who fails on purpose locks only themselves, not the account's owner elsewhere;</li>
 * <li>one email address from all addresses (50): guessing spread over many addresses locks the
 * account for everyone;</li>
 * <li>one client address over all accounts (30).</li>
 * </ul>
 * Counts by the submitted address, so unknown and known accounts behave the same (no
 * enumeration). A login without a client address counts as one from the address "unknown".
 * If Redis cannot be reached the throttle fails open (logged): the gateway's per-IP limit and
 * Argon2's cost still slow guessing, and a Redis outage must not stop everyone logging in.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** KEYS[i] is locked once its count reaches ARGV[i] (extra ARGV are ignored). Returns the remaining lock seconds or 0. */
    static final String CHECK = """
            for i, key in ipairs(KEYS) do
              local n = tonumber(redis.call('GET', key)) or 0
              if n >= tonumber(ARGV[i]) then return redis.call('TTL', key) end
            end
            return 0
            """;

    /** Counts one failure on every key; each key's window starts with its first failure. */
    static final String FAIL = """
            for i, key in ipairs(KEYS) do
              if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, tonumber(ARGV[1])) end
            end
            return 0
            """;

    private final AuthConfig.LoginThrottle config;
    private final Redis redis;
    /** CHECK's ARGV, in the order of {@link #keys}; a login without an address uses the first two. */
    private final String[] limits;

    public LoginThrottle(AuthConfig config, Redis redis) {
        this.config = config.loginThrottle();
        this.redis = redis;
        this.limits = new String[] {Integer.toString(this.config.maxFailuresPerAccountFromOneIp()),
                Integer.toString(this.config.maxFailuresPerAccount()), Integer.toString(this.config.maxFailuresPerIp())};
    }

    /** Fails with RATE_LIMITED while the account or the address is locked. */
    public Uni<Void> check(String normalizedEmail, String clientIp) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return onCallerContext(eval(CHECK, keys(normalizedEmail, clientIp), limits)
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

    /**
     * A successful login clears the account's counts: from this address and from all addresses
     * (not the address's count over all accounts).
     */
    public Uni<Void> recordSuccess(String normalizedEmail, String clientIp) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        String[] keys = keys(normalizedEmail, clientIp);
        return onCallerContext(redis.send(Request.cmd(Command.DEL).arg(keys[0]).arg(keys[1]))
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

    /** The account from this address, the account, and (when known) the address. */
    private String[] keys(String normalizedEmail, String clientIp) {
        String account = config.keyPrefix() + "acct:" + normalizedEmail;
        if (clientIp == null || clientIp.isBlank()) {
            return new String[] {account + ":from:unknown", account};
        }
        String address = clientIp.strip().toLowerCase(Locale.ROOT);
        return new String[] {account + ":from:" + address, account, config.keyPrefix() + "ip:" + address};
    }

    /** Redis answers on its own thread; reactive database sessions must continue on the caller's context. */
    private static <T> Uni<T> onCallerContext(Uni<T> uni) {
        Context context = Vertx.currentContext();
        return context == null ? uni : uni.emitOn(Offload.backTo(context));
    }
}
