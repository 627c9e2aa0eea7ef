package app.oviya.memory.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Per-user top-10 search over 1,000,000 memories (1,000 users x 1,000), exact scan within the
 * user's rows (B-tree on user_id) side by side with a global HNSW index filtered by user
 * (iterative scan). Not a test: run it by hand, see docs/memory-benchmarks.md.
 *
 * <pre>
 * java -cp ... app.oviya.memory.bench.VectorSearchBenchmark load|exact|hnsw-index|hnsw|all [users] [perUser] [queries]
 * </pre>
 *
 * Vectors are synthetic but clustered like real memories: each user has 25 topics; a memory is
 * its topic's centre plus noise, normalised; a query is a memory of the user plus noise. Rows are
 * loaded interleaved across users (round by round), the way they arrive in production, so one
 * user's rows are spread over the table rather than clustered.
 */
public final class VectorSearchBenchmark {

    static final int DIM = 384;
    static final int TOPICS = 25;
    static final String URL = System.getProperty("bench.url", "jdbc:postgresql://localhost:5432/oviya_memory_vectors_bench?user=oviya&password=oviya");

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int perUser = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        try (Connection c = DriverManager.getConnection(URL)) {
            switch (mode) {
                case "load" -> load(c, users, perUser);
                case "exact" -> measure(c, users, queries, Strategy.EXACT_HEAP);
                case "cover-index" -> coverIndex(c);
                case "exact-cover" -> measure(c, users, queries, Strategy.EXACT_COVERING);
                case "hnsw-index" -> hnswIndex(c);
                case "hnsw" -> measure(c, users, queries, Strategy.HNSW);
                case "all" -> {
                    load(c, users, perUser);
                    measure(c, users, queries, Strategy.EXACT_HEAP);
                    coverIndex(c);
                    measure(c, users, queries, Strategy.EXACT_COVERING);
                    hnswIndex(c);
                    measure(c, users, queries, Strategy.HNSW);
                }
                default -> throw new IllegalArgumentException("mode: load|exact|cover-index|exact-cover|hnsw-index|hnsw|all");
            }
        }
    }

    static UUID user(int u) {
        return new UUID(0x0b1a_0000_0000_0000L, u);
    }

    private static final java.util.Map<Long, float[]> TOPICS_BY_KEY = new java.util.concurrent.ConcurrentHashMap<>();

    static float[] topic(int u, int t) {
        return TOPICS_BY_KEY.computeIfAbsent(31L * u + t, k -> unit(gaussian(new Random(k), 1.0)));
    }

    static float[] gaussian(Random r, double sigma) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) (r.nextGaussian() * sigma);
        }
        return v;
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    static float[] memory(int u, int i) {
        float[] centre = topic(u, i % TOPICS);
        float[] noise = gaussian(new Random(1_000_003L * u + i), 0.06);
        for (int d = 0; d < DIM; d++) {
            noise[d] += centre[d];
        }
        return unit(noise);
    }

    static String literal(float[] v) {
        StringBuilder b = new StringBuilder(v.length * 9).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(String.format(Locale.ROOT, "%.5f", v[i]));
        }
        return b.append(']').toString();
    }

    static void load(Connection c, int users, int perUser) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS memories");
            // The production table (V1 + V2), without its indexes: they are built after the load.
            s.execute("""
                    CREATE TABLE memories (
                        id uuid PRIMARY KEY, user_id uuid NOT NULL, content text NOT NULL, kind varchar(16) NOT NULL,
                        importance real NOT NULL DEFAULT 0.5, source_message_id uuid, created_at timestamptz NOT NULL,
                        embedding vector(384), valid_until timestamptz, superseded_by uuid, subject varchar(120),
                        category varchar(24), sensitive boolean NOT NULL DEFAULT false, event_date date)""");
            s.execute("ALTER TABLE memories DROP CONSTRAINT memories_pkey");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        long t0 = System.nanoTime();
        int batchRounds = 20;
        for (int round = 0; round < perUser; round += batchRounds) {
            byte[] batch = binaryRows(users, round, Math.min(perUser, round + batchRounds));
            copy.copyIn("COPY memories (id, user_id, content, kind, importance, created_at, embedding) FROM STDIN (FORMAT binary)",
                    new java.io.ByteArrayInputStream(batch));
            if ((round / batchRounds) % 10 == 0) {
                System.out.printf(Locale.ROOT, "loaded %,d rows in %.0f s%n", (long) Math.min(perUser, round + batchRounds) * users,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        long t1 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE memories ADD PRIMARY KEY (id)");
            s.execute("CREATE INDEX memories_user_created_idx ON memories (user_id, created_at DESC, id DESC)");
            s.execute("CREATE INDEX memories_user_current_idx ON memories (user_id) WHERE valid_until IS NULL");
            s.execute("VACUUM ANALYZE memories");
        }
        System.out.printf(Locale.ROOT, "load: %,d rows COPY %.0f s, B-tree indexes + vacuum analyze %.0f s%n",
                (long) users * perUser, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }

    /** PostgreSQL binary COPY rows for rounds [from, to): one memory of every user per round. */
    static byte[] binaryRows(int users, int from, int to) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream((to - from) * users * 1700 + 32);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
        out.writeInt(0);
        out.writeInt(0);
        long pgEpochMicros = 946_684_800_000_000L;
        for (int round = from; round < to; round++) {
            for (int u = 0; u < users; u++) {
                out.writeShort(7);
                uuid(out, new UUID(round, u));
                uuid(out, user(u));
                byte[] content = ("synthetic memory " + round + " of user " + u).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(content.length);
                out.write(content);
                out.writeInt(4);
                out.write(new byte[] {'n', 'o', 't', 'e'});
                out.writeInt(4);
                out.writeFloat(0.5f);
                out.writeInt(8);
                out.writeLong((1_700_000_000L + round * 3600L) * 1_000_000L - pgEpochMicros);
                float[] v = memory(u, round);
                out.writeInt(4 + 4 * DIM);
                out.writeShort(DIM);
                out.writeShort(0);
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
        }
        out.writeShort(-1);
        out.flush();
        return bytes.toByteArray();
    }

    private static void uuid(java.io.DataOutputStream out, UUID id) throws IOException {
        out.writeInt(16);
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    enum Strategy {
        /** B-tree on user_id, rows fetched from the heap (bitmap heap scan), exact distance. */
        EXACT_HEAP,
        /** Covering B-tree on user_id INCLUDE (id, kind, embedding): index-only scan, exact distance. */
        EXACT_COVERING,
        /** Global HNSW on embedding, filtered by user with iterative scans. */
        HNSW
    }

    /** The production index (V2): one user's current vectors sit together in the B-tree's leaf pages. */
    static void coverIndex(Connection c) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '1GB'");
            s.execute("DROP INDEX IF EXISTS memories_user_vectors_idx");
            s.execute("CREATE INDEX memories_user_vectors_idx ON memories (user_id) INCLUDE (id, kind, embedding) WHERE valid_until IS NULL");
            s.execute("VACUUM ANALYZE memories");
        }
        System.out.printf(Locale.ROOT, "covering B-tree build + vacuum: %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static void hnswIndex(Connection c) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '3GB'");
            s.execute("SET max_parallel_maintenance_workers = 1");
            s.execute("DROP INDEX IF EXISTS memories_embedding_hnsw");
            s.execute("CREATE INDEX memories_embedding_hnsw ON memories USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
        }
        System.out.printf(Locale.ROOT, "HNSW index build: %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static final String TOP10 = "SELECT id FROM memories WHERE user_id = ? AND valid_until IS NULL "
            + "ORDER BY embedding <=> ?::vector LIMIT 10";

    static void measure(Connection c, int users, int queries, Strategy strategy) throws SQLException {
        boolean hnsw = strategy == Strategy.HNSW;
        Random r = new Random(7);
        List<Integer> qUsers = new ArrayList<>();
        List<String> qVectors = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            int u = r.nextInt(users);
            float[] v = memory(u, r.nextInt(1000));
            float[] noise = gaussian(r, 0.05);
            for (int d = 0; d < DIM; d++) {
                v[d] += noise[d];
            }
            qUsers.add(u);
            qVectors.add(literal(unit(v)));
        }
        // The exact answer, through the B-tree path (no vector index allowed).
        List<Set<UUID>> truth = new ArrayList<>();
        if (hnsw) {
            session(c, Strategy.EXACT_HEAP);
            for (int q = 0; q < queries; q++) {
                truth.add(new HashSet<>(top10(c, qUsers.get(q), qVectors.get(q))));
            }
        }
        session(c, strategy);
        if (hnsw) {
            // With the per-user B-trees present the planner prefers them even with bitmap and
            // index-only scans off (a plain index scan on user_id, then a sort): hide them for
            // this measurement, in a transaction that is rolled back at the end.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX IF EXISTS memories_user_current_idx, memories_user_vectors_idx, memories_user_created_idx");
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + TOP10.replace("?::vector", "'" + qVectors.get(0) + "'")
                .replace("user_id = ?", "user_id = '" + user(qUsers.get(0)) + "'"))) {
            System.out.println("plan (" + strategy + "):");
            while (rs.next()) {
                String line = rs.getString(1).replaceAll("'\\[[^']*\\]'", "'[...]'");
                System.out.println("  " + line);
            }
        }
        // Warm-up: one pass, not measured (the table is far larger than shared_buffers; the OS cache holds it).
        for (int q = 0; q < Math.min(queries, 200); q++) {
            top10(c, qUsers.get(q), qVectors.get(q));
        }
        long[] nanos = new long[queries];
        double recall = 0;
        for (int q = 0; q < queries; q++) {
            long t = System.nanoTime();
            List<UUID> got = top10(c, qUsers.get(q), qVectors.get(q));
            nanos[q] = System.nanoTime() - t;
            if (hnsw) {
                Set<UUID> hit = new HashSet<>(got);
                hit.retainAll(truth.get(q));
                recall += hit.size() / (double) Math.max(1, truth.get(q).size());
            } else {
                recall += got.size() == 10 ? 1 : got.size() / 10.0;
            }
        }
        Arrays.sort(nanos);
        // The same queries' execution time inside PostgreSQL (EXPLAIN ANALYZE): what the strategy
        // costs without the client, the network and this machine's scheduling noise.
        int sampled = Math.min(queries, 200);
        double[] server = new double[sampled];
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + TOP10)) {
            for (int q = 0; q < sampled; q++) {
                ps.setObject(1, user(qUsers.get(q)));
                ps.setString(2, qVectors.get(q));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String json = rs.getString(1);
                    int at = json.indexOf("\"Execution Time\":");
                    server[q] = Double.parseDouble(json.substring(at + 17).split("[,}]")[0].strip());
                }
            }
        }
        Arrays.sort(server);
        if (hnsw) {
            c.rollback();
            c.setAutoCommit(true);
        }
        System.out.printf(Locale.ROOT, "%s: server-side execution (%d queries)  p50 %.2f ms  p95 %.2f ms%n", strategy, sampled,
                server[sampled / 2], server[(int) (sampled * 0.95)]);
        System.out.printf(Locale.ROOT, "%s: %d queries  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  recall@10 %.4f%n",
                switch (strategy) {
                    case EXACT_HEAP -> "exact, B-tree on user_id + heap rows";
                    case EXACT_COVERING -> "exact, covering B-tree (index-only)";
                    case HNSW -> "hnsw (ef_search=100, iterative_scan=relaxed_order)";
                },
                queries, nanos[queries / 2] / 1e6, nanos[(int) (queries * 0.95)] / 1e6, nanos[(int) (queries * 0.99)] / 1e6,
                recall / queries);
    }

    static void session(Connection c, Strategy strategy) throws SQLException {
        try (Statement s = c.createStatement()) {
            switch (strategy) {
                case HNSW -> {
                    s.execute("SET enable_seqscan = off");
                    s.execute("SET enable_bitmapscan = off");
                    s.execute("SET enable_indexscan = on");
                    s.execute("SET enable_indexonlyscan = off");
                    s.execute("SET hnsw.ef_search = 100");
                    s.execute("SET hnsw.iterative_scan = relaxed_order");
                }
                case EXACT_COVERING -> {
                    s.execute("SET enable_seqscan = off");
                    s.execute("SET enable_bitmapscan = off");
                    s.execute("SET enable_indexscan = on");
                    s.execute("SET enable_indexonlyscan = on");
                }
                case EXACT_HEAP -> {
                    // No vector index and no covering index: the user's rows come from the heap.
                    s.execute("SET enable_seqscan = on");
                    s.execute("SET enable_bitmapscan = on");
                    s.execute("SET enable_indexscan = off");
                    s.execute("SET enable_indexonlyscan = off");
                }
            }
        }
    }

    private static final java.util.Map<Connection, PreparedStatement> STATEMENTS = new java.util.HashMap<>();

    /** One prepared statement per connection (server-side prepared after a few runs, as in the service). */
    static List<UUID> top10(Connection c, int u, String vector) throws SQLException {
        PreparedStatement ps = STATEMENTS.get(c);
        if (ps == null) {
            ps = c.prepareStatement(TOP10);
            STATEMENTS.put(c, ps);
        }
        ps.setObject(1, user(u));
        ps.setString(2, vector);
        List<UUID> out = new ArrayList<>(10);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add((UUID) rs.getObject(1));
            }
        }
        return out;
    }
}
