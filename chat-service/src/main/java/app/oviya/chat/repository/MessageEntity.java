package app.oviya.chat.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "messages")
public class MessageEntity {

    @Id
    public UUID id;

    /** Assigned by the database on insert; read back only by queries (it orders the pages). */
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "conversation_id", nullable = false)
    public UUID conversationId;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false)
    public String role;

    @Column(nullable = false)
    public String content;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "reply_to")
    public UUID replyTo;

    @Column(name = "emotion_label")
    public String emotionLabel;

    @Column(name = "emotion_intensity")
    public Float emotionIntensity;

    @Column(name = "safety_kind")
    public String safetyKind;

    @Column(name = "safety_message")
    public String safetyMessage;

    @Column
    public String provider;
}
