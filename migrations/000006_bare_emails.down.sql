ALTER TABLE users DROP CONSTRAINT users_email_bare;

-- Every address the up migration changed, and the look-alikes' activity,
-- as they were. No original can collide with another row's current
-- address: the originals were unique, and none of them was bare.
UPDATE users SET email = o.original_email, is_active = o.was_active
FROM user_email_originals o WHERE o.user_id = users.id;

DROP TABLE user_email_originals;
