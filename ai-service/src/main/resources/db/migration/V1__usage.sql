-- One row per provider call: what it cost, for the per-user, per-day and per-model ledger.
CREATE TABLE usage_events (
    id                 uuid PRIMARY KEY,
    user_id            uuid         NOT NULL,
    conversation_id    uuid,
    provider           varchar(32)  NOT NULL,
    model              varchar(100) NOT NULL,
    input_tokens       bigint       NOT NULL DEFAULT 0,
    output_tokens      bigint       NOT NULL DEFAULT 0,
    cache_read_tokens  bigint       NOT NULL DEFAULT 0,
    cache_write_tokens bigint       NOT NULL DEFAULT 0,
    cost_usd           numeric(12, 6) NOT NULL DEFAULT 0,
    created_at         timestamptz  NOT NULL
);
CREATE INDEX usage_events_user_day_idx ON usage_events (user_id, created_at);
