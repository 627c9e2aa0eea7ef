#!/usr/bin/env bash
# Page fetch latency at 1k vs 1M messages in one conversation, at the database (the only part of
# a page fetch whose cost could depend on the conversation's length). Uses a scratch database
# oviya_chat_bench with chat-service's schema (migrations V1, V2) and runs the exact statements
# MessageRepository issues (first page; a page in the middle; the last page), each 200 times.
# Usage: chat-service/bench/page-latency.sh   (PostgreSQL on localhost:5432, trust auth)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PSQL="psql -h ${DB_HOST:-localhost} -p ${DB_PORT:-5432} -U ${PGUSER:-postgres} -v ON_ERROR_STOP=1 -qAt"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS oviya_chat_bench" -c "CREATE DATABASE oviya_chat_bench"
for f in "$here"/../src/main/resources/db/migration/V*.sql; do $PSQL -d oviya_chat_bench -f "$f"; done
B="$PSQL -d oviya_chat_bench"
$B <<'SQL'
INSERT INTO conversations VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000aa', 'small', now(), now(), now()),
                                 ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000aa', 'big', now(), now(), now());
INSERT INTO messages (id, conversation_id, user_id, role, content, status, created_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000aa',
       CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END, repeat('x', 120) || i, 'complete', now()
FROM generate_series(1, 1000000) i;
INSERT INTO messages (id, conversation_id, user_id, role, content, status, created_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000aa',
       CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END, repeat('x', 120) || i, 'complete', now()
FROM generate_series(1, 1000) i;
VACUUM ANALYZE messages;
SQL
measure() { # $1 label, $2 conversation, $3 position: first|middle|last
  $B <<SQL
DO \$\$
DECLARE conv uuid := '$2'; lo bigint; hi bigint; cursor_seq bigint; t0 timestamptz; ms double precision[] := '{}'; r record; i int;
BEGIN
  SELECT min(seq), max(seq) INTO lo, hi FROM messages WHERE conversation_id = conv;
  cursor_seq := CASE '$3' WHEN 'first' THEN hi + 1 WHEN 'middle' THEN (lo + hi) / 2 ELSE lo + 50 END;
  FOR i IN 1..200 LOOP
    t0 := clock_timestamp();
    FOR r IN SELECT * FROM messages WHERE conversation_id = conv AND seq < cursor_seq ORDER BY seq DESC LIMIT 51 LOOP END LOOP;
    ms := ms || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RAISE NOTICE '% % page: p50 % ms, p99 % ms', '$1', '$3',
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 3),
    round((SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 3);
END \$\$;
SQL
}
for pos in first middle last; do
  measure "1k messages" 00000000-0000-0000-0000-000000000001 $pos
  measure "1M messages" 00000000-0000-0000-0000-000000000002 $pos
done
$B -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM messages WHERE conversation_id = '00000000-0000-0000-0000-000000000002' AND seq < 500000 ORDER BY seq DESC LIMIT 51"
