CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         varchar(320) NOT NULL,
    password_hash varchar(255) NOT NULL,
    display_name  varchar(100) NOT NULL,
    plan          varchar(16)  NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'premium')),
    timezone      varchar(64)  NOT NULL DEFAULT 'UTC',
    created_at    timestamptz  NOT NULL,
    updated_at    timestamptz  NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Refresh tokens are stored only as SHA-256 hashes. A family is one login session: every
-- rotation adds a token to it, and presenting a rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    token_hash  varchar(64) NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
