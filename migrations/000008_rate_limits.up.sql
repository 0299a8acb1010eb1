-- Rate-limit counts shared by every API replica: one row per operation,
-- client address and fixed window (aligned on the database's clock, which
-- the replicas share). UNLOGGED: counts are worth less than the write-ahead
-- log they would cost, and a crash merely forgets the current window.
CREATE UNLOGGED TABLE rate_limit_hits (
    bucket       text NOT NULL,
    client       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (bucket, client, window_start)
);
CREATE INDEX rate_limit_hits_window_idx ON rate_limit_hits (window_start);
