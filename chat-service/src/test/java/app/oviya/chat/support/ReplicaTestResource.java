package app.oviya.chat.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Points chat-service's read replica at the real local streaming replica (`./oviya deps` makes it;
 * DB_REPLICA_HOST/DB_REPLICA_PORT, default localhost:5433) through a {@link ReplicaProxy} the tests
 * can break. No replica, or a server that is not in recovery, fails the test class with a clear
 * message: these tests must never pass without a replica.
 */
public class ReplicaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String HOST = env("DB_REPLICA_HOST", "localhost");
    public static final int PORT = Integer.parseInt(env("DB_REPLICA_PORT", "5433"));
    public static final String DATABASE = env("TEST_DB_NAME", "oviya_chat_test");
    /** Short, so the fallback tests run quickly. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    public static final Duration RETRY_AFTER = Duration.ofMillis(300);

    public static volatile ReplicaProxy proxy;

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE,
                env("DB_USER", "oviya"), env("DB_PASSWORD", "oviya"));
    }

    @Override
    public Map<String, String> start() {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException("The server on " + HOST + ":" + PORT + " is not a streaming replica (pg_is_in_recovery() is "
                        + "false): run ./oviya deps, or point DB_REPLICA_PORT at the replica");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("No streaming replica on " + HOST + ":" + PORT + " (" + e.getMessage() + "). These tests need "
                    + "one: run ./oviya deps (it makes the replica; ./oviya test does it first), or set DB_REPLICA_HOST/DB_REPLICA_PORT", e);
        }
        try {
            proxy = new ReplicaProxy(HOST, PORT);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the replica proxy", e);
        }
        Map<String, String> config = new HashMap<>();
        // The test profile's empty "%test." host would win over a plain key: set both.
        for (String prefix : new String[] {"", "%test."}) {
            config.put(prefix + "oviya.chat.replica.host", "127.0.0.1");
            config.put(prefix + "oviya.chat.replica.port", Integer.toString(proxy.port()));
            config.put(prefix + "oviya.chat.replica.timeout", TIMEOUT.toMillis() + "ms");
            config.put(prefix + "oviya.chat.replica.retry-after", RETRY_AFTER.toMillis() + "ms");
        }
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }
}
