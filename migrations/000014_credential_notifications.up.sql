-- Every API process remembers the accounts and API keys it verified for a
-- short while (internal/auth.Cache). Any change to an account, and a key's
-- revocation, expiry, scopes, name or deletion (not the counting of its
-- use), notifies every process at commit on the channel "credentials", and
-- each forgets what it remembered.
-- Statement-level: one notification per statement, and PostgreSQL folds the
-- same notification within one transaction into one.
CREATE FUNCTION notify_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('credentials', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_credentials_changed
AFTER UPDATE OR DELETE ON users
FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials();

CREATE TRIGGER api_keys_credentials_changed
AFTER UPDATE OF revoked_at, expires_at, scopes, name OR DELETE ON api_keys
FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials();
