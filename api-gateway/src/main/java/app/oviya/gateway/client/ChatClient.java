package app.oviya.gateway.client;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ChatService;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationPage;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.ListConversationsRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.MessagePage;
import app.oviya.chat.v1.SendMessageRequest;
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
    public Uni<MessagePage> messages(String userId, String conversationId, int limit, String cursor) {
        return chat.listMessages(ListMessagesRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                .setLimit(limit).setCursor(cursor == null ? "" : cursor).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Not retried: the idempotency key makes a client retry safe, a silent one here is not needed. */
    public Multi<ChatEvent> send(String userId, String plan, String conversationId, String content, String idempotencyKey) {
        return chat.sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setPlan(plan).setConversationId(conversationId)
                        .setContent(content == null ? "" : content).setIdempotencyKey(idempotencyKey == null ? "" : idempotencyKey).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }
}
