-- Returns after delivery: a delivered order whose every unit came back is
-- returned. ADD VALUE runs in the migration's transaction; nothing here uses
-- the new value.
ALTER TYPE order_status ADD VALUE 'returned' AFTER 'delivered';

-- A customer's request to send delivered goods back. requested: waiting for
-- an operator; approved: the goods may come; rejected: they may not (or the
-- return window ended first); received: they arrived and are back on hand;
-- refunded: their amount was refunded (refund_id; none when earlier refunds
-- had already given it back).
CREATE TABLE returns (
    id            uuid PRIMARY KEY,
    order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- The lines sent back, [{line_no, quantity}]; never empty.
    lines         jsonb NOT NULL CHECK (jsonb_array_length(lines) > 0),
    reason        text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'requested'
                  CHECK (status IN ('requested', 'approved', 'rejected', 'received', 'refunded')),
    actor         text NOT NULL,
    decided_by    text,
    decision_note text,
    refund_id     uuid REFERENCES refunds (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_order_idx ON returns (order_id, created_at, id);
CREATE TRIGGER returns_set_updated_at BEFORE UPDATE ON returns
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Goods a return put back on hand, once per return and product.
ALTER TABLE stock_adjustments ADD COLUMN return_id uuid;
CREATE UNIQUE INDEX stock_adjustments_return_idx ON stock_adjustments (return_id, product_id)
    WHERE return_id IS NOT NULL;

-- The daily summary lists the products whose available stock is at or
-- below their threshold; 0: never listed.
ALTER TABLE products ADD COLUMN low_stock_threshold integer NOT NULL DEFAULT 0
    CHECK (low_stock_threshold >= 0);

-- Idempotency keys are kept for IDEMPOTENCY_KEY_RETENTION, then cleared by
-- the clean-up job (a retry after that places a new order). The partial
-- index holds only the keys still kept, so the job finds them at once.
ALTER TABLE orders ALTER COLUMN idempotency_key DROP NOT NULL;
CREATE INDEX orders_idempotency_kept_idx ON orders (created_at) WHERE idempotency_key IS NOT NULL;
-- Clearing a key is no change of the order's: updated_at stays.
DROP TRIGGER orders_set_updated_at ON orders;
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW WHEN (OLD.idempotency_key IS NOT DISTINCT FROM NEW.idempotency_key)
    EXECUTE FUNCTION set_updated_at();

-- The reconciliation job's scans read only their candidates: reservations
-- still held, authorizations still open. The daily summary reads a day of
-- shipments and refunds.
CREATE INDEX stock_reservations_held_idx ON stock_reservations (order_id) WHERE state = 'held';
CREATE INDEX payments_authorized_idx ON payments (order_id) WHERE status = 'authorized';
CREATE INDEX shipments_shipped_idx ON shipments (shipped_at);
CREATE INDEX refunds_updated_idx ON refunds (updated_at);
-- The clean-up finds the settled deliveries past their retention.
CREATE INDEX webhook_deliveries_settled_idx ON webhook_deliveries (updated_at) WHERE state <> 'pending';

-- What the reconciliation job found: one row per finding, kept for
-- RECONCILIATION_RETENTION.
CREATE TABLE reconciliation_findings (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id   text NOT NULL,
    kind     text NOT NULL CHECK (kind IN
             ('status_mismatch', 'never_started', 'reservation_held', 'authorization_lapsed')),
    order_id uuid NOT NULL,
    detail   text NOT NULL,
    repaired boolean NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliation_findings_found_idx ON reconciliation_findings (found_at DESC, id DESC);
