DROP TABLE provider_events;
DROP TABLE refunds;
ALTER TABLE shipments
    DROP COLUMN tracking_number, DROP COLUMN tracking_url, DROP COLUMN shipped_at, DROP COLUMN delivered_at;
DROP INDEX payments_gateway_ref_idx;
UPDATE payments SET status = 'captured' WHERE status = 'partially_refunded';
ALTER TABLE payments
    DROP CONSTRAINT payments_refunded_check,
    DROP CONSTRAINT payments_captured_check,
    DROP CONSTRAINT payments_status_check,
    ADD CONSTRAINT payments_status_check CHECK (status IN ('authorized', 'captured', 'voided', 'refunded')),
    DROP COLUMN captured_cents, DROP COLUMN refunded_cents, DROP COLUMN authorized_at, DROP COLUMN expires_at,
    DROP COLUMN reauthorized, DROP COLUMN dispute_status, DROP COLUMN disputed_cents;
