-- The mood timeline (GetMoodTimeline): a user's messages with a detected emotion in a time range.
-- Partial (only messages with an emotion: the replies) and covering (label and intensity ride in
-- the index), so the aggregate is an index-only range scan of one user's emotional messages in the
-- range, whatever else the user or anyone else has written. messages.user_id is the conversation
-- owner's id (set from the owning conversation on every insert), so no join is needed.
CREATE INDEX messages_user_emotion_created_idx ON messages (user_id, created_at)
    INCLUDE (emotion_label, emotion_intensity)
    WHERE emotion_label IS NOT NULL;
