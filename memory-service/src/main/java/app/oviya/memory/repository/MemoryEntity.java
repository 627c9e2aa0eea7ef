package app.oviya.memory.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
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

    /** Set when a newer memory superseded this one; current memories have none. */
    @Column(name = "valid_until")
    public Instant validUntil;

    @Column(name = "superseded_by")
    public UUID supersededBy;

    /** What the memory is about, for consolidation ("residence", "sister:priya"); may be null. */
    public String subject;

    /** A sensitive category (health, trauma, ...) or null. */
    public String category;

    @Column(nullable = false)
    public boolean sensitive;

    @Column(name = "event_date")
    public LocalDate eventDate;

    // The embedding column is written and searched through VectorStore (pgvector SQL), not mapped here.
}
