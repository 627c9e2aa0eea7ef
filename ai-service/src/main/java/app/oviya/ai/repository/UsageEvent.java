package app.oviya.ai.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "usage_events")
public class UsageEvent {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "conversation_id")
    public UUID conversationId;

    @Column(nullable = false)
    public String provider;

    @Column(nullable = false)
    public String model;

    @Column(name = "input_tokens", nullable = false)
    public long inputTokens;

    @Column(name = "output_tokens", nullable = false)
    public long outputTokens;

    @Column(name = "cache_read_tokens", nullable = false)
    public long cacheReadTokens;

    @Column(name = "cache_write_tokens", nullable = false)
    public long cacheWriteTokens;

    @Column(name = "cost_usd", nullable = false)
    public BigDecimal costUsd;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
