-- name: LockOrderStatus :one
-- Holds the order while a return is judged against it: two returns of one
-- order wait for each other.
SELECT status FROM orders WHERE id = $1 FOR UPDATE;

-- name: CreateReturn :one
INSERT INTO returns (id, order_id, lines, reason, actor)
VALUES (@id, @order_id, @lines, @reason, @actor)
RETURNING *;

-- name: GetReturn :one
SELECT * FROM returns WHERE id = $1;

-- name: ListReturns :many
SELECT * FROM returns WHERE order_id = $1 ORDER BY created_at, id;

-- name: MoveReturn :one
-- Moves a return on from one of @from; no row when it is elsewhere.
UPDATE returns
SET status = @status,
    decided_by = coalesce(sqlc.narg('decided_by'), decided_by),
    decision_note = coalesce(sqlc.narg('decision_note'), decision_note),
    refund_id = coalesce(sqlc.narg('refund_id'), refund_id)
WHERE id = @id AND status = ANY(@from_statuses::text[])
RETURNING *;
