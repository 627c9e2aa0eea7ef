package app.oviya.chat.api;

import app.oviya.chat.service.ConversationService;
import app.oviya.chat.service.Messages;
import app.oviya.chat.service.MoodService;
import app.oviya.chat.service.SendMessageService;
import app.oviya.chat.service.UserDataService;
import app.oviya.chat.v1.ConversationExport;
import app.oviya.chat.v1.DeleteUserDataRequest;
import app.oviya.chat.v1.DeleteUserDataResponse;
import app.oviya.chat.v1.ExportUserDataRequest;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.ChatService;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationPage;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.chat.v1.UpdateConversationRequest;
import app.oviya.chat.v1.DeleteConversationRequest;
import app.oviya.chat.v1.DeleteConversationResponse;
import app.oviya.chat.v1.ListConversationsRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.MessagePage;
import app.oviya.chat.v1.GetMoodTimelineRequest;
import app.oviya.chat.v1.MoodTimeline;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.chat.v1.ResumeReplyRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@GrpcService
public class ChatGrpcService implements ChatService {

    private final ConversationService conversations;
    private final SendMessageService sender;
    private final UserDataService userData;
    private final MoodService mood;

    public ChatGrpcService(ConversationService conversations, SendMessageService sender, UserDataService userData, MoodService mood) {
        this.conversations = conversations;
        this.sender = sender;
        this.userData = userData;
        this.mood = mood;
    }

    @Override
    public Uni<Conversation> createConversation(CreateConversationRequest request) {
        return Uni.createFrom().deferred(() -> conversations.create(request.getUserId(), request.getTitle())).map(Messages::toProto);
    }

    @Override
    public Uni<ConversationPage> listConversations(ListConversationsRequest request) {
        return Uni.createFrom().deferred(() -> conversations.list(request.getUserId(), request.getLimit(), request.getCursor()))
                .map(page -> {
                    ConversationPage.Builder b = ConversationPage.newBuilder().setNextCursor(page.nextCursor());
                    page.items().forEach(c -> b.addItems(Messages.toProto(c)));
                    return b.build();
                });
    }

    @Override
    public Uni<Conversation> getConversation(GetConversationRequest request) {
        return Uni.createFrom().deferred(() -> conversations.get(request.getUserId(), request.getConversationId()))
                .map(Messages::toProto);
    }

    @Override
    public Uni<Conversation> updateConversation(UpdateConversationRequest request) {
        return Uni.createFrom().deferred(() -> conversations.rename(request.getUserId(), request.getConversationId(), request.getTitle()))
                .map(Messages::toProto);
    }

    @Override
    public Uni<DeleteConversationResponse> deleteConversation(DeleteConversationRequest request) {
        return Uni.createFrom().deferred(() -> conversations.delete(request.getUserId(), request.getConversationId()))
                .map(n -> DeleteConversationResponse.newBuilder().setDeletedMessages(n).build());
    }

    @Override
    public Uni<MessagePage> listMessages(ListMessagesRequest request) {
        return Uni.createFrom().deferred(() -> conversations.messages(request.getUserId(), request.getConversationId(),
                request.getLimit(), request.getCursor())).map(page -> {
                    MessagePage.Builder b = MessagePage.newBuilder().setNextCursor(page.nextCursor());
                    page.items().forEach(m -> b.addItems(Messages.toProto(m)));
                    return b.build();
                });
    }

    @Override
    public Multi<ChatEvent> sendMessage(SendMessageRequest request) {
        return Multi.createFrom().deferred(() -> sender.send(request));
    }

    @Override
    public Multi<ChatEvent> resumeReply(ResumeReplyRequest request) {
        return Multi.createFrom().deferred(() -> sender.resume(request.getUserId(), request.getConversationId(), request.getMessageId(),
                request.getAfterSeq()));
    }

    @Override
    public Uni<DeleteUserDataResponse> deleteUserData(DeleteUserDataRequest request) {
        return Uni.createFrom().deferred(() -> userData.delete(request.getUserId()))
                .map(n -> DeleteUserDataResponse.newBuilder().setDeleted(n).build());
    }

    @Override
    public Multi<ConversationExport> exportUserData(ExportUserDataRequest request) {
        return Multi.createFrom().deferred(() -> userData.export(request.getUserId()));
    }

    @Override
    public Uni<MoodTimeline> getMoodTimeline(GetMoodTimelineRequest request) {
        return Uni.createFrom().deferred(() -> mood.timeline(request.getUserId(), request.getDays()));
    }
}
