-- name: Ping :one
-- Readiness: a round trip through the pool and the query path the app uses.
SELECT 1::int AS ok;
