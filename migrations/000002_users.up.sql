CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 255),
    full_name     text NOT NULL DEFAULT '' CHECK (length(full_name) <= 255),
    password_hash text NOT NULL,
    is_active     boolean NOT NULL DEFAULT true,
    is_superuser  boolean NOT NULL DEFAULT false,
    -- Bumped on every password change: tokens carry the version they were
    -- issued under, so a change revokes every access and reset token at once.
    token_version integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- GET /users/ lists newest first, with a tie-breaker for a stable order.
CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC);

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
