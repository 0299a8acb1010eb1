CREATE TYPE order_status AS ENUM (
    'pending', 'awaiting_approval', 'confirmed', 'shipped', 'delivered', 'cancelled', 'failed'
);

CREATE TABLE orders (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id      uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    status           order_status NOT NULL DEFAULT 'pending',
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_cents      bigint NOT NULL CHECK (total_cents >= 0),
    shipping_address jsonb NOT NULL,
    payment_token    text NOT NULL,
    -- Idempotent creation: one order per customer and key; the hash tells a
    -- retry of the same request from a different request under the same key.
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash     text NOT NULL,
    failure_reason   text,
    version          integer NOT NULL DEFAULT 1,
    -- The transactional outbox: set once the order's workflow is started, so
    -- an order accepted while Temporal is down is started later, never lost.
    workflow_started_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC);
CREATE INDEX orders_workflow_unstarted_idx ON orders (created_at) WHERE workflow_started_at IS NULL;
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Lines keep the product's sku, name and price as they were when ordered.
CREATE TABLE order_lines (
    order_id         uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          integer NOT NULL CHECK (line_no BETWEEN 1 AND 100),
    product_id       uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    sku              text NOT NULL,
    name             text NOT NULL,
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
    quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    PRIMARY KEY (order_id, line_no),
    UNIQUE (order_id, product_id)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

-- The append-only timeline. dedupe_key makes a retried activity write its
-- event once.
CREATE TABLE order_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    type        text NOT NULL,
    from_status order_status,
    to_status   order_status,
    actor       text NOT NULL DEFAULT 'system',
    detail      text NOT NULL DEFAULT '',
    dedupe_key  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, dedupe_key)
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);
CREATE FUNCTION order_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_events is append-only';
END;
$$;
CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();

-- What the order holds of the stock: held until released (cancel, failure)
-- or committed (shipped: the goods left, on_hand goes down).
CREATE TABLE stock_reservations (
    order_id     uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    state        text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'released', 'committed')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER stock_reservations_set_updated_at BEFORE UPDATE ON stock_reservations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE payments (
    order_id     uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('authorized', 'captured', 'voided', 'refunded')),
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    currency     char(3) NOT NULL,
    gateway      text NOT NULL,
    gateway_ref  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE shipments (
    order_id     uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('requested', 'shipped', 'delivered', 'cancelled')),
    carrier      text NOT NULL,
    carrier_ref  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER shipments_set_updated_at BEFORE UPDATE ON shipments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
