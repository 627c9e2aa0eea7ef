package app.oviya.chat.api;

import static app.oviya.chat.support.ChatCalls.assertFails;
import static app.oviya.chat.support.ChatCalls.newUser;
import static app.oviya.chat.support.ChatCalls.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.support.ChatCalls;
import app.oviya.chat.support.FakeAi;
import app.oviya.chat.support.FakeMemory;
import app.oviya.chat.support.FakePeers;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationPage;
import app.oviya.chat.v1.ConversationExport;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.DeleteUserDataRequest;
import app.oviya.chat.v1.ExportUserDataRequest;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.DeleteConversationRequest;
import app.oviya.chat.v1.UpdateConversationRequest;
import app.oviya.chat.v1.ListConversationsRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.MessagePage;
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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Conversations, message history, ownership and input validation, over real gRPC. */
@QuarkusTest
@WithTestResource(value = FakePeers.class, scope = TestResourceScope.MATCHING_RESOURCES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationsGrpcTest {

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

    private Conversation create(String userId, String title) {
        return calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(userId).setTitle(title).build());
    }

    private ConversationPage list(String userId, int limit, String cursor) {
        return calls.chat().listConversations(
                ListConversationsRequest.newBuilder().setUserId(userId).setLimit(limit).setCursor(cursor).build());
    }

    private MessagePage messages(String userId, String conversationId, int limit, String cursor) {
        return calls.chat().listMessages(ListMessagesRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                .setLimit(limit).setCursor(cursor).build());
    }

    private List<ChatEvent> say(String userId, String conversationId, String content) {
        List<ChatEvent> events = calls.sendAndCollect(send(userId, conversationId, content).build());
        assertTrue(events.get(events.size() - 1).hasReplyCompleted(), "reply completed: " + events);
        return events;
    }

    @Test
    void createdConversationIsStoredAndReadBack() {
        String user = newUser();
        Conversation created = create(user, "  Evening thoughts  ");
        assertEquals("Evening thoughts", created.getTitle());
        assertFalse(created.getCreatedAt().isEmpty());
        assertEquals("", created.getLastMessageAt(), "no message yet");
        assertEquals(1, calls.count("select count(*) from conversations where id = ? and user_id = ? and title = 'Evening thoughts'",
                UUID.fromString(created.getId()), UUID.fromString(user)));

        Conversation read = calls.chat().getConversation(
                GetConversationRequest.newBuilder().setUserId(user).setConversationId(created.getId()).build());
        assertEquals(created, read);

        assertEquals("New conversation", create(user, "").getTitle(), "a blank title gets the default");
    }

    @Test
    void conversationsAreListedMostRecentlyActiveFirstWithCursorPaging() {
        String user = newUser();
        Conversation a = create(user, "A");
        Conversation b = create(user, "B");
        Conversation c = create(user, "C");
        create(newUser(), "someone else's");

        assertEquals(List.of(c.getId(), b.getId(), a.getId()), ids(list(user, 0, "")), "newest first before any message");

        say(user, a.getId(), "Hi, it's me again");

        ConversationPage first = list(user, 2, "");
        assertEquals(List.of(a.getId(), c.getId()), ids(first), "the conversation with the new message moves to the top");
        assertFalse(first.getNextCursor().isEmpty());
        assertFalse(first.getItems(0).getLastMessageAt().isEmpty(), "last message time is set");

        ConversationPage second = list(user, 2, first.getNextCursor());
        assertEquals(List.of(b.getId()), ids(second));
        assertEquals("", second.getNextCursor(), "no page after the last");

        ConversationPage exact = list(user, 3, "");
        assertEquals(3, exact.getItemsCount());
        assertEquals("", exact.getNextCursor(), "a page that holds everything has no cursor");
    }

    @Test
    void messagesArePagedNewestFirst() {
        String user = newUser();
        String conversation = create(user, "paging").getId();
        say(user, conversation, "first");
        say(user, conversation, "second");

        MessagePage page1 = messages(user, conversation, 3, "");
        assertEquals(3, page1.getItemsCount());
        assertEquals(List.of("assistant", "user", "assistant"), page1.getItemsList().stream().map(Message::getRole).toList());
        assertEquals("second", page1.getItems(1).getContent());
        assertFalse(page1.getNextCursor().isEmpty());

        MessagePage page2 = messages(user, conversation, 3, page1.getNextCursor());
        assertEquals(1, page2.getItemsCount());
        assertEquals("first", page2.getItems(0).getContent());
        assertEquals("", page2.getNextCursor());
    }

    @Test
    void anotherUsersConversationDoesNotExist() {
        String owner = newUser();
        String stranger = newUser();
        String conversation = create(owner, "private").getId();
        say(owner, conversation, "only for me");

        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().getConversation(
                GetConversationRequest.newBuilder().setUserId(stranger).setConversationId(conversation).build()));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> messages(stranger, conversation, 0, ""));
        assertFails(Status.Code.NOT_FOUND, "not_found",
                () -> calls.sendAndCollect(send(stranger, conversation, "let me in").setIdempotencyKey("k-" + UUID.randomUUID()).build()));

        assertEquals(0, calls.count("select count(*) from messages where user_id = ?", UUID.fromString(stranger)),
                "nothing stored for the stranger");
        assertEquals(0, FakeAi.requestsOf(stranger).size(), "the AI was never asked");
        assertEquals(2, calls.count("select count(*) from messages where conversation_id = ?", UUID.fromString(conversation)));

        assertEquals(0, list(stranger, 0, "").getItemsCount());
        String missing = UUID.randomUUID().toString();
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().getConversation(
                GetConversationRequest.newBuilder().setUserId(owner).setConversationId(missing).build()));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().getConversation(
                GetConversationRequest.newBuilder().setUserId(owner).setConversationId("not-a-uuid").build()));
    }

    @Test
    void invalidInputIsRejected() {
        String user = newUser();
        String conversation = create(user, "validation").getId();

        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed",
                () -> calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId("bob").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> create(user, "t".repeat(201)));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> list("not-a-uuid", 0, ""));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> list(user, 101, ""));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> list(user, -1, ""));

        // Cursors: garbage, not base64, and a message cursor where a conversation cursor belongs (and vice versa).
        String messageCursor = Base64.getUrlEncoder().withoutPadding().encodeToString("m|5".getBytes(StandardCharsets.UTF_8));
        String conversationCursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("c|2024-01-01T00:00:00Z|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String badDate = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("c|yesterday|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("not-a-cursor", "%%%", messageCursor, badDate)) {
            assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> list(user, 10, cursor));
        }
        for (String cursor : List.of("not-a-cursor", "%%%", conversationCursor)) {
            assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> messages(user, conversation, 10, cursor));
        }
        assertEquals(0, list(user, 10, conversationCursor).getItemsCount(), "a well-formed cursor is accepted");

        // SendMessage: empty, too long, not a user id.
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> calls.sendAndCollect(send(user, conversation, "").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> calls.sendAndCollect(send(user, conversation, " \n\t ").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed",
                () -> calls.sendAndCollect(send(user, conversation, "x".repeat(4001)).build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed",
                () -> calls.sendAndCollect(send("not-a-uuid", conversation, "hello").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed",
                () -> calls.sendAndCollect(send(user, conversation, "hello").setIdempotencyKey("k".repeat(201)).build()));
        assertEquals(0, calls.count("select count(*) from messages where conversation_id = ?", UUID.fromString(conversation)),
                "rejected sends store nothing");
        assertEquals(0, FakeAi.requestsOf(user).size(), "rejected sends never reach the AI");

        // The longest allowed message, counted in characters: 4000 emoji are 8000 UTF-16 units.
        say(user, conversation, "\uD83D\uDE42".repeat(4000));
        assertEquals(1, calls.count("select count(*) from messages where conversation_id = ? and role = 'user'",
                UUID.fromString(conversation)));
    }

    @Test
    void conversationIsRenamedAndDeletedWithItsMessagesOnlyByItsOwner() {
        String user = newUser();
        String stranger = newUser();
        String conversation = create(user, "draft").getId();
        say(user, conversation, "hello there");

        Conversation renamed = calls.chat().updateConversation(UpdateConversationRequest.newBuilder().setUserId(user)
                .setConversationId(conversation).setTitle("  Sunday  ").build());
        assertEquals("Sunday", renamed.getTitle());
        assertEquals(conversation, renamed.getId());
        assertEquals("Sunday", calls.chat().getConversation(
                GetConversationRequest.newBuilder().setUserId(user).setConversationId(conversation).build()).getTitle());
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> calls.chat().updateConversation(
                UpdateConversationRequest.newBuilder().setUserId(user).setConversationId(conversation).setTitle(" ").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed", () -> calls.chat().updateConversation(
                UpdateConversationRequest.newBuilder().setUserId(user).setConversationId(conversation).setTitle("t".repeat(201)).build()));

        // A stranger can neither rename nor delete it, and learns nothing.
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().updateConversation(UpdateConversationRequest.newBuilder()
                .setUserId(stranger).setConversationId(conversation).setTitle("mine now").build()));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().deleteConversation(
                DeleteConversationRequest.newBuilder().setUserId(stranger).setConversationId(conversation).build()));
        assertEquals(1, calls.count("select count(*) from conversations where id = ?::uuid and title = 'Sunday'", conversation));

        assertEquals(2, calls.chat().deleteConversation(
                DeleteConversationRequest.newBuilder().setUserId(user).setConversationId(conversation).build()).getDeletedMessages());
        assertEquals(0, calls.count("select count(*) from conversations where id = ?::uuid", conversation));
        assertEquals(0, calls.count("select count(*) from messages where conversation_id = ?::uuid", conversation));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> calls.chat().deleteConversation(
                DeleteConversationRequest.newBuilder().setUserId(user).setConversationId(conversation).build()));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> messages(user, conversation, 0, ""));
    }

    @Test
    void pagingWalksAThousandMessagesWithoutGapsOrRepeatsWhileNewOnesArrive() throws Exception {
        String user = newUser();
        String conversation = create(user, "long").getId();
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                + "select gen_random_uuid(), ?::uuid, ?::uuid, case when i % 2 = 0 then 'user' else 'assistant' end, "
                + "'old ' || i, 'complete', now() from generate_series(1, 1000) i", conversation, user);

        // Meanwhile another device keeps writing into the same conversation.
        java.util.concurrent.atomic.AtomicBoolean walking = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            while (walking.get()) {
                calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                        + "values (gen_random_uuid(), ?::uuid, ?::uuid, 'user', 'new', 'complete', now())", conversation, user);
                added.incrementAndGet();
            }
        });
        writer.start();

        List<String> walked = new java.util.ArrayList<>();
        int pages = 0;
        try {
            MessagePage first = messages(user, conversation, 0, "");
            assertEquals(50, first.getItemsCount(), "50 per page by default");
            // The first page may already hold new messages; everything after it must be the old ones, in order.
            first.getItemsList().stream().map(Message::getContent).filter(c -> !c.equals("new")).forEach(walked::add);
            String cursor = first.getNextCursor();
            pages++;
            while (!cursor.isEmpty()) {
                MessagePage page = messages(user, conversation, 0, cursor);
                page.getItemsList().forEach(m -> walked.add(m.getContent()));
                cursor = page.getNextCursor();
                pages++;
                calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                        + "values (gen_random_uuid(), ?::uuid, ?::uuid, 'user', 'new', 'complete', now())", conversation, user);
            }
        } finally {
            walking.set(false);
            writer.join();
        }
        assertTrue(added.get() > 0, "messages arrived during the walk");
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 1000; i >= 1; i--) {
            expected.add("old " + i);
        }
        assertEquals(expected, walked, "every old message exactly once, newest first");
        assertTrue(pages >= 20, "walked page by page: " + pages);
    }

    @Test
    void aMessagePageIsAnIndexRangeScanWithoutSorting() {
        String user = newUser();
        String conversation = create(user, "plan").getId();
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                + "select gen_random_uuid(), ?::uuid, ?::uuid, 'user', 'm ' || i, 'complete', now() from generate_series(1, 2000) i",
                conversation, user);
        calls.execute("analyze messages");
        // The statements ConversationService issues for the first and a later page (MessageRepository.newest/newestBefore).
        String middle = calls.rows("select max(seq) - 1000 from messages where conversation_id = ?::uuid", conversation).get(0);
        for (String where : List.of("conversation_id = '" + conversation + "'",
                "conversation_id = '" + conversation + "' and seq < " + middle)) {
            String plan = String.join("\n", calls.rows("explain select * from messages where " + where + " order by seq desc limit 51"));
            assertTrue(plan.contains("Index Scan using messages_conversation_seq_idx"), plan);
            assertFalse(plan.contains("Sort"), "the index gives the order, nothing is sorted: " + plan);
        }
    }

    private static List<String> ids(ConversationPage page) {
        return page.getItemsList().stream().map(Conversation::getId).toList();
    }

    @Test
    void userDataIsExportedThenDeletedCompletelyAndOnlyForThatUser() {
        String user = newUser();
        String other = newUser();
        String mine = calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(user).setTitle("mine").build()).getId();
        calls.sendAndCollect(send(user, mine, "I feel a bit lonely today").build());
        String theirs = calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(other).setTitle("theirs").build()).getId();

        List<ConversationExport> export = new java.util.ArrayList<>();
        calls.chat().exportUserData(ExportUserDataRequest.newBuilder().setUserId(user).build()).forEachRemaining(export::add);
        assertEquals(1, export.size());
        assertEquals(mine, export.get(0).getConversation().getId());
        assertEquals(List.of("user", "assistant"), export.get(0).getMessagesList().stream().map(Message::getRole).toList());

        long deleted = calls.chat().deleteUserData(DeleteUserDataRequest.newBuilder().setUserId(user).build()).getDeleted();
        assertEquals(3, deleted, "one conversation and its two messages");
        assertEquals(0, calls.count("select count(*) from messages where user_id = ?::uuid", user));
        assertEquals(0, calls.count("select count(*) from conversations where user_id = ?::uuid", user));
        assertEquals(1, calls.count("select count(*) from conversations where id = ?::uuid", theirs));
        // Idempotent: deleting again succeeds and deletes nothing.
        assertEquals(0, calls.chat().deleteUserData(DeleteUserDataRequest.newBuilder().setUserId(user).build()).getDeleted());
        assertFails(Status.Code.INVALID_ARGUMENT, "validation_failed",
                () -> calls.chat().deleteUserData(DeleteUserDataRequest.newBuilder().setUserId("nope").build()));
    }
}
