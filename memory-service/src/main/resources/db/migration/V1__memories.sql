CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE memories (
    id                uuid PRIMARY KEY,
    user_id           uuid         NOT NULL,
    content           text         NOT NULL,
    kind              varchar(16)  NOT NULL,
    importance        real         NOT NULL DEFAULT 0.5,
    source_message_id uuid,
    created_at        timestamptz  NOT NULL,
    -- Filled by the embedding pipeline; search falls back to text ranking where it is empty.
    embedding         vector(384)
);
-- Every query is scoped to one user: list newest first, search within the user's rows.
CREATE INDEX memories_user_created_idx ON memories (user_id, created_at DESC, id DESC);
