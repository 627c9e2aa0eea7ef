package app.oviya.chat.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The mood timeline in one aggregate statement: per UTC day and emotion label, how many of the
 * user's messages carry that emotion and their mean intensity, plus the day's dominant label.
 * Served by {@code messages_user_emotion_created_idx} (V3) as an index-only range scan.
 */
@ApplicationScoped
public class MoodRepository {

    /** One row per (day, label); $1 user, $2 from, $3 to. Public so the plan test EXPLAINs exactly this statement. */
    public static final String TIMELINE_SQL = """
            SELECT day, label, n, mean,
                   first_value(label) OVER (PARTITION BY day ORDER BY n DESC, mean DESC, label) AS dominant
            FROM (SELECT to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                         lower(m.emotion_label) AS label,
                         count(*) AS n,
                         avg(m.emotion_intensity)::float8 AS mean
                  FROM messages m
                  WHERE m.user_id = $1 AND m.emotion_label IS NOT NULL
                    AND m.created_at >= $2 AND m.created_at < $3
                  GROUP BY 1, 2) per_label
            ORDER BY day, n DESC, label""";

    public record LabelDay(String day, String label, long count, double meanIntensity, String dominant) {
    }

    /**
     * Rows for the messages created in [from, to), oldest day first, most frequent label first, on
     * {@code db} (the replica or the primary: {@link app.oviya.chat.service.ReadRouter}).
     */
    public Uni<List<LabelDay>> timeline(SqlClient db, UUID userId, Instant from, Instant to) {
        return db.preparedQuery(TIMELINE_SQL).execute(Tuple.of(userId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    List<LabelDay> out = new ArrayList<>();
                    for (Row r : rows) {
                        Double mean = r.getDouble("mean");
                        out.add(new LabelDay(r.getString("day"), r.getString("label"), r.getLong("n"), mean == null ? 0 : mean,
                                r.getString("dominant")));
                    }
                    return out;
                });
    }
}
