-- name: CountRateLimitHit :one
-- One more request from client to bucket in the current window; returns the
-- window's count and the seconds until it ends.
INSERT INTO rate_limit_hits AS h (bucket, client, window_start, hits)
VALUES (@bucket, @client, date_bin(make_interval(secs => @window_seconds::float8), now(), 'epoch'::timestamptz), 1)
ON CONFLICT (bucket, client, window_start) DO UPDATE SET hits = h.hits + 1
RETURNING h.hits, extract(epoch FROM h.window_start + make_interval(secs => @window_seconds::float8) - now())::float8 AS ends_in_seconds;

-- name: DeleteRateLimitHitsBefore :execrows
-- Forget the windows that ended before the given number of seconds ago.
DELETE FROM rate_limit_hits WHERE window_start < now() - make_interval(secs => @age_seconds::float8);
