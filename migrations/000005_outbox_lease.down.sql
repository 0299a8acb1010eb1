ALTER TABLE orders DROP COLUMN IF EXISTS workflow_claimed_until;
