-- The outbox relay leases an unstarted order for a while instead of holding
-- its row lock while it calls Temporal: claim (one short statement), call,
-- record. A relay that dies mid-way leaves a lease that simply expires.
ALTER TABLE orders ADD COLUMN workflow_claimed_until timestamptz;
