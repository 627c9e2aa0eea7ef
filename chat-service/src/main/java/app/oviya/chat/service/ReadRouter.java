package app.oviya.chat.service;

import app.oviya.chat.config.ChatConfig;
import app.oviya.chat.repository.ReplicaPool;
import app.oviya.common.concurrent.Offload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Where a lag-tolerant read runs. With a replica configured: on the replica, unless
 * <ul>
 * <li>the reader wrote something the replica has not replayed yet (read-your-writes: after each
 * write, {@link #wrote} keeps the primary's WAL position in Redis for the user; a read compares it
 * with the replica's {@code pg_last_wal_replay_lsn()} and goes to the primary while the replica is
 * behind, or when Redis cannot say);</li>
 * <li>the replica fails or does not answer within {@code oviya.chat.replica.timeout}: that read is
 * answered by the primary, and reads skip the replica for {@code retry-after}.</li>
 * </ul>
 * Metric: {@code oviya_chat_replica_reads_total{result=replica|primary|fallback}} (primary: no
 * replica, or read-your-writes; fallback: the replica failed or is resting after a failure).
 */
@ApplicationScoped
public class ReadRouter {

    private static final Logger LOG = Logger.getLogger(ReadRouter.class);
    static final String WRITE_MARK_PREFIX = "oviya:chat:rw:";
    /**
     * Where the primary has written WAL up to: past the commit of the write just made, because
     * commits are synchronous (synchronous_commit=on, the default; with it off a commit could
     * still sit in the WAL buffers).
     */
    private static final String CURRENT_LSN = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint";
    private static final String REPLAYED = "SELECT coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, -1) >= $1";
    /** Keeps the highest position, so two writes finishing out of order never lower the mark. */
    private static final String KEEP_HIGHEST = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
            if tonumber(ARGV[1]) > current then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            else
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 1""";
    /** No write mark: the user wrote nothing recently. */
    private static final long NO_MARK = -1;
    /** Redis could not say: read from the primary. */
    private static final long UNKNOWN = -2;

    private final Pool primary;
    private final Optional<Pool> replica;
    private final ReactiveRedisDataSource redis;
    private final ChatConfig.Replica config;
    private final Counter replicaReads;
    private final Counter primaryReads;
    private final Counter fallbackReads;
    private volatile long restUntilNanos = System.nanoTime();
    private volatile boolean resting;

    public ReadRouter(Pool primary, ReplicaPool replicaPool, ReactiveRedisDataSource redis, ChatConfig config, MeterRegistry registry) {
        this.primary = primary;
        this.replica = replicaPool.get();
        this.redis = redis;
        this.config = config.replica();
        this.replicaReads = counter(registry, "replica", "Lag-tolerant reads answered by the read replica");
        this.primaryReads = counter(registry, "primary", "Lag-tolerant reads sent to the primary (no replica, or read-your-writes)");
        this.fallbackReads = counter(registry, "fallback", "Lag-tolerant reads the primary answered because the replica failed");
        if (replica.isPresent()) {
            LOG.infof("Read replica: %s (timeout %s, retry after %s)", replicaPool.address(), this.config.timeout(), this.config.retryAfter());
        }
    }

    private static Counter counter(MeterRegistry registry, String result, String description) {
        return Counter.builder("oviya.chat.replica.reads").tag("result", result).description(description).register(registry);
    }

    static String writeMarkKey(UUID userId) {
        return WRITE_MARK_PREFIX + "{u:" + userId + "}";
    }

    public boolean replicaConfigured() {
        return replica.isPresent();
    }

    /** Runs {@code query} on the replica or the primary (see the class comment); the query must only read. */
    public <T> Uni<T> read(UUID userId, Function<SqlClient, Uni<T>> query) {
        if (replica.isEmpty()) {
            return onPrimary(primaryReads, query);
        }
        if (resting && System.nanoTime() - restUntilNanos < 0) {
            return onPrimary(fallbackReads, query);
        }
        Pool standby = replica.get();
        return here(writeMark(userId)).chain(mark -> {
            if (mark == UNKNOWN) {
                return onPrimary(primaryReads, query);
            }
            Uni<Boolean> caughtUp = mark == NO_MARK
                    ? Uni.createFrom().item(true)
                    : standby.preparedQuery(REPLAYED).execute(Tuple.of(mark)).map(rs -> rs.iterator().next().getBoolean(0));
            Uni<Optional<T>> attempt = caughtUp.chain(yes -> yes
                            ? query.apply(standby).map(Optional::ofNullable)
                            : Uni.createFrom().<Optional<T>>nullItem())
                    .ifNoItem().after(config.timeout()).fail();
            return here(attempt).onItemOrFailure().transformToUni((answer, failure) -> {
                if (failure != null) {
                    rest(failure);
                    return onPrimary(fallbackReads, query);
                }
                if (answer == null) {
                    // The replica has not replayed this user's last write yet.
                    return onPrimary(primaryReads, query);
                }
                recovered();
                replicaReads.increment();
                return Uni.createFrom().item(answer.orElse(null));
            });
        });
    }

    private <T> Uni<T> onPrimary(Counter counter, Function<SqlClient, Uni<T>> query) {
        counter.increment();
        return here(query.apply(primary));
    }

    /**
     * Call after a write of this user committed: until the replica has replayed it (or the mark
     * expires), the user's reads go to the primary. Never fails; without Redis the mark is lost
     * (and reads that cannot reach Redis go to the primary anyway).
     */
    public Uni<Void> wrote(UUID userId) {
        if (replica.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return here(primary.query(CURRENT_LSN).execute()
                .map(rs -> rs.iterator().next().getLong(0))
                .chain(lsn -> redis.execute("EVAL", KEEP_HIGHEST, "1", writeMarkKey(userId), Long.toString(lsn),
                        Long.toString(config.readYourWritesTtl().toMillis())))
                .replaceWithVoid()
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("Could not record the write position of user %s (read-your-writes not guaranteed for it): %s", userId, t);
                    return null;
                }));
    }

    private Uni<Long> writeMark(UUID userId) {
        return redis.execute("GET", writeMarkKey(userId))
                .ifNoItem().after(config.timeout()).fail()
                .map(ReadRouter::markOf)
                .onFailure().recoverWithItem(t -> {
                    LOG.debugf("Write marks unavailable (%s): reading from the primary", t.toString());
                    return UNKNOWN;
                });
    }

    private static long markOf(Response r) {
        return r == null ? NO_MARK : Long.parseLong(r.toString());
    }

    private void rest(Throwable failure) {
        Duration pause = config.retryAfter();
        restUntilNanos = System.nanoTime() + pause.toNanos();
        if (!resting) {
            LOG.warnf("Read replica failed (%s): reading from the primary for the next %s", failure.toString(), pause);
        }
        resting = true;
    }

    private void recovered() {
        if (resting) {
            resting = false;
            LOG.info("Read replica answers again");
        }
    }

    /** For readiness: does the replica answer, and is it really a standby? */
    public Uni<ReplicaState> probe() {
        if (replica.isEmpty()) {
            return Uni.createFrom().item(new ReplicaState(false, false, false, "not configured"));
        }
        return here(replica.get().query("SELECT pg_is_in_recovery()").execute()
                .map(rs -> rs.iterator().next().getBoolean(0))
                .ifNoItem().after(config.timeout()).fail()
                .map(inRecovery -> new ReplicaState(true, true, inRecovery, inRecovery ? "streaming" : "not in recovery"))
                .onFailure().recoverWithItem(t -> new ReplicaState(true, false, false, t.toString())));
    }

    public record ReplicaState(boolean configured, boolean up, boolean inRecovery, String detail) {
    }

    /** The SQL and Redis clients answer on their own event loops; callers continue on their context. */
    private static <T> Uni<T> here(Uni<T> call) {
        Context context = Vertx.currentContext();
        return context == null ? call : call.emitOn(Offload.backTo(context));
    }
}
