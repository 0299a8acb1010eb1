-- name: RecordRateLimitAttempt :one
-- Logs one attempt by client at bucket, keeping its latest @keep attempts;
-- returns those made within @window_seconds of it, in the order logged, this
-- one last. The time is taken once the row is locked (clock_timestamp, not
-- the transaction's start), so attempts are logged in the order of their
-- times.
INSERT INTO rate_limit_attempts AS r (bucket, client, attempts)
VALUES (@bucket, @client, ARRAY[clock_timestamp()])
ON CONFLICT (bucket, client) DO UPDATE
SET attempts = (r.attempts || clock_timestamp())[greatest(cardinality(r.attempts) + 2 - @keep::int, 1):]
RETURNING ARRAY(
    SELECT a.t FROM unnest(r.attempts) WITH ORDINALITY AS a (t, i)
    WHERE a.t > r.attempts[cardinality(r.attempts)] - make_interval(secs => @window_seconds::float8)
    ORDER BY a.i
)::timestamptz[] AS recent;

-- name: DeleteRateLimitLogsBefore :execrows
-- Forgets up to max_rows clients whose latest attempt is older than
-- @age_seconds.
DELETE FROM rate_limit_attempts WHERE ctid IN (
    SELECT old.ctid FROM rate_limit_attempts old
    WHERE old.attempts[cardinality(old.attempts)] < now() - make_interval(secs => @age_seconds::float8)
    LIMIT @max_rows
);
