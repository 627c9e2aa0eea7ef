package app.oviya.chat.service;

import app.oviya.chat.repository.MoodRepository;
import app.oviya.chat.v1.MoodDay;
import app.oviya.chat.v1.MoodLabel;
import app.oviya.chat.v1.MoodTimeline;
import app.oviya.common.error.ServiceException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The user's emotion timeline (mood insights): the emotions detected in their messages, per UTC day. */
@ApplicationScoped
public class MoodService {

    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 365;

    private final MoodRepository mood;
    private final ReadRouter reads;
    private final Clock clock = Clock.systemUTC();

    public MoodService(MoodRepository mood, ReadRouter reads) {
        this.mood = mood;
        this.reads = reads;
    }

    /** The last {@code days} UTC days, today included; 0 means {@link #DEFAULT_DAYS}. */
    public Uni<MoodTimeline> timeline(String userId, int days) {
        UUID user = Ids.user(userId);
        if (days < 0 || days > MAX_DAYS) {
            throw ServiceException.validation("days must be between 1 and " + MAX_DAYS);
        }
        int n = days == 0 ? DEFAULT_DAYS : days;
        LocalDate to = LocalDate.now(clock);
        LocalDate from = to.minusDays(n - 1L);
        // Insights tolerate the replica's lag (read-your-writes still holds: see ReadRouter).
        return reads.read(user, db -> mood.timeline(db, user, from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()))
                .map(rows -> toProto(n, from, to, rows));
    }

    static MoodTimeline toProto(int days, LocalDate from, LocalDate to, List<MoodRepository.LabelDay> rows) {
        // Rows come ordered by day, then most frequent label: group them in that order.
        Map<String, MoodDay.Builder> byDay = new LinkedHashMap<>();
        for (MoodRepository.LabelDay r : rows) {
            MoodDay.Builder day = byDay.computeIfAbsent(r.day(), d -> MoodDay.newBuilder().setDate(d).setDominant(r.dominant()));
            day.setCount(day.getCount() + r.count());
            day.addLabels(MoodLabel.newBuilder().setLabel(r.label()).setCount(r.count()).setMeanIntensity(r.meanIntensity()));
        }
        MoodTimeline.Builder b = MoodTimeline.newBuilder().setDays(days).setFrom(from.toString()).setTo(to.toString());
        byDay.values().forEach(b::addItems);
        return b.build();
    }
}
