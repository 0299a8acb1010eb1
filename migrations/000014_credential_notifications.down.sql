DROP TRIGGER api_keys_credentials_changed ON api_keys;
DROP TRIGGER users_credentials_changed ON users;
DROP FUNCTION notify_credentials();
