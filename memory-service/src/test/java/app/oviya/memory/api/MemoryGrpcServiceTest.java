package app.oviya.memory.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ExtractFromTurnResponse;
import app.oviya.memory.v1.ForgetAllRequest;
import app.oviya.memory.v1.ForgetRequest;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryPage;
import app.oviya.memory.v1.MemoryServiceGrpc;
import app.oviya.memory.v1.RememberRequest;
import app.oviya.memory.v1.SearchRequest;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * memory-service over real gRPC against the oviya_memory_test database. Every test works with fresh
 * random user ids, so reruns on a non-empty database never collide.
 */
@QuarkusTest
class MemoryGrpcServiceTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Inject
    app.oviya.memory.config.EmbeddingBackfill backfill;

    ManagedChannel channel;
    MemoryServiceGrpc.MemoryServiceBlockingStub memory;

    @BeforeEach
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        memory = MemoryServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() {
        GrpcTestSupport.close(channel);
    }

    static String newUser() {
        return UUID.randomUUID().toString();
    }

    Memory remember(String user, String content) {
        return memory.remember(RememberRequest.newBuilder().setUserId(user).setContent(content).build());
    }

    ExtractFromTurnResponse extract(String user, String messageId, String text, String sentAt) {
        return memory.extractFromTurn(ExtractFromTurnRequest.newBuilder()
                .setUserId(user).setMessageId(messageId).setUserText(text).setSentAt(sentAt).build());
    }

    List<Memory> listAll(String user, String category) {
        return memory.list(ListRequest.newBuilder().setUserId(user).setCategory(category).setLimit(100).build()).getItemsList();
    }

    ExtractFromTurnResponse extract(String user, String messageId, String text) {
        return memory.extractFromTurn(ExtractFromTurnRequest.newBuilder()
                .setUserId(user).setMessageId(messageId).setUserText(text).build());
    }

    List<Memory> search(String user, String query) {
        return memory.search(SearchRequest.newBuilder().setUserId(user).setQuery(query).setLimit(20).build()).getItemsList();
    }

    // --- Remember and List ---------------------------------------------------------------------

    @Test
    void rememberStoresANoteForTheUser() throws Exception {
        String user = newUser();
        Memory m = remember(user, "  I am allergic to peanuts  ");

        assertEquals("I am allergic to peanuts", m.getContent());
        assertEquals("note", m.getKind());
        assertTrue(m.getImportance() > 0);
        assertEquals("", m.getSourceMessageId());
        Instant.parse(m.getCreatedAt());
        UUID id = UUID.fromString(m.getId());

        assertEquals(user, queryString("select user_id::text from memories where id = ?", id));
        assertEquals("I am allergic to peanuts", queryString("select content from memories where id = ?", id));
    }

    @Test
    void listIsNewestFirstAndCursorPagesHaveNoGapsOrRepeats() {
        String user = newUser();
        List<String> inserted = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            inserted.add(remember(user, "numbered note " + i).getId());
        }
        List<String> expected = new ArrayList<>(inserted);
        java.util.Collections.reverse(expected);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            MemoryPage page = memory.list(ListRequest.newBuilder().setUserId(user).setLimit(3).setCursor(cursor).build());
            pageSizes.add(page.getItemsCount());
            page.getItemsList().forEach(m -> seen.add(m.getId()));
            cursor = page.getNextCursor();
            assertTrue(++pages <= 5, "pagination does not terminate");
        } while (!cursor.isEmpty());

        assertEquals(List.of(3, 3, 1), pageSizes);
        assertEquals(expected, seen, "newest first, no gaps, no repeats");

        // Without a limit the default page holds them all, same order, no cursor.
        MemoryPage all = memory.list(ListRequest.newBuilder().setUserId(user).build());
        assertEquals(expected, all.getItemsList().stream().map(Memory::getId).toList());
        assertEquals("", all.getNextCursor());
        for (int i = 1; i < all.getItemsCount(); i++) {
            assertFalse(Instant.parse(all.getItems(i - 1).getCreatedAt()).isBefore(Instant.parse(all.getItems(i).getCreatedAt())));
        }

        // An exact multiple of the page size ends with an empty cursor, not an empty extra page.
        String six = newUser();
        for (int i = 0; i < 6; i++) {
            remember(six, "six notes " + i);
        }
        MemoryPage p1 = memory.list(ListRequest.newBuilder().setUserId(six).setLimit(3).build());
        MemoryPage p2 = memory.list(ListRequest.newBuilder().setUserId(six).setLimit(3).setCursor(p1.getNextCursor()).build());
        assertEquals(3, p2.getItemsCount());
        assertEquals("", p2.getNextCursor());
    }

    @Test
    void listOfAnotherUserOrAnUnknownUserIsEmpty() {
        String a = newUser();
        remember(a, "only for user a");
        assertEquals(0, memory.list(ListRequest.newBuilder().setUserId(newUser()).build()).getItemsCount());
        assertEquals(1, memory.list(ListRequest.newBuilder().setUserId(a).build()).getItemsCount());
    }

    @Test
    void aGarbageCursorIsAValidationFailure() {
        String user = newUser();
        for (String cursor : List.of("not-a-cursor", "!!!", "bm90fGE=")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> memory.list(ListRequest.newBuilder().setUserId(user).setCursor(cursor).build()), cursor);
            assertValidation(e, cursor);
        }
    }

    // --- Search --------------------------------------------------------------------------------

    @Test
    void searchRanksRelevantMemoriesFirstWithScores() {
        String user = newUser();
        String hiking = remember(user, "Loves hiking in the Swiss Alps every summer").getId();
        remember(user, "Favourite food is masala dosa");
        remember(user, "Works as a nurse in Chennai");

        List<Memory> results = search(user, "any good hiking trails in the Alps?");
        assertFalse(results.isEmpty());
        assertEquals(hiking, results.get(0).getId());
        assertTrue(results.get(0).getScore() > 0, "search results carry a score");
        for (int i = 1; i < results.size(); i++) {
            assertTrue(results.get(i - 1).getScore() >= results.get(i).getScore(), "sorted by score");
        }
        // Below the minimum cosine similarity nothing is relevant: an unrelated query finds nothing.
        assertTrue(search(user, "quantum chromodynamics").isEmpty());
    }

    @Test
    void searchAnswersTheQueryEmbeddingSoTheCallerCanHandItOn() {
        String user = newUser();
        remember(user, "Loves hiking in the Swiss Alps every summer");
        app.oviya.memory.v1.SearchResponse r = memory.search(SearchRequest.newBuilder().setUserId(user)
                .setQuery("any good hiking trails?").setLimit(5).build());
        assertEquals(384, r.getQueryEmbeddingCount());
        assertEquals("all-minilm-l6-v2-q", r.getEmbeddingModel());
        double norm = r.getQueryEmbeddingList().stream().mapToDouble(x -> x * x).sum();
        assertEquals(1.0, norm, 1e-3, "unit length");
        // No query, no embedding: the newest memories are ranked without one.
        app.oviya.memory.v1.SearchResponse empty = memory.search(SearchRequest.newBuilder().setUserId(user).setLimit(5).build());
        assertEquals(0, empty.getQueryEmbeddingCount());
        assertEquals("", empty.getEmbeddingModel());
    }

    @Test
    void searchNeverReturnsAnotherUsersMemories() {
        String a = newUser();
        String b = newUser();
        Set<String> aIds = new HashSet<>();
        Set<String> bIds = new HashSet<>();
        for (String text : List.of("My sister Priya lives in Berlin", "I love hiking in the Alps", "Favourite food is dosa")) {
            aIds.add(remember(a, text).getId());
            bIds.add(remember(b, text).getId());
            bIds.add(remember(b, text + " and Munich too").getId());
        }
        for (String query : List.of("", "Priya", "sister Berlin", "hiking Alps", "dosa food", "Munich", "lives love favourite")) {
            List<Memory> results = search(a, query);
            for (Memory m : results) {
                assertFalse(bIds.contains(m.getId()), "user A's search for '" + query + "' returned B's memory " + m.getId());
                assertTrue(aIds.contains(m.getId()), "unexpected id " + m.getId());
            }
        }
        // The isolation check above is not vacuous: A does find its own memories, B its own.
        assertEquals(3, search(a, "").size());
        List<Memory> priya = search(a, "Priya");
        assertFalse(priya.isEmpty());
        assertTrue(priya.get(0).getContent().contains("Priya"), priya.toString());
        List<Memory> munich = search(b, "Munich");
        assertFalse(munich.isEmpty());
        assertTrue(munich.get(0).getContent().contains("Munich"), munich.toString());
        munich.forEach(m -> assertTrue(bIds.contains(m.getId())));
    }

    // --- ExtractFromTurn -----------------------------------------------------------------------

    @Test
    void extractStoresAPersonMemoryWithItsSourceMessageAndDoesNotDuplicate() throws Exception {
        String user = newUser();
        String messageId = UUID.randomUUID().toString();
        List<Memory> stored = extract(user, messageId, "My sister Priya moved to Berlin").getStoredList();

        // A person and a fact about them.
        assertEquals(2, stored.size(), stored.toString());
        Memory m = stored.get(0);
        assertEquals("person", m.getKind());
        assertTrue(m.getContent().contains("Priya"), m.getContent());
        assertEquals("fact", stored.get(1).getKind());
        assertTrue(stored.get(1).getContent().contains("Berlin"), stored.get(1).getContent());
        assertEquals(messageId, m.getSourceMessageId());
        assertEquals(messageId, queryString("select source_message_id::text from memories where id = ?", UUID.fromString(m.getId())));
        // Every memory carries its embedding.
        assertEquals(384, queryLong("select vector_dims(embedding) from memories where id = ?", UUID.fromString(m.getId())));

        // The same statement in a later turn adds nothing.
        assertEquals(0, extract(user, UUID.randomUUID().toString(), "My sister Priya moved to Berlin.").getStoredCount());
        assertEquals(2, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(user)));

        // Another user saying the same thing gets their own memories.
        String other = newUser();
        assertEquals(2, extract(other, UUID.randomUUID().toString(), "My sister Priya moved to Berlin").getStoredCount());
    }

    @Test
    void extractFromSmallTalkStoresNothing() throws Exception {
        String user = newUser();
        for (String text : List.of("ok thanks", "haha", "What's the weather like today?", "", "   ")) {
            assertEquals(0, extract(user, UUID.randomUUID().toString(), text).getStoredCount(), text);
        }
        assertEquals(0, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(user)));
    }

    @Test
    void extractStoresOneMemoryPerStatementAndSkipsRepeatsWithinATurn() throws Exception {
        String user = newUser();
        List<Memory> stored = extract(user, UUID.randomUUID().toString(),
                "My name is Asha. I love green tea. I love green tea!").getStoredList();
        assertEquals(List.of("User's name is Asha", "User likes green tea"), stored.stream().map(Memory::getContent).toList());
        assertEquals(2, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(user)));
    }

    @Test
    void extractWithoutAMessageIdStoresNoSource() {
        String user = newUser();
        List<Memory> stored = extract(user, "", "I live in Chennai").getStoredList();
        assertEquals(1, stored.size());
        assertEquals("", stored.get(0).getSourceMessageId());
    }

    // --- Consolidation, dates, sensitive categories --------------------------------------------

    @Test
    void movingLeavesOneCurrentResidenceAndKeepsTheOldOneAsHistory() throws Exception {
        String user = newUser();
        Memory berlin = extract(user, "", "I live in Berlin").getStored(0);
        Memory paris = extract(user, "", "I moved to Paris last month").getStored(0);
        assertEquals("User lives in Paris", paris.getContent());

        List<Memory> current = listAll(user, "");
        assertEquals(List.of(paris.getId()), current.stream().map(Memory::getId).toList(), "one current fact");
        // The old fact is history: valid_until set, pointing at what replaced it.
        assertEquals(paris.getId(), queryString("select superseded_by::text from memories where id = ?", UUID.fromString(berlin.getId())));
        assertEquals(1, queryLong("select count(*) from memories where valid_until is not null and id = ?", UUID.fromString(berlin.getId())));
        // Search sees only the current fact.
        List<Memory> where = search(user, "which city does the user live in");
        assertEquals(List.of(paris.getId()), where.stream().map(Memory::getId).toList());
        assertTrue(where.get(0).getSimilarity() > 0 && where.get(0).getScore() > 0);

        // Saying it again changes nothing; a contradicting preference replaces the old one too.
        assertEquals(0, extract(user, "", "I live in Paris.").getStoredCount());
        extract(user, "", "I love coffee");
        Memory hate = extract(user, "", "I hate coffee").getStored(0);
        assertEquals(List.of(hate.getId(), paris.getId()), listAll(user, "").stream().map(Memory::getId).toList());

        // Forgetting the current fact deletes its history as well: rows and vectors.
        assertEquals(2, memory.forget(ForgetRequest.newBuilder().setUserId(user).setMemoryId(paris.getId()).build()).getDeleted());
        assertEquals(0, queryLong("select count(*) from memories where id = ?", UUID.fromString(berlin.getId())));
    }

    @Test
    void aRephrasedRepeatIsMergedButADifferentGoalIsKept() throws Exception {
        String user = newUser();
        assertEquals(1, extract(user, "", "I want to run a marathon").getStoredCount());
        assertEquals(0, extract(user, "", "I want to run a marathon!!").getStoredCount());
        assertEquals(1, extract(user, "", "I want to learn Spanish").getStoredCount());
        assertEquals(2, listAll(user, "").size());
    }

    @Test
    void relativeDatesResolveAgainstWhenTheMessageWasSent() {
        String user = newUser();
        // Tuesday 10 March 2026, 23:30 in India is still Tuesday 18:00 UTC.
        List<Memory> stored = extract(user, "", "My interview is on Friday", "2026-03-10T23:30:00+05:30").getStoredList();
        assertEquals(1, stored.size(), stored.toString());
        assertEquals("event", stored.get(0).getKind());
        assertEquals("2026-03-13", stored.get(0).getEventDate());
        assertTrue(stored.get(0).getContent().contains("interview"));

        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> extract(user, "", "My exam is tomorrow", "next week"));
        assertValidation(bad, "sentAt");
    }

    @Test
    void sensitiveMemoriesAreTaggedListableAndReallyDeleted() throws Exception {
        String user = newUser();
        Memory health = extract(user, "", "I was diagnosed with diabetes last year").getStored(0);
        Memory plain = extract(user, "", "I love green tea").getStored(0);
        Memory note = remember(user, "I see a therapist every Tuesday");
        assertEquals("health", health.getCategory());
        assertTrue(health.getSensitive());
        assertFalse(plain.getSensitive());
        assertEquals("", plain.getCategory());
        assertTrue(note.getSensitive(), "explicit memories are tagged too");

        assertEquals(Set.of(health.getId(), note.getId()),
                new HashSet<>(listAll(user, "sensitive").stream().map(Memory::getId).toList()));
        assertEquals(List.of(health.getId()), listAll(user, "health").stream().map(Memory::getId).toList());
        assertEquals(3, listAll(user, "").size());

        memory.forget(ForgetRequest.newBuilder().setUserId(user).setMemoryId(health.getId()).build());
        assertEquals(0, queryLong("select count(*) from memories where id = ?", UUID.fromString(health.getId())));
        assertTrue(search(user, "diabetes").stream().noneMatch(m -> m.getId().equals(health.getId())));
    }

    @Test
    void extractionOnlyEverReceivesTheUsersOwnWords() {
        // The contract has no field for the assistant's reply or the system prompt, so nothing of them
        // can become a memory. If one is ever added, this test fails and the decision is revisited.
        assertEquals(List.of("user_id", "message_id", "user_text", "sent_at"),
                ExtractFromTurnRequest.getDescriptor().getFields().stream().map(f -> f.getName()).toList());
        // And statements about the assistant ("you") are not memories of the user.
        String user = newUser();
        assertEquals(0, extract(user, "", "I love you. You are so helpful. Can you remind me to drink water?").getStoredCount());
    }

    @Test
    void memoriesStoredWithoutAnEmbeddingAreEmbeddedAndBecomeSearchable() throws Exception {
        String user = newUser();
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into memories (id, user_id, content, kind, importance, created_at) values (?, ?, ?, 'note', 0.5, now())")) {
            ps.setObject(1, id);
            ps.setObject(2, UUID.fromString(user));
            ps.setString(3, "Plays the cello in a community orchestra");
            ps.executeUpdate();
        }
        assertTrue(search(user, "cello orchestra").isEmpty(), "no embedding, not searchable");

        assertTrue(backfill.run() >= 1);
        assertEquals(384, queryLong("select vector_dims(embedding) from memories where id = ?", id));
        assertEquals(id.toString(), search(user, "cello orchestra").get(0).getId());
    }

    @Test
    void theReactivePoolPlansVectorSearchesPerCall() {
        // The generic plan of the prepared top-k query is much slower (docs/memory-benchmarks.md).
        String mode = pool.query("show plan_cache_mode").execute().await().indefinitely().iterator().next().getString(0);
        assertEquals("force_custom_plan", mode);
    }

    // --- Forget --------------------------------------------------------------------------------

    @Test
    void forgetDeletesTheRow() throws Exception {
        String user = newUser();
        Memory m = remember(user, "Forget me later");
        assertEquals(1, queryLong("select count(*) from memories where id = ?", UUID.fromString(m.getId())));

        assertEquals(1, memory.forget(ForgetRequest.newBuilder().setUserId(user).setMemoryId(m.getId()).build()).getDeleted());
        assertEquals(0, queryLong("select count(*) from memories where id = ?", UUID.fromString(m.getId())));

        // Forgetting it again: it is gone.
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> memory.forget(ForgetRequest.newBuilder().setUserId(user).setMemoryId(m.getId()).build()));
        assertNotFound(again);
    }

    @Test
    void forgettingAnotherUsersOrAnUnknownMemoryIsNotFoundAndTheRowStays() throws Exception {
        String owner = newUser();
        String intruder = newUser();
        Memory m = remember(owner, "Private to the owner");

        for (String memoryId : List.of(m.getId(), UUID.randomUUID().toString(), "not-a-uuid")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> memory.forget(ForgetRequest.newBuilder().setUserId(intruder).setMemoryId(memoryId).build()), memoryId);
            assertNotFound(e);
        }
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> memory.forget(ForgetRequest.newBuilder().setUserId(owner).setMemoryId(UUID.randomUUID().toString()).build()));
        assertNotFound(unknown);
        assertEquals(1, queryLong("select count(*) from memories where id = ?", UUID.fromString(m.getId())));
        assertEquals(owner, queryString("select user_id::text from memories where id = ?", UUID.fromString(m.getId())));
    }

    @Test
    void forgetAllDeletesOnlyThatUsersRows() throws Exception {
        String a = newUser();
        String b = newUser();
        for (int i = 0; i < 3; i++) {
            remember(a, "a's memory " + i);
        }
        remember(b, "b's memory 1");
        remember(b, "b's memory 2");

        assertEquals(3, memory.forgetAll(ForgetAllRequest.newBuilder().setUserId(a).build()).getDeleted());
        assertEquals(0, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(a)));
        assertEquals(2, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(b)));
        assertEquals(0, memory.forgetAll(ForgetAllRequest.newBuilder().setUserId(a).build()).getDeleted());
    }

    // --- bad input -----------------------------------------------------------------------------

    @Test
    void emptyOrOversizedContentIsRejectedAndNothingIsStored() throws Exception {
        String user = newUser();
        for (String content : List.of("", "   ", "\n\t", "x".repeat(2001))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> remember(user, content), content);
            assertValidation(e, "content '" + content.substring(0, Math.min(10, content.length())) + "'");
        }
        assertEquals(0, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(user)));
        assertEquals(2000, remember(user, "y".repeat(2000)).getContent().length());
    }

    @Test
    void nonUuidUserIdsAreRejectedEverywhereAndNothingIsStored() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        String messageId = UUID.randomUUID().toString();
        for (String user : List.of("", "not-a-uuid", "12345", UUID.randomUUID() + "x")) {
            List<Consumer<String>> calls = List.of(
                    u -> remember(u, marker),
                    u -> extract(u, messageId, "My name is Zed " + marker),
                    u -> search(u, marker),
                    u -> memory.list(ListRequest.newBuilder().setUserId(u).build()),
                    u -> memory.forget(ForgetRequest.newBuilder().setUserId(u).setMemoryId(UUID.randomUUID().toString()).build()),
                    u -> memory.forgetAll(ForgetAllRequest.newBuilder().setUserId(u).build()));
            for (int i = 0; i < calls.size(); i++) {
                Consumer<String> call = calls.get(i);
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call.accept(user), "call " + i + " user " + user);
                assertValidation(e, "call " + i + " user '" + user + "'");
            }
        }
        assertEquals(0, queryLong("select count(*) from memories where content like ?", "%" + marker + "%"));
        assertEquals(0, queryLong("select count(*) from memories where source_message_id = ?", UUID.fromString(messageId)));
    }

    @Test
    void aNonUuidMessageIdIsAValidationFailure() throws Exception {
        String user = newUser();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> extract(user, "msg-42", "I live in Paris"));
        assertValidation(e, "message id");
        assertEquals(0, queryLong("select count(*) from memories where user_id = ?", UUID.fromString(user)));
    }

    // --- helpers -------------------------------------------------------------------------------

    static void assertValidation(StatusRuntimeException e, String what) {
        assertEquals(Status.Code.INVALID_ARGUMENT, GrpcTestSupport.statusCode(e), what);
        assertEquals("validation_failed", GrpcTestSupport.errorCode(e), what);
    }

    static void assertNotFound(StatusRuntimeException e) {
        assertEquals(Status.Code.NOT_FOUND, GrpcTestSupport.statusCode(e));
        assertEquals("not_found", GrpcTestSupport.errorCode(e));
        assertNotEquals(null, e.getStatus().getDescription());
    }

    String queryString(String sql, Object param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    long queryLong(String sql, Object param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
