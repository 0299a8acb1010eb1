-- Money and goods as the order shows them: what was authorized, captured
-- and refunded, when the authorization lapses, and the shipment's carrier
-- and tracking. Refunds are rows of their own; provider_events keeps the
-- ids of the payment provider's events already taken, so a redelivered
-- event changes nothing.

ALTER TABLE payments
    DROP CONSTRAINT payments_status_check,
    ADD CONSTRAINT payments_status_check
        CHECK (status IN ('authorized', 'captured', 'partially_refunded', 'refunded', 'voided')),
    ADD COLUMN captured_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN refunded_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN authorized_at  timestamptz,
    ADD COLUMN expires_at     timestamptz,
    ADD COLUMN reauthorized   boolean NOT NULL DEFAULT false,
    ADD COLUMN dispute_status text,
    ADD COLUMN disputed_cents bigint NOT NULL DEFAULT 0;
UPDATE payments SET authorized_at = created_at,
    captured_cents = CASE WHEN status IN ('captured', 'refunded') THEN amount_cents ELSE 0 END,
    refunded_cents = CASE WHEN status = 'refunded' THEN amount_cents ELSE 0 END;
ALTER TABLE payments
    ALTER COLUMN authorized_at SET NOT NULL,
    ALTER COLUMN authorized_at SET DEFAULT now(),
    -- Never more captured than authorized, never more refunded than captured:
    -- two refunds at once cannot both pass.
    ADD CONSTRAINT payments_captured_check CHECK (captured_cents BETWEEN 0 AND amount_cents),
    ADD CONSTRAINT payments_refunded_check CHECK (refunded_cents BETWEEN 0 AND captured_cents);
-- The provider's events name the payment by its reference.
CREATE UNIQUE INDEX payments_gateway_ref_idx ON payments (gateway, gateway_ref);

ALTER TABLE shipments
    ADD COLUMN tracking_number text,
    ADD COLUMN tracking_url    text,
    ADD COLUMN shipped_at      timestamptz,
    ADD COLUMN delivered_at    timestamptz;
UPDATE shipments SET shipped_at = updated_at WHERE status IN ('shipped', 'delivered');
UPDATE shipments SET delivered_at = updated_at WHERE status = 'delivered';

CREATE TABLE refunds (
    id           uuid PRIMARY KEY,
    order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    -- The lines refunded, [{line_no, quantity}]; empty for an amount.
    lines        jsonb NOT NULL DEFAULT '[]',
    reason       text NOT NULL DEFAULT '',
    -- pending: the amount is held against the payment while the provider
    -- is asked; failed gives it back.
    status       text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    -- api: asked of the platform; provider: made in the provider's dashboard.
    source       text NOT NULL CHECK (source IN ('api', 'provider')),
    actor        text NOT NULL,
    provider_ref text,
    failure      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id, created_at, id);
CREATE UNIQUE INDEX refunds_provider_ref_idx ON refunds (provider_ref);
CREATE TRIGGER refunds_set_updated_at BEFORE UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE provider_events (
    id          text PRIMARY KEY,
    provider    text NOT NULL,
    type        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_events_received_idx ON provider_events (received_at);
