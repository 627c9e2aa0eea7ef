package app.oviya.memory.repository;

import com.pgvector.PGvector;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The pgvector side of the memories table: inserts with their embedding, per-user nearest
 * neighbours, consolidation lookups. Plain SQL on the reactive pool, since the vector type and
 * the distance operator are not something Hibernate maps. Every statement is scoped to one user.
 */
@ApplicationScoped
public class VectorStore {

    private static final String COLUMNS = "id, user_id, content, kind, importance, source_message_id, created_at, "
            + "valid_until, superseded_by, subject, category, sensitive, event_date";

    private final Pool pool;

    public VectorStore(Pool pool) {
        this.pool = pool;
    }

    public record Hit(MemoryEntity memory, double similarity) {
    }

    public <T> Uni<T> inTransaction(Function<SqlClient, Uni<T>> work) {
        return pool.withTransaction(work::apply);
    }

    static String literal(float[] vector) {
        return new PGvector(vector).toString();
    }

    public Uni<Void> insert(SqlClient c, MemoryEntity m, float[] embedding) {
        return c.preparedQuery("INSERT INTO memories (" + COLUMNS + ", embedding) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::vector)")
                .execute(Tuple.from(new Object[] {m.id, m.userId, m.content, m.kind, m.importance, m.sourceMessageId,
                        odt(m.createdAt), odt(m.validUntil), m.supersededBy, m.subject, m.category, m.sensitive, m.eventDate,
                        embedding == null ? null : literal(embedding)}))
                .replaceWithVoid();
    }

    /**
     * Exact cosine top-k over the user's current memories. The inner query is answered from the
     * covering B-tree (user_id INCLUDE id, kind, embedding) with an index-only scan; only the k
     * winners are then read from the table. See docs/memory-benchmarks.md for why not HNSW.
     */
    public Uni<List<Hit>> nearest(SqlClient c, UUID user, float[] query, int k, String kind) {
        String sql = "WITH top AS (SELECT id, embedding <=> $2::vector AS distance FROM memories "
                + "WHERE user_id = $1 AND valid_until IS NULL AND embedding IS NOT NULL"
                + (kind == null ? "" : " AND kind = $4")
                + " ORDER BY distance LIMIT $3) "
                + "SELECT " + COLUMNS.replaceAll("(\\w+)", "m.$1") + ", 1 - top.distance AS similarity "
                + "FROM top JOIN memories m ON m.id = top.id AND m.user_id = $1 ORDER BY top.distance";
        Tuple args = kind == null ? Tuple.of(user, literal(query), k) : Tuple.of(user, literal(query), k, kind);
        return c.preparedQuery(sql).execute(args).map(VectorStore::hits);
    }

    public Uni<List<Hit>> nearest(UUID user, float[] query, int k) {
        return nearest(pool, user, query, k, null);
    }

    /** The user's current memories, newest first (for an empty query). */
    public Uni<List<MemoryEntity>> newestCurrent(UUID user, int k) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM memories WHERE user_id = $1 AND valid_until IS NULL "
                + "ORDER BY created_at DESC, id DESC LIMIT $2").execute(Tuple.of(user, k))
                .map(rows -> {
                    List<MemoryEntity> out = new ArrayList<>();
                    rows.forEach(r -> out.add(entity(r)));
                    return out;
                });
    }

    /** The current memory about a subject, locked so two turns cannot both replace it. */
    public Uni<MemoryEntity> currentBySubject(SqlClient c, UUID user, String subject) {
        return c.preparedQuery("SELECT " + COLUMNS + " FROM memories WHERE user_id = $1 AND subject = $2 "
                + "AND valid_until IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE")
                .execute(Tuple.of(user, subject))
                .map(rows -> rows.size() == 0 ? null : entity(rows.iterator().next()));
    }

    public Uni<Void> supersede(SqlClient c, UUID user, UUID oldId, UUID newId, Instant at) {
        return c.preparedQuery("UPDATE memories SET valid_until = $3, superseded_by = $4 WHERE user_id = $1 AND id = $2")
                .execute(Tuple.of(user, oldId, odt(at), newId)).replaceWithVoid();
    }

    /** Deletes a memory and the history it superseded: rows and vectors are gone. */
    public Uni<Long> deleteWithHistory(UUID user, UUID id) {
        return pool.preparedQuery("""
                WITH RECURSIVE chain(id) AS (
                    SELECT id FROM memories WHERE user_id = $1 AND id = $2
                    UNION
                    SELECT m.id FROM memories m JOIN chain ON m.superseded_by = chain.id WHERE m.user_id = $1)
                DELETE FROM memories WHERE user_id = $1 AND id IN (SELECT id FROM chain)""")
                .execute(Tuple.of(user, id)).map(rows -> (long) rows.rowCount());
    }

    public Uni<Long> deleteAll(UUID user) {
        return pool.preparedQuery("DELETE FROM memories WHERE user_id = $1").execute(Tuple.of(user))
                .map(rows -> (long) rows.rowCount());
    }

    private static List<Hit> hits(RowSet<Row> rows) {
        List<Hit> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Hit(entity(r), r.getDouble("similarity")));
        }
        return out;
    }

    static MemoryEntity entity(Row r) {
        MemoryEntity m = new MemoryEntity();
        m.id = r.getUUID("id");
        m.userId = r.getUUID("user_id");
        m.content = r.getString("content");
        m.kind = r.getString("kind");
        m.importance = r.getFloat("importance");
        m.sourceMessageId = r.getUUID("source_message_id");
        m.createdAt = instant(r.getOffsetDateTime("created_at"));
        m.validUntil = instant(r.getOffsetDateTime("valid_until"));
        m.supersededBy = r.getUUID("superseded_by");
        m.subject = r.getString("subject");
        m.category = r.getString("category");
        m.sensitive = Boolean.TRUE.equals(r.getBoolean("sensitive"));
        m.eventDate = r.getLocalDate("event_date");
        return m;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime odt(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
