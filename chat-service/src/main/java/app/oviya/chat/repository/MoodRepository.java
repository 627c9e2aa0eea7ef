package app.oviya.chat.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The mood timeline in one aggregate statement: per UTC day and emotion label, how many of the
 * user's messages carry that emotion and their mean intensity, plus the day's dominant label.
 * Served by {@code messages_user_emotion_created_idx} (V3) as an index-only range scan.
 */
@ApplicationScoped
public class MoodRepository {

    /** One row per (day, label); public so the plan test EXPLAINs exactly this statement. */
    public static final String TIMELINE_SQL = """
            SELECT day, label, n, mean,
                   first_value(label) OVER (PARTITION BY day ORDER BY n DESC, mean DESC, label) AS dominant
            FROM (SELECT to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                         lower(m.emotion_label) AS label,
                         count(*) AS n,
                         avg(m.emotion_intensity)::float8 AS mean
                  FROM messages m
                  WHERE m.user_id = :user AND m.emotion_label IS NOT NULL
                    AND m.created_at >= :from AND m.created_at < :to
                  GROUP BY 1, 2) per_label
            ORDER BY day, n DESC, label""";

    public record LabelDay(String day, String label, long count, double meanIntensity, String dominant) {
    }

    /** Rows for the messages created in [from, to), oldest day first, most frequent label first. */
    public Uni<List<LabelDay>> timeline(UUID userId, Instant from, Instant to) {
        return Panache.getSession().chain(session -> session.createNativeQuery(TIMELINE_SQL, Object[].class)
                .setParameter("user", userId)
                .setParameter("from", from)
                .setParameter("to", to)
                .getResultList())
                .map(rows -> rows.stream().map(MoodRepository::row).toList());
    }

    private static LabelDay row(Object[] r) {
        return new LabelDay((String) r[0], (String) r[1], ((Number) r[2]).longValue(),
                r[3] == null ? 0 : ((Number) r[3]).doubleValue(), (String) r[4]);
    }
}
