-- name: AddEvent :one
-- The event, a pending delivery to every enabled endpoint that takes its
-- type, and a notification at commit (LISTEN events: "seq order_id"), in one
-- statement of the transaction that made the change.
WITH e AS (
    INSERT INTO events (type, order_id, data, trace_context)
    VALUES (@type, sqlc.narg('order_id'), @data, sqlc.narg('trace_context'))
    RETURNING seq, id, created_at, order_id
), fanout AS (
    INSERT INTO webhook_deliveries (endpoint_id, event_seq, order_id, next_attempt_at)
    SELECT w.id, e.seq, e.order_id, now() FROM webhook_endpoints w, e
    WHERE w.enabled AND (cardinality(w.event_types) = 0 OR @type = ANY (w.event_types))
)
SELECT e.seq, e.id, e.created_at, pg_notify('events', e.seq::text || ' ' || coalesce(e.order_id::text, '')) AS notified
FROM e;

-- name: AddTestEvent :one
-- A webhook.test event, delivered to one endpoint only.
WITH e AS (
    INSERT INTO events (type, data) VALUES ('webhook.test', @data)
    RETURNING seq, id, created_at
), fanout AS (
    INSERT INTO webhook_deliveries (endpoint_id, event_seq, next_attempt_at)
    SELECT @endpoint_id, e.seq, now() FROM e
    RETURNING id
)
SELECT e.seq, e.id, e.created_at, (SELECT id FROM fanout) AS delivery_id,
       pg_notify('events', e.seq::text || ' ') AS notified
FROM e;

-- name: GetEvent :one
SELECT * FROM events WHERE id = $1;

-- name: ListEvents :many
-- A keyset page, newest first; every filter is optional.
SELECT * FROM events
WHERE (sqlc.narg('type')::text IS NULL OR type = sqlc.narg('type'))
  AND (sqlc.narg('order_id')::uuid IS NULL OR order_id = sqlc.narg('order_id'))
  AND (sqlc.narg('created_from')::timestamptz IS NULL OR created_at >= sqlc.narg('created_from'))
  AND (sqlc.narg('created_to')::timestamptz IS NULL OR created_at < sqlc.narg('created_to'))
  AND (sqlc.narg('after_created')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg('limit');

-- name: CountEvents :one
SELECT count(*) FROM events
WHERE (sqlc.narg('type')::text IS NULL OR type = sqlc.narg('type'))
  AND (sqlc.narg('order_id')::uuid IS NULL OR order_id = sqlc.narg('order_id'))
  AND (sqlc.narg('created_from')::timestamptz IS NULL OR created_at >= sqlc.narg('created_from'))
  AND (sqlc.narg('created_to')::timestamptz IS NULL OR created_at < sqlc.narg('created_to'));

-- name: EventsAfter :many
-- For the streams: the events after seq, oldest first, of one order or all.
SELECT * FROM events
WHERE seq > @after_seq AND (sqlc.narg('order_id')::uuid IS NULL OR order_id = sqlc.narg('order_id'))
ORDER BY seq
LIMIT @max_rows;

-- name: LastEventSeq :one
SELECT coalesce(max(seq), 0)::bigint FROM events;

-- name: PurgeEvents :execrows
-- Removes up to max_rows events older than before, with their deliveries.
DELETE FROM events WHERE seq IN (
    SELECT old.seq FROM events old WHERE old.created_at < @before ORDER BY old.seq LIMIT @max_rows
);
