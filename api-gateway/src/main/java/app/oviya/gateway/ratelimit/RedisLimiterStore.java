package app.oviya.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The shared limiter: every decision is one EVALSHA of {@link #SCRIPT}, so it is atomic across
 * any number of gateway replicas, and uses Redis' clock, so replicas' clocks do not matter.
 * Keys carry the user in a hash tag, so both keys of a decision live on one Redis Cluster slot.
 */
public final class RedisLimiterStore implements LimiterStore {

    /** GCRA (generic cell rate algorithm) plus an optional daily counter, counted only when allowed. */
    public static final String SCRIPT = """
            local tm = redis.call('TIME')
            local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local window = interval * tonumber(ARGV[2])
            local dayLimit = tonumber(ARGV[3])
            local countDay = ARGV[5] == '1'
            local tat = tonumber(redis.call('GET', KEYS[1])) or now
            if tat < now then tat = now end
            local newTat = tat + interval
            local used = 0
            if countDay then used = tonumber(redis.call('GET', KEYS[2])) or 0 end
            if newTat - now > window then
              return {0, 1, 0, newTat - now - window, tat - now, used}
            end
            if countDay and dayLimit >= 0 and used >= dayLimit then
              return {0, 2, math.floor((window - (tat - now)) / interval), 0, tat - now, used}
            end
            redis.call('SET', KEYS[1], newTat, 'PX', newTat - now)
            if countDay then
              used = redis.call('INCR', KEYS[2])
              if used == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4])) end
            end
            return {1, 0, math.floor((window - (newTat - now)) / interval), 0, newTat - now, used}
            """;

    static final String SHA = sha1(SCRIPT);

    private final Redis redis;

    public RedisLimiterStore(Redis redis) {
        this.redis = redis;
    }

    @Override
    public Uni<Outcome> decide(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtlSeconds,
            boolean countDay) {
        String[] args = {rateKey, dayKey, Long.toString(intervalMs), Integer.toString(burst), Long.toString(dayLimit),
                Long.toString(dayTtlSeconds), countDay ? "1" : "0"};
        return redis.send(script(Command.EVALSHA, SHA, args))
                .onFailure(RedisLimiterStore::isNoScript).recoverWithUni(() -> redis.send(script(Command.EVAL, SCRIPT, args)))
                .map(RedisLimiterStore::outcome);
    }

    @Override
    public Uni<Long> dayCount(String dayKey) {
        return redis.send(Request.cmd(Command.GET).arg(dayKey)).map(r -> r == null ? 0L : r.toLong());
    }

    @Override
    public Uni<Void> delete(String... keys) {
        Request del = Request.cmd(Command.DEL);
        for (String k : keys) {
            del.arg(k);
        }
        return redis.send(del).replaceWithVoid();
    }

    private static Request script(Command command, String scriptOrSha, String[] args) {
        Request r = Request.cmd(command).arg(scriptOrSha).arg(2);
        for (String a : args) {
            r.arg(a);
        }
        return r;
    }

    private static Outcome outcome(Response r) {
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = r.get(i).toLong();
        }
        return Outcome.of(v);
    }

    private static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
