package app.oviya.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The five packaged services as separate JVM processes on random ports, with their own
 * *_e2e databases and a throw-away signing key: the same shape as `./oviya up`.
 * Public (with {@link #withEnv}) for the benchmarks in {@code app.oviya.e2e.bench}.
 */
public final class LocalStack implements AutoCloseable {

    static final List<String> SERVICES = List.of("memory-service", "ai-service", "auth-service", "chat-service", "api-gateway");
    /** A second replica of the gateway (same jar, same Redis), started by {@link #withSecondGateway()}. */
    public static final String SECOND_GATEWAY = "api-gateway-2";

    private final Path root;
    private final Path logs;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Map<String, String>> extraEnv = new LinkedHashMap<>();
    private final List<String> services = new ArrayList<>(SERVICES);

    public LocalStack(Path root) {
        this.root = root;
        this.logs = root.resolve("e2e-tests/target/e2e-logs");
    }

    /** An environment variable for one service, applied after (so over) the defaults above; call before start(). */
    public LocalStack withEnv(String service, String name, String value) {
        extraEnv.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    /** Also starts {@link #SECOND_GATEWAY}, a second api-gateway replica sharing Redis with the first; call before start(). */
    public LocalStack withSecondGateway() {
        services.add(SECOND_GATEWAY);
        return this;
    }

    public int port(String service) {
        return ports.get(service);
    }

    public String gatewayUrl() {
        return "http://localhost:" + port("api-gateway");
    }

    public LocalStack start() throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path key = writeSigningKey();
        for (String s : services) {
            ports.put(s, freePort());
        }
        for (String s : services) {
            String module = SECOND_GATEWAY.equals(s) ? "api-gateway" : s;
            Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
            }
            ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve(s + ".log").toFile());
            Map<String, String> env = pb.environment();
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port(s)));
            String db = dbName(s);
            if (db != null) {
                env.put("DB_NAME", db);
                // The e2e databases are disposable: never depend on what an earlier checkout migrated.
                env.put("QUARKUS_FLYWAY_CLEAN_AT_START", "true");
            }
            env.put("AUTH_GRPC_PORT", Integer.toString(port("auth-service")));
            env.put("CHAT_GRPC_PORT", Integer.toString(port("chat-service")));
            env.put("AI_GRPC_PORT", Integer.toString(port("ai-service")));
            env.put("MEMORY_GRPC_PORT", Integer.toString(port("memory-service")));
            env.put("JWT_PRIVATE_KEY_PATH", key.toString());
            env.put("JWT_KEY_ID", "e2e-key");
            // The offline provider, whatever the developer's shell says.
            env.remove("ANTHROPIC_API_KEY");
            env.put("OVIYA_AI_PROVIDER", "offline");
            env.putAll(extraEnv.getOrDefault(module, Map.of()));
            processes.add(pb.start());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        for (String s : services) {
            waitReady(s, deadline);
        }
        return this;
    }

    static String dbName(String service) {
        return switch (service) {
            case "auth-service" -> "oviya_auth_e2e";
            case "chat-service" -> "oviya_chat_e2e";
            case "ai-service" -> "oviya_ai_e2e";
            case "memory-service" -> "oviya_memory_e2e";
            default -> null;
        };
    }

    private void waitReady(String service, long deadline) throws InterruptedException {
        URI uri = URI.create("http://localhost:" + port(service) + "/q/health/ready");
        int index = services.indexOf(service);
        while (System.nanoTime() < deadline) {
            if (!processes.get(index).isAlive()) {
                throw new IllegalStateException(service + " exited during start; see " + logs.resolve(service + ".log") + "\n" + tail(service));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(3000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " was not ready in time\n" + tail(service));
    }

    String tail(String service) {
        try {
            List<String> lines = Files.readAllLines(logs.resolve(service + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private Path writeSigningKey() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
            String label = "PRIVATE KEY"; // PKCS#8 armour, written for a throw-away key
            String pem = "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
                    + "\n-----END " + label + "-----\n";
            Path key = logs.resolve("jwt-private.pem");
            Files.writeString(key, pem);
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a query against one of the services' e2e databases; each row's first column as text. */
    static List<String> query(String database, String sql, String... params) throws java.sql.SQLException {
        String url = "jdbc:postgresql://" + env("DB_HOST", "localhost") + ":" + env("DB_PORT", "5432") + "/" + database;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, env("DB_USER", "oviya"), env("DB_PASSWORD", "oviya"));
                java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
