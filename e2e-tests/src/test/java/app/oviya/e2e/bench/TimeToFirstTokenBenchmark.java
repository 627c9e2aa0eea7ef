package app.oviya.e2e.bench;

import app.oviya.e2e.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform time to first token (docs/chat-benchmarks.md). {@code concurrency} clients each open
 * {@code warmup} + {@code rounds} streams one after the other:
 * <ol>
 * <li>directly against {@link AnthropicStub}: time from sending the request to the first
 * {@code content_block_delta} event;</li>
 * <li>through the packaged stack (gateway → chat → memory + ai → the same stub, started by
 * {@link LocalStack}): one registered user and conversation per client, {@code POST
 * /v1/conversations/{id}/messages} as SSE, time from sending to the first {@code reply.delta}.</li>
 * </ol>
 * Prints p50/p90/p99 of both and the overhead. A main class, not a test: it never runs in the
 * build. Knobs (system properties): bench.concurrency (50), bench.rounds (20), bench.warmup (4),
 * bench.phase (both | direct | stack), bench.deltaIntervalMs (10: the stub's pause between deltas),
 * bench.messages (labelled: the 206 sentences of four words or more of ai-service's emotion set, a median of 44 characters,
 * like real chat messages | uuid: the earlier "Round N: today was long and I keep thinking about it
 * <uuid>", whose uuid alone is ~35 word pieces and makes every embedding ~3x dearer).
 */
public final class TimeToFirstTokenBenchmark {

    private static final String PASSWORD = "a long and quiet benchmark evening";
    private static final List<String> DATABASES = List.of("oviya_auth_bench", "oviya_chat_bench", "oviya_ai_bench", "oviya_memory_bench");
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(120);

    private final int concurrency = Integer.getInteger("bench.concurrency", 50);
    private final int rounds = Integer.getInteger("bench.rounds", 20);
    private final int warmup = Integer.getInteger("bench.warmup", 4);
    private final String phase = System.getProperty("bench.phase", "both");
    private final String messages = System.getProperty("bench.messages", "labelled");
    /**
     * Spread the clients' starts over one stream's length (client i waits i/concurrency of it) at the
     * start of the warm-up and of the measured phase, so that "50 concurrent streams" means 50 open
     * streams in steady state rather than 50 sends in the same millisecond after each barrier
     * (bench.stagger=false: the earlier synchronised start).
     */
    private final boolean stagger = Boolean.parseBoolean(System.getProperty("bench.stagger", "true"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One client's stream: returns the time to the first token in nanoseconds. */
    @FunctionalInterface
    interface Stream {
        long open(int client, int round) throws Exception;
    }

    record Result(String name, List<Long> nanos, int failures, double seconds) {
        double percentile(double p) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1)) / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        new TimeToFirstTokenBenchmark().run();
    }

    private void run() throws Exception {
        System.out.printf("Time to first token: %d concurrent streams x %d rounds (+%d warm-up rounds), phase=%s, stub deltas %d ms apart,"
                + " staggered starts %s%n", concurrency, rounds, warmup, phase, AnthropicStub.DELTA_INTERVAL_MS, stagger);
        System.out.println("load average at start: " + loadAverage());
        Result direct = null;
        Result stack = null;
        try (AnthropicStub stub = AnthropicStub.start(0)) {
            if (!"stack".equals(phase)) {
                direct = measure("stub directly (first content_block_delta)", (c, r) -> direct(stub));
            }
            if (!"direct".equals(phase)) {
                stack = throughTheStack(stub);
            }
            System.out.println("stub answered " + stub.streams() + " streams");
        }
        System.out.println("load average at end: " + loadAverage());
        System.out.println();
        System.out.println("| path | streams | failed | p50 | p90 | p99 | streams/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Result r : new Result[] {direct, stack}) {
            if (r != null) {
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.0f |%n", r.name(), r.nanos().size(), r.failures(),
                        r.percentile(50), r.percentile(90), r.percentile(99), r.nanos().size() / r.seconds());
            }
        }
        if (direct != null && stack != null) {
            System.out.printf(Locale.ROOT, "%nOverhead: p50 %.1f ms (goal <= 15 ms), p99 %.1f ms (goal <= 60 ms)%n",
                    stack.percentile(50) - direct.percentile(50), stack.percentile(99) - direct.percentile(99));
        }
    }

    private Result measure(String name, Stream stream) throws Exception {
        return measure(name, stream, () -> { });
    }

    /** {@code atMeasureStart} runs once, when every client has warmed up and before any is measured. */
    private Result measure(String name, Stream stream, Runnable atMeasureStart) throws Exception {
        ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger warm = new AtomicInteger(concurrency);
        CountDownLatch warmedUp = new CountDownLatch(1);
        long[] measuredFrom = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int r = 0; r < warmup + rounds; r++) {
                        if (r == 0) {
                            staggerStart(client);
                        }
                        if (r == warmup) {
                            // Everyone warms up before anyone is measured, so measured streams never overlap a cold start.
                            if (warm.decrementAndGet() == 0) {
                                atMeasureStart.run();
                                measuredFrom[0] = System.nanoTime();
                                warmedUp.countDown();
                            }
                            warmedUp.await();
                            staggerStart(client);
                        }
                        try {
                            long t = stream.open(client, r);
                            if (r >= warmup) {
                                samples.add(t);
                            }
                        } catch (Exception e) {
                            if (r >= warmup) {
                                failures.incrementAndGet();
                            }
                            if (failures.get() <= 5) {
                                System.err.println(name + ": client " + client + " round " + r + " failed: " + e);
                            }
                        }
                    }
                    if (warmup == 0 || rounds == 0) {
                        warmedUp.countDown();
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - measuredFrom[0]) / 1e9;
        Result r = new Result(name, new ArrayList<>(samples), failures.get(), seconds);
        System.out.printf(Locale.ROOT, "%s: %d streams, %d failed, p50 %.1f ms, p99 %.1f ms%n", name, r.nanos().size(), r.failures(),
                r.nanos().isEmpty() ? 0.0 : r.percentile(50), r.nanos().isEmpty() ? 0.0 : r.percentile(99));
        return r;
    }

    /** Client i of n waits i/n of one stream's length (the stub's five deltas) before its next send. */
    private void staggerStart(int client) throws InterruptedException {
        if (stagger) {
            long streamMs = 4 * AnthropicStub.DELTA_INTERVAL_MS + 20;
            Thread.sleep(streamMs * client / concurrency);
        }
    }

    /** One Messages request to the stub, as ai-service would send it. */
    private long direct(AnthropicStub stub) throws Exception {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are Oviya.\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"I had a long day\"}]}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/v1/messages")).timeout(STREAM_TIMEOUT)
                .header("content-type", "application/json").header("accept", "text/event-stream")
                .header("x-api-key", "bench").header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return firstEvent(request, "content_block_delta", "message_stop");
    }

    /**
     * Sends the request and reads the SSE stream to its end; answers the nanoseconds from sending to
     * the line {@code event: <first>}. Fails when the stream has no such event, or ends with an error.
     */
    private long firstEvent(HttpRequest request, String first, String last) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long firstAt = 0;
        boolean ended = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + ": " + in.readLine());
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("event:")) {
                    continue;
                }
                String name = line.substring(6).strip();
                if (firstAt == 0 && name.equals(first)) {
                    firstAt = System.nanoTime();
                } else if (name.equals("error")) {
                    throw new IOException("error event: " + in.readLine());
                } else if (name.equals(last)) {
                    ended = true;
                }
            }
        }
        if (firstAt == 0 || !ended) {
            throw new IOException("stream ended without " + (firstAt == 0 ? first : last));
        }
        return firstAt - start;
    }

    private Result throughTheStack(AnthropicStub stub) throws Exception {
        Path root = repoRoot();
        createDatabases();
        String bench = "oviya:bench:" + UUID.randomUUID() + ":";
        LocalStack stack = new LocalStack(root)
                .withEnv("ai-service", "OVIYA_AI_PROVIDER", "anthropic")
                .withEnv("ai-service", "ANTHROPIC_API_KEY", "bench-not-a-key")
                .withEnv("ai-service", "ANTHROPIC_BASE_URL", stub.baseUrl())
                // The provider budget is what is measured elsewhere (ai-benchmarks): here it must not queue.
                .withEnv("ai-service", "OVIYA_AI_ADMISSION_REQUESTS_PER_MINUTE", "1000000")
                .withEnv("ai-service", "OVIYA_AI_ADMISSION_TOKENS_PER_MINUTE", "1000000000")
                .withEnv("ai-service", "OVIYA_AI_ADMISSION_KEY_PREFIX", bench + "ai:admission")
                .withEnv("ai-service", "OVIYA_AI_RESPONSE_CACHE_KEY_PREFIX", bench + "ai:reply")
                // 50 users sending back to back: per-user limits would stop them, not measure them. At most
                // 60,000 a minute: the limiter's interval is whole milliseconds (more gives 0 and a limiter error).
                .withEnv("api-gateway", "OVIYA_GATEWAY_PLANS_FREE_MESSAGES_PER_MINUTE", "6000")
                .withEnv("api-gateway", "OVIYA_GATEWAY_PLANS_FREE_MESSAGES_PER_DAY", "-1")
                .withEnv("api-gateway", "OVIYA_GATEWAY_RATE_LIMIT_AUTH_PER_IP_PER_MINUTE", "6000")
                .withEnv("api-gateway", "OVIYA_GATEWAY_RATE_LIMIT_KEY_PREFIX", bench + "rl:");
        for (String service : List.of("auth-service", "chat-service", "ai-service", "memory-service")) {
            stack.withEnv(service, "DB_NAME", "oviya_" + service.substring(0, service.indexOf('-')) + "_bench");
        }
        System.out.println("starting the packaged services (logs: e2e-tests/target/e2e-logs)...");
        try (LocalStack running = stack.start()) {
            String gateway = running.gatewayUrl();
            java.util.concurrent.atomic.AtomicReference<Map<String, TreeMap<Double, Double>>> before = new java.util.concurrent.atomic.AtomicReference<>();
            List<String> tokens = new ArrayList<>();
            List<String> conversations = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                String token = register(gateway);
                tokens.add(token);
                conversations.add(createConversation(gateway, token));
            }
            System.out.println(concurrency + " users registered, one conversation each");
            List<String> texts = "uuid".equals(messages) ? List.of() : labelledSentences(root);
            System.out.println("messages: " + ("uuid".equals(messages) ? "Round N: ... <uuid>" : texts.size() + " labelled sentences"));
            Result result = measure("gateway -> chat -> memory + ai -> stub (first reply.delta)", (c, r) -> {
                // The response cache answers only known openers ("hi", "good morning"), none of these: every send reaches the stub.
                String text = texts.isEmpty() ? "Round " + r + ": today was long and I keep thinking about it " + UUID.randomUUID()
                        : texts.get((c * 31 + r) % texts.size());
                String body = "{\"content\":\"" + text + "\"}";
                HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/conversations/" + conversations.get(c) + "/messages"))
                        .timeout(STREAM_TIMEOUT)
                        .header("authorization", "Bearer " + tokens.get(c)).header("content-type", "application/json")
                        .header("accept", "text/event-stream").header("idempotency-key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                return firstEvent(request, "reply.delta", "reply.completed");
            }, () -> before.set(turnHistograms(running)));
            printStagePercentiles(before.get(), turnHistograms(running));
            printHopTimes(running);
            return result;
        }
    }

    /**
     * Where the time went: each service's gRPC server and client timers (Micrometer, over the
     * whole run including warm-up), as mean and max per method.
     */
    private void printHopTimes(LocalStack running) {
        System.out.println();
        System.out.println("| service | timer | method | calls | mean | max |");
        System.out.println("|---|---|---|---|---|---|");
        for (String service : List.of("api-gateway", "chat-service", "memory-service", "ai-service", "auth-service")) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port(service) + "/q/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, double[]> timers = new TreeMap<>();
                for (String line : r.body().split("\n")) {
                    java.util.regex.Matcher m = METRIC.matcher(line);
                    if (m.matches()) {
                        double[] v = timers.computeIfAbsent(m.group(1) + " | " + m.group(3), k -> new double[3]);
                        v["count".equals(m.group(2)) ? 0 : "sum".equals(m.group(2)) ? 1 : 2] += Double.parseDouble(m.group(4));
                    }
                }
                timers.forEach((k, v) -> {
                    if (v[0] > 0) {
                        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.1f ms | %.1f ms |%n", service, k, v[0], v[1] / v[0] * 1000, v[2] * 1000);
                    }
                });
            } catch (Exception e) {
                System.out.println("| " + service + " | metrics unavailable: " + e + " | | | | |");
            }
        }
    }

    /**
     * The turn-stage histograms of chat-service and ai-service ({@code oviya_chat_turn_seconds},
     * {@code oviya_ai_turn_seconds}: time from the start of the turn in that service to each stage),
     * as cumulative bucket counts per service|stage.
     */
    private Map<String, TreeMap<Double, Double>> turnHistograms(LocalStack running) {
        Map<String, TreeMap<Double, Double>> out = new TreeMap<>();
        for (String service : List.of("chat-service", "ai-service", "memory-service")) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port(service) + "/q/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                for (String line : r.body().split("\n")) {
                    java.util.regex.Matcher m = BUCKET.matcher(line);
                    if (m.matches()) {
                        double le = "+Inf".equals(m.group(3)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
                        out.computeIfAbsent(m.group(1) + " | " + m.group(2), k -> new TreeMap<>()).merge(le, Double.parseDouble(m.group(4)), Double::sum);
                    }
                }
            } catch (Exception e) {
                System.out.println(service + ": metrics unavailable: " + e);
            }
        }
        return out;
    }

    /**
     * Per stage, p50 and p99 of the measured streams only (bucket counts after minus before the
     * measured phase); a quantile is the upper bound of the bucket it falls in (Micrometer's buckets
     * are 10-30% apart here, so read these as +/- one bucket).
     */
    private static void printStagePercentiles(Map<String, TreeMap<Double, Double>> before, Map<String, TreeMap<Double, Double>> after) {
        System.out.println();
        System.out.println("| turn stage (time since the turn started in that service) | streams | p50 | p99 |");
        System.out.println("|---|---|---|---|");
        after.forEach((key, buckets) -> {
            TreeMap<Double, Double> base = before == null ? new TreeMap<>() : before.getOrDefault(key, new TreeMap<>());
            TreeMap<Double, Double> diff = new TreeMap<>();
            buckets.forEach((le, n) -> diff.put(le, n - base.getOrDefault(le, 0.0)));
            double total = diff.getOrDefault(Double.POSITIVE_INFINITY, diff.isEmpty() ? 0.0 : diff.lastEntry().getValue());
            if (total <= 0) {
                return;
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %s |%n", key, total, quantile(diff, total, 0.50), quantile(diff, total, 0.99));
        });
    }

    private static String quantile(TreeMap<Double, Double> cumulative, double total, double q) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= q * total) {
                return e.getKey().isInfinite() ? "> 10 s" : String.format(Locale.ROOT, "<= %.1f ms", e.getKey() * 1000);
            }
        }
        return "-";
    }

    private static final java.util.regex.Pattern BUCKET = java.util.regex.Pattern.compile(
            "(oviya_(?:chat_turn|ai_turn|memory_search)_seconds)_bucket\\{.*stage=\"([^\"]+)\".*le=\"([^\"]+)\".*\\} ([0-9.Ee+-]+)");

    private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile(
            "(grpc_(?:server|client)_processing_duration_seconds)_(count|sum|max)\\{.*method=\"([^\"]+)\".*\\} ([0-9.Ee+-]+)");

    private String register(String gateway) throws Exception {
        String body = "{\"email\":\"ttft-" + UUID.randomUUID() + "@example.com\",\"password\":\"" + PASSWORD + "\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/auth/register"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("register: HTTP " + r.statusCode() + " " + r.body());
        }
        return field(r.body(), "accessToken");
    }

    private String createConversation(String gateway, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/conversations"))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create conversation: HTTP " + r.statusCode() + " " + r.body());
        }
        return field(r.body(), "id");
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":\"");
        if (i < 0) {
            throw new IllegalStateException(name + " missing in " + json);
        }
        int from = i + name.length() + 4;
        return json.substring(from, json.indexOf('"', from));
    }

    /**
     * Scratch databases of their own (never the *_e2e ones an e2e run may be using), created once as
     * the PostgreSQL superuser like ./oviya does; the services' Flyway cleans and migrates them at start.
     */
    private static void createDatabases() throws SQLException {
        String host = env("DB_HOST", "localhost") + ":" + env("DB_PORT", "5432");
        String superuser = env("DB_SUPERUSER", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", superuser, env("DB_SUPERUSER_PASSWORD", ""));
                Statement s = c.createStatement()) {
            for (String db : DATABASES) {
                try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + db + "'")) {
                    if (rs.next()) {
                        continue;
                    }
                }
                s.execute("create database " + db + " owner " + env("DB_USER", "oviya"));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + "/oviya_memory_bench", superuser,
                env("DB_SUPERUSER_PASSWORD", "")); Statement s = c.createStatement()) {
            s.execute("create extension if not exists vector");
        }
    }

    /** The sentences of ai-service's labelled emotion set (label TAB sentence), as user messages. */
    private static List<String> labelledSentences(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(root.resolve("ai-service/src/test/resources/emotion/labelled.tsv"))) {
            int tab = line.indexOf('\t');
            String sentence = tab > 0 ? line.substring(tab + 1).strip() : "";
            // Used as a JSON string as is: sentences that would need escaping are left out (the set has none).
            // Under four words could be an opener the response cache answers ("Good morning."): left out too.
            if (!line.startsWith("#") && sentence.split(" ").length >= 4 && !sentence.matches(".*[\"\\\\].*")) {
                out.add(sentence);
            }
        }
        return out;
    }

    private static Path repoRoot() {
        Path p = Path.of(System.getProperty("oviya.repo.root", ".")).toAbsolutePath().normalize();
        for (Path candidate = p; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("e2e-tests")) && Files.exists(candidate.resolve("mvnw"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("run from the repository (or pass -Doviya.repo.root): " + p);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip() + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
