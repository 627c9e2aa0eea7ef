package app.oviya.gateway;

import app.oviya.ai.v1.AiServiceGrpc;
import app.oviya.ai.v1.UsageDay;
import app.oviya.ai.v1.UsageExport;
import app.oviya.auth.v1.AccountExport;
import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.DeleteAccountRequest;
import app.oviya.auth.v1.DeleteAccountResponse;
import app.oviya.auth.v1.ExportAccountRequest;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.Jwks;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.SessionRecord;
import app.oviya.auth.v1.UpdateProfileRequest;
import app.oviya.auth.v1.User;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ChatServiceGrpc;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationExport;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.v1.ForgetAllRequest;
import app.oviya.memory.v1.ForgetResponse;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryPage;
import app.oviya.memory.v1.MemoryServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fake auth, chat, ai and memory services on one random port, recording the user-data calls so
 * tests can check the account-deletion fan-out. Users are created on first GetUser with the
 * plan {@link #plans} says (free by default). {@link #chatDown} makes chat's data calls fail.
 */
public class FakeBackends implements QuarkusTestResourceLifecycleManager {

    static final String KEY_PREFIX = "test:gw:" + UUID.randomUUID() + ":";
    static final Map<String, Plan> plans = new ConcurrentHashMap<>();
    static final Map<String, User> users = new ConcurrentHashMap<>();
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static volatile boolean chatDown;
    private Server server;

    static User user(String id) {
        return users.computeIfAbsent(id, k -> User.newBuilder().setId(k).setEmail(k + "@example.com").setDisplayName("Test")
                .setPlan(plans.getOrDefault(k, Plan.PLAN_FREE)).setCreatedAt("2026-01-01T00:00:00Z").setTimezone("UTC").build());
    }

    static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    @Override
    public Map<String, String> start() {
        server = GrpcTestSupport.startServer(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
                reply(response, Jwks.newBuilder().setJson(FakeAuthService.jwks()).build());
            }

            @Override
            public void register(RegisterRequest request, StreamObserver<AuthResult> response) {
                reply(response, AuthResult.newBuilder().setAccessToken("a").setRefreshToken("r").setExpiresIn(900)
                        .setUser(user(UUID.randomUUID().toString())).build());
            }

            @Override
            public void login(app.oviya.auth.v1.LoginRequest request, StreamObserver<AuthResult> response) {
                failWith(response, ErrorCode.UNAUTHORIZED);
            }

            @Override
            public void getUser(GetUserRequest request, StreamObserver<User> response) {
                reply(response, user(request.getUserId()));
            }

            @Override
            public void updateProfile(UpdateProfileRequest request, StreamObserver<User> response) {
                calls.add("auth.updateProfile:" + request.getUserId());
                User.Builder u = user(request.getUserId()).toBuilder();
                if (request.hasDisplayName()) {
                    u.setDisplayName(request.getDisplayName());
                }
                if (request.hasTimezone()) {
                    u.setTimezone(request.getTimezone());
                }
                if (request.hasPersona()) {
                    u.setPersona(request.getPersona());
                }
                if (request.hasCountry()) {
                    u.setCountry(request.getCountry());
                }
                users.put(request.getUserId(), u.build());
                reply(response, u.build());
            }

            @Override
            public void deleteAccount(DeleteAccountRequest request, StreamObserver<DeleteAccountResponse> response) {
                calls.add("auth.deleteAccount:" + request.getUserId());
                reply(response, DeleteAccountResponse.newBuilder().setDeleted(users.remove(request.getUserId()) != null).build());
            }

            @Override
            public void exportAccount(ExportAccountRequest request, StreamObserver<AccountExport> response) {
                reply(response, AccountExport.newBuilder().setUser(user(request.getUserId())).setUpdatedAt("2026-01-02T00:00:00Z")
                        .addSessions(SessionRecord.newBuilder().setSessionId("s1").setStartedAt("2026-01-01T00:00:00Z").build()).build());
            }
        }, new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public void getConversation(GetConversationRequest request, StreamObserver<Conversation> response) {
                reply(response, conversation(request.getConversationId()));
            }

            @Override
            public void sendMessage(SendMessageRequest request, StreamObserver<ChatEvent> response) {
                Message user = message(request.getConversationId(), "user", request.getContent());
                response.onNext(ChatEvent.newBuilder().setSeq(1).setMessageCreated(user).build());
                response.onNext(ChatEvent.newBuilder().setSeq(2).setReplyCompleted(message(request.getConversationId(), "assistant", "I hear you.")).build());
                response.onCompleted();
            }

            @Override
            public void deleteUserData(app.oviya.chat.v1.DeleteUserDataRequest request,
                    StreamObserver<app.oviya.chat.v1.DeleteUserDataResponse> response) {
                if (chatDown) {
                    response.onError(Status.UNAVAILABLE.withDescription("database down").asRuntimeException());
                    return;
                }
                calls.add("chat.deleteUserData:" + request.getUserId());
                reply(response, app.oviya.chat.v1.DeleteUserDataResponse.newBuilder().setDeleted(3).build());
            }

            @Override
            public void getMoodTimeline(app.oviya.chat.v1.GetMoodTimelineRequest request,
                    StreamObserver<app.oviya.chat.v1.MoodTimeline> response) {
                if (chatDown) {
                    response.onError(Status.UNAVAILABLE.withDescription("database down").asRuntimeException());
                    return;
                }
                calls.add("chat.getMoodTimeline:" + request.getUserId() + ":" + request.getDays());
                reply(response, moodTimeline(request.getDays()));
            }

            @Override
            public void exportUserData(app.oviya.chat.v1.ExportUserDataRequest request, StreamObserver<ConversationExport> response) {
                reply(response, ConversationExport.newBuilder().setConversation(conversation("c1"))
                        .addMessages(message("c1", "user", "hello")).addMessages(message("c1", "assistant", "hi")).build());
            }
        }, new AiServiceGrpc.AiServiceImplBase() {
            @Override
            public void deleteUserData(app.oviya.ai.v1.DeleteUserDataRequest request,
                    StreamObserver<app.oviya.ai.v1.DeleteUserDataResponse> response) {
                calls.add("ai.deleteUserData:" + request.getUserId());
                reply(response, app.oviya.ai.v1.DeleteUserDataResponse.newBuilder().setDeleted(1).build());
            }

            @Override
            public void exportUserData(app.oviya.ai.v1.ExportUserDataRequest request, StreamObserver<UsageExport> response) {
                reply(response, UsageExport.newBuilder().addDays(UsageDay.newBuilder().setDay("2026-01-01").setProvider("offline")
                        .setModel("rules").setRequests(2).build()).build());
            }
        }, new MemoryServiceGrpc.MemoryServiceImplBase() {
            @Override
            public void forgetAll(ForgetAllRequest request, StreamObserver<ForgetResponse> response) {
                calls.add("memory.forgetAll:" + request.getUserId());
                reply(response, ForgetResponse.newBuilder().setDeleted(2).build());
            }

            @Override
            public void list(ListRequest request, StreamObserver<MemoryPage> response) {
                if (request.getCursor().isEmpty()) {
                    reply(response, MemoryPage.newBuilder().addItems(memory("likes tea")).setNextCursor("p2").build());
                } else {
                    reply(response, MemoryPage.newBuilder().addItems(memory("has a cat")).build());
                }
            }
        });
        String port = Integer.toString(server.getPort());
        return Map.of(
                "quarkus.grpc.clients.auth.test-port", port,
                "quarkus.grpc.clients.chat.test-port", port,
                "quarkus.grpc.clients.ai.test-port", port,
                "quarkus.grpc.clients.memory.test-port", port,
                "oviya.gateway.rate-limit.key-prefix", KEY_PREFIX,
                // A loaded CI machine must not look like a Redis outage (that path has its own test).
                "oviya.gateway.rate-limit.redis-timeout", "5s",
                // Free and pro may send fast here, so only the daily quota can stop them.
                "oviya.gateway.plans.free.messages-per-minute", "600",
                "oviya.gateway.plans.pro.messages-per-minute", "600");
    }

    @Override
    public void stop() {
        GrpcTestSupport.stop(server);
    }

    static Conversation conversation(String id) {
        return Conversation.newBuilder().setId(id).setTitle("t").setCreatedAt("2026-01-01T00:00:00Z").build();
    }

    static Message message(String conversationId, String role, String content) {
        return Message.newBuilder().setId(UUID.randomUUID().toString()).setConversationId(conversationId).setRole(role)
                .setContent(content).setStatus("complete").setCreatedAt("2026-01-01T00:00:00Z").build();
    }

    /** Two days: a joyful one and one with sadness and anxiety tied on count. */
    static app.oviya.chat.v1.MoodTimeline moodTimeline(int days) {
        return app.oviya.chat.v1.MoodTimeline.newBuilder().setDays(days).setFrom("2026-01-01").setTo("2026-01-30")
                .addItems(app.oviya.chat.v1.MoodDay.newBuilder().setDate("2026-01-02").setDominant("joy").setCount(3)
                        .addLabels(app.oviya.chat.v1.MoodLabel.newBuilder().setLabel("joy").setCount(3).setMeanIntensity(0.7)))
                .addItems(app.oviya.chat.v1.MoodDay.newBuilder().setDate("2026-01-05").setDominant("anxiety").setCount(2)
                        .addLabels(app.oviya.chat.v1.MoodLabel.newBuilder().setLabel("anxiety").setCount(1).setMeanIntensity(0.81234))
                        .addLabels(app.oviya.chat.v1.MoodLabel.newBuilder().setLabel("sadness").setCount(1).setMeanIntensity(0.4)))
                .build();
    }

    static Memory memory(String content) {
        return Memory.newBuilder().setId(UUID.randomUUID().toString()).setContent(content).setKind("fact").setImportance(0.5)
                .setCreatedAt("2026-01-01T00:00:00Z").build();
    }

    static void failWith(StreamObserver<?> response, ErrorCode code) {
        response.onError(GrpcErrors.toStatus(new ServiceException(code, code.title())));
    }
}
