package app.oviya.memory.config;

import app.oviya.memory.client.EmbeddingModel;
import app.oviya.memory.client.LocalEmbeddingModel;
import app.oviya.memory.client.OpenAiEmbeddingModel;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/** Chooses the embedding model from configuration and refuses to start when it cannot fit the schema. */
@ApplicationScoped
public class EmbeddingSetup {

    private static final Logger LOG = Logger.getLogger(EmbeddingSetup.class);

    @Produces
    @ApplicationScoped
    EmbeddingModel embeddingModel(EmbeddingConfig config) {
        return switch (config.providerKind()) {
            case LOCAL -> new LocalEmbeddingModel(config.threads(), config.queue());
            case OPENAI -> new OpenAiEmbeddingModel(config.baseUrl(), config.apiKey(), config.model(), config.dimension(),
                    config.timeout(), config.maxRetries(), config.retryBackoff());
        };
    }

    void close(@Disposes EmbeddingModel model) {
        if (model instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }

    /** Runs after Flyway (which migrates at start): fail fast, with the fix in the message. */
    void check(@Observes StartupEvent ignored, EmbeddingConfig config, EmbeddingModel model, AgroalDataSource db) throws SQLException {
        int column = columnDimension(db);
        verify(config.dimension(), model.dimension(), column, config.provider());
        LOG.infof("Embeddings: provider=%s dimension=%d (memories.embedding is vector(%d))", config.provider(), model.dimension(), column);
    }

    /** Throws when the configured dimension, the model's and the column's disagree. */
    public static void verify(int configured, int model, int column, String provider) {
        if (model != configured) {
            throw new IllegalStateException("EMBEDDING_DIMENSION is " + configured + " but the '" + provider
                    + "' embedding model produces " + model + "-dimensional vectors; set EMBEDDING_DIMENSION=" + model);
        }
        if (column != configured) {
            throw new IllegalStateException("EMBEDDING_DIMENSION is " + configured + " but the column memories.embedding is vector("
                    + column + "); the schema was created for another model. Use a model with " + column
                    + " dimensions, or migrate the column (and re-embed the memories) before switching.");
        }
    }

    static int columnDimension(AgroalDataSource db) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select atttypmod from pg_attribute where attrelid = 'memories'::regclass and attname = 'embedding'");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("The table memories has no embedding column; did Flyway run?");
            }
            return rs.getInt(1);
        }
    }
}
