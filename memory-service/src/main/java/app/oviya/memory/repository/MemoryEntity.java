package app.oviya.memory.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "memories")
public class MemoryEntity {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false)
    public String content;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public float importance;

    @Column(name = "source_message_id")
    public UUID sourceMessageId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
