-- Rate-limit logs shared by every API replica: one row per operation and
-- client address, holding the times of the client's latest attempts (as many
-- as the limit allows, plus one) on the database's clock, which the replicas
-- share. UNLOGGED: the logs are worth less than the write-ahead log they
-- would cost, and a crash merely forgets the last minute.
CREATE UNLOGGED TABLE rate_limit_attempts (
    bucket   text NOT NULL,
    client   text NOT NULL,
    attempts timestamptz[] NOT NULL,
    PRIMARY KEY (bucket, client)
);
