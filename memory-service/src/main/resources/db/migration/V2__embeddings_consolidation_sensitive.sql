-- Semantic memory (issue 6): embeddings on every memory, consolidation history, sensitive tags.

-- The column's dimension follows the configured embedding model (EMBEDDING_DIMENSION: 384 for the
-- in-process MiniLM, 1536 for a hosted one). V1 never filled the column, so changing its type is safe.
-- The service checks at start that the column still matches the configuration.
ALTER TABLE memories ALTER COLUMN embedding TYPE vector(${embedding_dimension});

-- Consolidation: a superseded memory stays as history with valid_until set and a pointer to
-- the memory that replaced it. Search and list only see current rows (valid_until IS NULL).
ALTER TABLE memories ADD COLUMN valid_until   timestamptz;
ALTER TABLE memories ADD COLUMN superseded_by uuid;
-- What a fact is about ("residence", "job", "sister"): one current memory per subject.
ALTER TABLE memories ADD COLUMN subject       varchar(120);
-- Sensitive categories (health, trauma, ...): tagged, listable and deletable like any other memory.
ALTER TABLE memories ADD COLUMN category      varchar(24);
ALTER TABLE memories ADD COLUMN sensitive     boolean NOT NULL DEFAULT false;
-- Events: the date they happen, resolved against when the user said it.
ALTER TABLE memories ADD COLUMN event_date    date;

-- Index strategy (measured in docs/memory-benchmarks.md): per-user top-k is an EXACT distance
-- scan over the user's current rows, read from a covering B-tree: its leaf pages hold one user's
-- vectors side by side, so a search reads a few hundred contiguous index pages (index-only scan)
-- instead of one heap page per memory scattered over the table. A user has hundreds to a few
-- thousand memories, so the exact scan is fast and exact, where a global HNSW index filtered by
-- user loses recall or walks other users' vectors (iterative scan).
-- A B-tree entry must fit in a third of a page: vectors above ~600 dimensions (1536 for a hosted
-- model) cannot be included, and the index then only locates the rows (heap reads).
DO $$
BEGIN
    IF ${embedding_dimension} <= 600 THEN
        CREATE INDEX memories_user_vectors_idx ON memories (user_id) INCLUDE (id, kind, embedding) WHERE valid_until IS NULL;
    ELSE
        CREATE INDEX memories_user_vectors_idx ON memories (user_id) WHERE valid_until IS NULL;
    END IF;
END
$$;
CREATE INDEX memories_user_subject_idx ON memories (user_id, subject) WHERE valid_until IS NULL AND subject IS NOT NULL;
CREATE INDEX memories_superseded_by_idx ON memories (superseded_by) WHERE superseded_by IS NOT NULL;
