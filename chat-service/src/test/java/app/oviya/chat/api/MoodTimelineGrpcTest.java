package app.oviya.chat.api;

import static app.oviya.chat.support.ChatCalls.assertFails;
import static app.oviya.chat.support.ChatCalls.newUser;
import static app.oviya.chat.support.ChatCalls.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.repository.MoodRepository;
import app.oviya.chat.support.ChatCalls;
import app.oviya.chat.support.FakeAi;
import app.oviya.chat.support.FakeMemory;
import app.oviya.chat.support.FakePeers;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.GetMoodTimelineRequest;
import app.oviya.chat.v1.MoodDay;
import app.oviya.chat.v1.MoodLabel;
import app.oviya.chat.v1.MoodTimeline;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GetMoodTimeline: per-UTC-day emotion counts and mean intensities, per user, in one indexed query. */
@QuarkusTest
@WithTestResource(value = FakePeers.class, scope = TestResourceScope.MATCHING_RESOURCES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoodTimelineGrpcTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    private ManagedChannel channel;
    private ChatCalls calls;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        calls = new ChatCalls(channel, db);
    }

    @AfterAll
    void disconnect() {
        GrpcTestSupport.close(channel);
    }

    @BeforeEach
    void healthyPeers() {
        FakeAi.reset();
        FakeMemory.reset();
    }

    private MoodTimeline timeline(String user, int days) {
        return calls.chat().getMoodTimeline(GetMoodTimelineRequest.newBuilder().setUserId(user).setDays(days).build());
    }

    private String conversation(String user) {
        return calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(user).setTitle("mood").build()).getId();
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** A reply carrying an emotion, stored at noon UTC of the day {@code daysAgo} days before today. */
    private void emotion(String user, String conversation, int daysAgo, String label, double intensity) {
        insert(user, conversation, daysAgo, label, intensity, 12);
    }

    private void insert(String user, String conversation, int daysAgo, String label, Double intensity, int hourUtc) {
        Timestamp at = Timestamp.from(today().minusDays(daysAgo).atTime(hourUtc, 0).toInstant(ZoneOffset.UTC));
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at, emotion_label, emotion_intensity) "
                        + "values (gen_random_uuid(), ?::uuid, ?::uuid, 'assistant', 'reply', 'complete', ?, ?, ?)",
                conversation, user, at, label, intensity == null ? null : intensity.floatValue());
    }

    private static MoodLabel label(MoodDay day, String name) {
        return day.getLabelsList().stream().filter(l -> l.getLabel().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in " + day));
    }

    @Test
    void countsAndMeanIntensityPerLabelAndDayWithTheDominantLabel() {
        String user = newUser();
        String c1 = conversation(user);
        String c2 = conversation(user);
        // Today, across two conversations: joy twice, sadness once.
        emotion(user, c1, 0, "joy", 0.8);
        emotion(user, c2, 0, "JOY", 0.6);
        emotion(user, c1, 0, "sadness", 0.4);
        // Two days ago: a tie on count, broken by the higher mean intensity.
        emotion(user, c1, 2, "calm", 0.2);
        emotion(user, c1, 2, "anxiety", 0.9);
        // Early and late in one UTC day stay in that day.
        insert(user, c1, 5, "anger", 0.5, 0);
        insert(user, c1, 5, "anger", 0.7, 23);
        // Outside the default 30 days.
        emotion(user, c1, 40, "joy", 1.0);
        // Messages without an emotion (user messages) do not count.
        insert(user, c1, 0, null, null, 12);

        MoodTimeline t = timeline(user, 0);
        assertEquals(30, t.getDays(), "0 means the default of 30 days");
        assertEquals(today().toString(), t.getTo());
        assertEquals(today().minusDays(29).toString(), t.getFrom());
        assertEquals(List.of(today().minusDays(5).toString(), today().minusDays(2).toString(), today().toString()),
                t.getItemsList().stream().map(MoodDay::getDate).toList(), "days with an emotion, oldest first");

        MoodDay fiveAgo = t.getItems(0);
        assertEquals(2, fiveAgo.getCount());
        assertEquals("anger", fiveAgo.getDominant());
        assertEquals(0.6, label(fiveAgo, "anger").getMeanIntensity(), 1e-6);

        MoodDay twoAgo = t.getItems(1);
        assertEquals(2, twoAgo.getCount());
        assertEquals("anxiety", twoAgo.getDominant(), "same count: the more intense label dominates");

        MoodDay now = t.getItems(2);
        assertEquals(3, now.getCount(), "the message without an emotion is not counted");
        assertEquals("joy", now.getDominant());
        assertEquals(List.of("joy", "sadness"), now.getLabelsList().stream().map(MoodLabel::getLabel).toList(),
                "labels are case-folded and listed most frequent first");
        assertEquals(2, label(now, "joy").getCount());
        assertEquals(0.7, label(now, "joy").getMeanIntensity(), 1e-6);
        assertEquals(1, label(now, "sadness").getCount());
        assertEquals(0.4, label(now, "sadness").getMeanIntensity(), 1e-6);

        assertEquals(List.of(today().toString()), timeline(user, 1).getItemsList().stream().map(MoodDay::getDate).toList(),
                "days=1 is today only");
        MoodTimeline year = timeline(user, 365);
        assertEquals(4, year.getItemsCount(), "365 days reach the message 40 days ago");
        assertEquals(today().minusDays(40).toString(), year.getItems(0).getDate());
    }

    @Test
    void aRealReplyIsCountedUnderTheEmotionTheAiDetected() {
        String user = newUser();
        String c = conversation(user);
        List<app.oviya.chat.v1.ChatEvent> events = calls.sendAndCollect(send(user, c, "It was a lovely day").build());
        assertTrue(events.get(events.size() - 1).hasReplyCompleted(), events.toString());

        MoodTimeline t = timeline(user, 7);
        assertEquals(1, t.getItemsCount(), t.toString());
        MoodDay day = t.getItems(0);
        assertEquals(today().toString(), day.getDate());
        assertEquals(FakeAi.EMOTION_LABEL, day.getDominant());
        assertEquals(1, day.getCount(), "one turn, one emotion (stored on the reply)");
        assertEquals(FakeAi.EMOTION_INTENSITY, label(day, FakeAi.EMOTION_LABEL).getMeanIntensity(), 1e-6);
    }

    @Test
    void anotherUsersEmotionsNeverShowUp() {
        String me = newUser();
        String other = newUser();
        String mine = conversation(me);
        String theirs = conversation(other);
        emotion(me, mine, 0, "joy", 0.5);
        emotion(other, theirs, 0, "sadness", 0.9);
        emotion(other, theirs, 1, "fear", 0.9);

        MoodTimeline t = timeline(me, 30);
        assertEquals(1, t.getItemsCount(), t.toString());
        assertEquals(List.of("joy"), t.getItems(0).getLabelsList().stream().map(MoodLabel::getLabel).toList());

        MoodTimeline nobody = timeline(newUser(), 30);
        assertEquals(0, nobody.getItemsCount(), "a user without messages has an empty timeline");
        assertEquals(today().toString(), nobody.getTo());
    }

    @Test
    void badInputIsInvalidArgument() {
        String user = newUser();
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> timeline(user, -1));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> timeline(user, 366));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> timeline("not-a-uuid", 30));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> timeline("", 30));
    }

    @Test
    void theTimelineIsAnIndexRangeScanOfOneUsersEmotions() {
        String user = newUser();
        String c = conversation(user);
        // A long-time user: 2,000 turns over ~400 days (a plain user message and an emotional reply
        // each), among other users' turns; the last 30 days are a small slice of the user's rows.
        String other = newUser();
        String theirs = conversation(other);
        for (String[] who : List.of(new String[] {user, c}, new String[] {other, theirs})) {
            calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at, emotion_label, emotion_intensity) "
                    + "select gen_random_uuid(), ?::uuid, ?::uuid, r.role, 'm', 'complete', now() - (i * 5 || ' hours')::interval, "
                    + "case when r.role = 'assistant' then 'calm' end, case when r.role = 'assistant' then 0.3 end "
                    + "from generate_series(1, 2000) i, (values ('user'), ('assistant')) r(role)", who[1], who[0]);
        }
        calls.execute("vacuum analyze messages");

        LocalDate to = today();
        String sql = MoodRepository.TIMELINE_SQL
                .replace("$1", "'" + UUID.fromString(user) + "'::uuid")
                .replace("$2", "'" + to.minusDays(29) + "T00:00:00Z'::timestamptz")
                .replace("$3", "'" + to.plusDays(1) + "T00:00:00Z'::timestamptz");
        String plan = String.join("\n", calls.rows("explain " + sql));
        // An index (only / bitmap) scan of the partial index, bounded by user AND time: the cost follows the range asked for.
        assertTrue(plan.matches("(?s).*(Index Only Scan using|Index Scan using|Bitmap Index Scan on) messages_user_emotion_created_idx.*"), plan);
        assertTrue(plan.matches("(?s).*Index Cond: \\(\\(user_id = .*created_at >= .*created_at < .*"), plan);
        assertFalse(plan.contains("Seq Scan on messages"), plan);
        long expected = calls.count("select count(*) from messages where user_id = ?::uuid and emotion_label is not null "
                + "and created_at >= ?::timestamptz", UUID.fromString(user), to.minusDays(29) + "T00:00:00Z");
        assertTrue(expected > 100 && expected < 200, "about 30 days of 4.8 replies a day: " + expected);
        assertEquals(expected, timeline(user, 30).getItemsList().stream().mapToLong(MoodDay::getCount).sum());
    }
}
