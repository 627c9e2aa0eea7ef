package app.oviya.gateway.client;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ConversationExport;
import app.oviya.chat.v1.DeleteUserDataRequest;
import app.oviya.chat.v1.ExportUserDataRequest;
import app.oviya.chat.v1.ChatService;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationPage;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.DeleteConversationRequest;
import app.oviya.chat.v1.UpdateConversationRequest;
import app.oviya.chat.v1.ListConversationsRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.MessagePage;
import app.oviya.chat.v1.GetMoodTimelineRequest;
import app.oviya.chat.v1.MoodTimeline;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.chat.v1.ResumeReplyRequest;
import app.oviya.common.error.GrpcErrors;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Timeout;

/** chat-service as the gateway uses it; failures arrive as domain exceptions. */
@ApplicationScoped
public class ChatClient {

    private final ChatService chat;

    public ChatClient(@GrpcClient("chat") ChatService chat) {
        this.chat = chat;
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Conversation> create(String userId, String title) {
        return chat.createConversation(CreateConversationRequest.newBuilder().setUserId(userId).setTitle(title == null ? "" : title).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<ConversationPage> list(String userId, int limit, String cursor) {
        return chat.listConversations(ListConversationsRequest.newBuilder().setUserId(userId).setLimit(limit)
                .setCursor(cursor == null ? "" : cursor).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Conversation> get(String userId, String conversationId) {
        return chat.getConversation(GetConversationRequest.newBuilder().setUserId(userId).setConversationId(conversationId).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Conversation> rename(String userId, String conversationId, String title) {
        return chat.updateConversation(UpdateConversationRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                .setTitle(title == null ? "" : title).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<Void> delete(String userId, String conversationId) {
        return chat.deleteConversation(DeleteConversationRequest.newBuilder().setUserId(userId).setConversationId(conversationId).build())
                .onFailure().transform(GrpcErrors::fromGrpc).replaceWithVoid();
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<MessagePage> messages(String userId, String conversationId, int limit, String cursor) {
        return chat.listMessages(ListMessagesRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                .setLimit(limit).setCursor(cursor == null ? "" : cursor).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Account deletion: every conversation and message of the user; idempotent. */
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<Long> deleteUserData(String userId) {
        return chat.deleteUserData(DeleteUserDataRequest.newBuilder().setUserId(userId).build()).map(r -> r.getDeleted())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Export: every conversation with its messages. */
    public Multi<ConversationExport> exportUserData(String userId) {
        return chat.exportUserData(ExportUserDataRequest.newBuilder().setUserId(userId).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** The rest of a reply's events after afterSeq (live or replayed); never asks the AI. */
    public Multi<ChatEvent> resume(String userId, String conversationId, String messageId, long afterSeq) {
        return chat.resumeReply(ResumeReplyRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                        .setMessageId(messageId).setAfterSeq(afterSeq).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Not retried: the idempotency key makes a client retry safe, a silent one here is not needed. */
    public Multi<ChatEvent> send(String userId, String plan, UserProfiles.Profile profile, String conversationId, String content,
            String idempotencyKey) {
        return chat.sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setPlan(plan)
                        .setPersona(profile.persona()).setCountry(profile.country()).setConversationId(conversationId)
                        .setContent(content == null ? "" : content).setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Mood insights: the emotions of the user's last {@code days} UTC days, per day. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<MoodTimeline> moodTimeline(String userId, int days) {
        return chat.getMoodTimeline(GetMoodTimelineRequest.newBuilder().setUserId(userId).setDays(days).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }
}
