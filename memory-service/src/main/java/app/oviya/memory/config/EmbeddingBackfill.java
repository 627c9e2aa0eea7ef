package app.oviya.memory.config;

import app.oviya.memory.client.EmbeddingModel;
import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Memories stored before embeddings existed (V1) have none, and search cannot find them. After
 * start, on a worker thread, this embeds them in small batches; a failure only postpones it to the
 * next start.
 */
@ApplicationScoped
public class EmbeddingBackfill {

    private static final Logger LOG = Logger.getLogger(EmbeddingBackfill.class);
    private static final int BATCH = 64;

    private final AgroalDataSource db;
    private final EmbeddingModel embeddings;

    public EmbeddingBackfill(AgroalDataSource db, EmbeddingModel embeddings) {
        this.db = db;
        this.embeddings = embeddings;
    }

    void onStart(@Observes StartupEvent ignored) {
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                long n = run();
                if (n > 0) {
                    LOG.infof("Embedded %d memories that had no embedding", n);
                }
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("Embedding backfill postponed: %s", e.getMessage());
            }
        });
    }

    /** Embeds every memory without an embedding; returns how many. Blocking: call it off the event loop. */
    public long run() throws SQLException {
        long done = 0;
        while (true) {
            List<UUID> ids = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT id, content FROM memories WHERE embedding IS NULL LIMIT " + BATCH);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add((UUID) rs.getObject(1));
                    texts.add(rs.getString(2));
                }
            }
            if (ids.isEmpty()) {
                return done;
            }
            List<float[]> vectors = embeddings.embedAll(texts).await().atMost(Duration.ofMinutes(2));
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE memories SET embedding = ?::vector WHERE id = ? AND embedding IS NULL")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(1, new PGvector(vectors.get(i)).toString());
                    ps.setObject(2, ids.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            done += ids.size();
        }
    }
}
