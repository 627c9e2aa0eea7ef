-- The global unique index on seq let the planner answer "newest messages of conversation X" by
-- scanning ALL messages backwards by seq and filtering on X: cheap for the newest conversation,
-- ruinous for an old one under a million newer messages. seq is an identity column (unique by
-- construction); every query on it is per conversation and served by messages_conversation_seq_idx.
DROP INDEX IF EXISTS messages_seq_key;
