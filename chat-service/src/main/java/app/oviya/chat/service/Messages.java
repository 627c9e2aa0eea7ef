package app.oviya.chat.service;

import app.oviya.chat.repository.ConversationEntity;
import app.oviya.chat.repository.MessageEntity;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.Emotion;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.Safety;

/** Entity to contract mapping. */
public final class Messages {

    private Messages() {
    }

    public static Message toProto(MessageEntity m) {
        Message.Builder b = Message.newBuilder()
                .setId(m.id.toString())
                .setConversationId(m.conversationId.toString())
                .setRole(m.role)
                .setContent(m.content)
                .setStatus(m.status)
                .setCreatedAt(m.createdAt.toString());
        if (m.emotionLabel != null) {
            b.setEmotion(Emotion.newBuilder().setLabel(m.emotionLabel)
                    .setIntensity(m.emotionIntensity == null ? 0 : Math.round(m.emotionIntensity * 100) / 100.0));
        }
        if (m.safetyKind != null) {
            b.setSafety(Safety.newBuilder().setKind(m.safetyKind).setMessage(m.safetyMessage == null ? "" : m.safetyMessage));
        }
        if (m.provider != null) {
            b.setProvider(m.provider);
        }
        return b.build();
    }

    public static Conversation toProto(ConversationEntity c) {
        Conversation.Builder b = Conversation.newBuilder()
                .setId(c.id.toString())
                .setTitle(c.title)
                .setCreatedAt(c.createdAt.toString());
        if (c.lastMessageAt != null) {
            b.setLastMessageAt(c.lastMessageAt.toString());
        }
        return b.build();
    }
}
