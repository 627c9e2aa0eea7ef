package app.oviya.chat.repository;

import app.oviya.chat.config.ChatConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The reactive pool of the read replica, when one is configured ({@code oviya.chat.replica.host}).
 * Plain Vert.x SQL: Hibernate Reactive has its one persistence unit on the primary. The TCP connect
 * is bounded by the replica timeout; a replica that accepts connections but never answers is cut
 * off by the read's timeout in ReadRouter, and the bounded wait queue fails further reads at once.
 */
@ApplicationScoped
public class ReplicaPool {

    private final Pool pool;
    private final String address;

    public ReplicaPool(Vertx vertx, ChatConfig config) {
        ChatConfig.Replica replica = config.replica();
        if (replica.host().isEmpty()) {
            pool = null;
            address = "none";
            return;
        }
        int timeoutMillis = (int) Math.max(1, replica.timeout().toMillis());
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(replica.host().get())
                .setPort(replica.port())
                .setDatabase(replica.database())
                .setUser(replica.username())
                .setPassword(replica.password())
                .setConnectTimeout(timeoutMillis);
        PoolOptions options = new PoolOptions()
                .setName("replica")
                .setMaxSize(replica.poolSize())
                .setMaxWaitQueueSize(replica.poolSize() * 16)
                // No pool wait timer: the read's own timeout (ReadRouter) bounds the wait, and Vert.x 4.5's
                // timer fails an already failed waiter again ("Result is already complete") when the replica is down.
                .setConnectionTimeout(0);
        pool = PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
        address = replica.host().get() + ":" + replica.port() + "/" + replica.database();
    }

    public Optional<Pool> get() {
        return Optional.ofNullable(pool);
    }

    /** host:port/database, or "none". */
    public String address() {
        return address;
    }

    @PreDestroy
    void close() {
        if (pool != null) {
            pool.closeAndAwait();
        }
    }
}
