package app.oviya.gateway;

import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.Jwks;
import app.oviya.auth.v1.User;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ChatServiceGrpc;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.DeleteConversationRequest;
import app.oviya.chat.v1.DeleteConversationResponse;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.ReplyDelta;
import app.oviya.chat.v1.ResumeReplyRequest;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.chat.v1.UpdateConversationRequest;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.common.testing.GrpcTestSupport;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For the conversation API tests: a fake auth-service that publishes the test signing key, and a
 * fake chat-service that keeps conversations in memory (owner checked like the real one) and
 * answers a send with message.created, two deltas and reply.completed.
 */
public class ConversationFakes implements QuarkusTestResourceLifecycleManager {

    /** conversation id -> (owner, conversation) */
    static final Map<String, Map.Entry<String, Conversation>> CONVERSATIONS = new ConcurrentHashMap<>();
    static final Map<String, String> LAST_IDEMPOTENCY_KEY = new ConcurrentHashMap<>();

    static final Map<String, Long> LAST_RESUME_AFTER = new ConcurrentHashMap<>();
    static final Map<String, SendMessageRequest> LAST_SEND = new ConcurrentHashMap<>();
    /** user id -> {persona, country} the fake auth-service answers GetUser with. */
    static final Map<String, String[]> PROFILES = new ConcurrentHashMap<>();
    static final java.util.List<String> GET_USER_CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();
    static volatile boolean authDown;

    static java.util.List<ChatEvent> events(String conversationId, String content) {
        Message user = Message.newBuilder().setId("m-user").setConversationId(conversationId).setRole("user")
                .setContent(content).setStatus("complete").setCreatedAt("2026-01-01T00:00:00Z").build();
        return java.util.List.of(
                ChatEvent.newBuilder().setSeq(1).setMessageCreated(user).build(),
                ChatEvent.newBuilder().setSeq(2).setReplyDelta(ReplyDelta.newBuilder().setMessageId("m-reply").setText("Hello ")).build(),
                ChatEvent.newBuilder().setSeq(3).setReplyDelta(ReplyDelta.newBuilder().setMessageId("m-reply").setText("there")).build(),
                ChatEvent.newBuilder().setSeq(4).setReplyCompleted(user.toBuilder().setId("m-reply").setRole("assistant")
                        .setContent("Hello there")).build());
    }

    private Server auth;
    private Server chat;

    static void add(String owner, Conversation c) {
        CONVERSATIONS.put(c.getId(), Map.entry(owner, c));
    }

    private static Conversation owned(String user, String id) {
        Map.Entry<String, Conversation> e = CONVERSATIONS.get(id);
        if (e == null || !e.getKey().equals(user)) {
            throw ServiceException.notFound("conversation not found");
        }
        return e.getValue();
    }

    @Override
    public Map<String, String> start() {
        auth = GrpcTestSupport.startServer(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
                response.onNext(Jwks.newBuilder().setJson(FakeAuthService.jwks()).build());
                response.onCompleted();
            }

            @Override
            public void getUser(GetUserRequest request, StreamObserver<User> response) {
                GET_USER_CALLS.add(request.getUserId());
                if (authDown) {
                    response.onError(io.grpc.Status.UNAVAILABLE.withDescription("fake auth-service is down").asRuntimeException());
                    return;
                }
                String[] p = PROFILES.getOrDefault(request.getUserId(), new String[] {"", ""});
                response.onNext(User.newBuilder().setId(request.getUserId()).setPersona(p[0]).setCountry(p[1]).build());
                response.onCompleted();
            }
        });
        chat = GrpcTestSupport.startServer(new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public void getConversation(GetConversationRequest request, StreamObserver<Conversation> response) {
                try {
                    response.onNext(owned(request.getUserId(), request.getConversationId()));
                    response.onCompleted();
                } catch (ServiceException e) {
                    response.onError(GrpcErrors.toStatus(e));
                }
            }

            @Override
            public void updateConversation(UpdateConversationRequest request, StreamObserver<Conversation> response) {
                try {
                    Conversation c = owned(request.getUserId(), request.getConversationId()).toBuilder()
                            .setTitle(request.getTitle().strip()).build();
                    add(request.getUserId(), c);
                    response.onNext(c);
                    response.onCompleted();
                } catch (ServiceException e) {
                    response.onError(GrpcErrors.toStatus(e));
                }
            }

            @Override
            public void deleteConversation(DeleteConversationRequest request, StreamObserver<DeleteConversationResponse> response) {
                try {
                    owned(request.getUserId(), request.getConversationId());
                    CONVERSATIONS.remove(request.getConversationId());
                    response.onNext(DeleteConversationResponse.newBuilder().setDeletedMessages(2).build());
                    response.onCompleted();
                } catch (ServiceException e) {
                    response.onError(GrpcErrors.toStatus(e));
                }
            }

            @Override
            public void resumeReply(ResumeReplyRequest request, StreamObserver<ChatEvent> response) {
                try {
                    owned(request.getUserId(), request.getConversationId());
                    if (!request.getMessageId().equals("m-user") && !request.getMessageId().equals("m-reply")) {
                        throw ServiceException.notFound("message not found");
                    }
                } catch (ServiceException e) {
                    response.onError(GrpcErrors.toStatus(e));
                    return;
                }
                LAST_RESUME_AFTER.put(request.getConversationId(), request.getAfterSeq());
                for (ChatEvent e : events(request.getConversationId(), "hi")) {
                    if (e.getSeq() > request.getAfterSeq()) {
                        response.onNext(e);
                    }
                }
                response.onCompleted();
            }

            @Override
            public void sendMessage(SendMessageRequest request, StreamObserver<ChatEvent> response) {
                try {
                    owned(request.getUserId(), request.getConversationId());
                } catch (ServiceException e) {
                    response.onError(GrpcErrors.toStatus(e));
                    return;
                }
                LAST_IDEMPOTENCY_KEY.put(request.getConversationId(), request.getIdempotencyKey());
                LAST_SEND.put(request.getConversationId(), request);
                events(request.getConversationId(), request.getContent()).forEach(response::onNext);
                response.onCompleted();
            }
        });
        return Map.of(
                "quarkus.grpc.clients.auth.test-port", Integer.toString(auth.getPort()),
                "quarkus.grpc.clients.chat.test-port", Integer.toString(chat.getPort()),
                "quarkus.grpc.clients.memory.test-port", "1");
    }

    @Override
    public void stop() {
        GrpcTestSupport.stop(auth);
        GrpcTestSupport.stop(chat);
    }
}
