CREATE TABLE conversations (
    id              uuid PRIMARY KEY,
    user_id         uuid         NOT NULL,
    title           varchar(200) NOT NULL,
    created_at      timestamptz  NOT NULL,
    last_message_at timestamptz,
    -- last_message_at, or created_at while empty: the order of the conversation list.
    activity_at     timestamptz  NOT NULL
);
CREATE INDEX conversations_user_activity_idx ON conversations (user_id, activity_at DESC, id DESC);

CREATE TABLE messages (
    id                uuid PRIMARY KEY,
    -- Insertion order: the keyset that pages stay stable on while new messages arrive.
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id   uuid         NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id           uuid         NOT NULL,
    role              varchar(16)  NOT NULL CHECK (role IN ('user', 'assistant')),
    content           text         NOT NULL,
    status            varchar(16)  NOT NULL CHECK (status IN ('complete', 'partial', 'failed')),
    created_at        timestamptz  NOT NULL,
    idempotency_key   varchar(200),
    reply_to          uuid REFERENCES messages (id) ON DELETE CASCADE,
    emotion_label     varchar(32),
    emotion_intensity real,
    safety_kind       varchar(32),
    safety_message    text,
    provider          varchar(100)
);
CREATE UNIQUE INDEX messages_seq_key ON messages (seq);
CREATE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq DESC);
-- One user message per idempotency key and user; one reply per user message.
CREATE UNIQUE INDEX messages_user_idempotency_key ON messages (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX messages_reply_to_key ON messages (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX messages_user_idx ON messages (user_id);
