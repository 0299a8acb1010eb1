-- The event feed and the webhooks that push it (docs/architecture.md,
-- "Events and webhooks").
--
-- events: one row per status change, written in the transaction that made
-- the change. data is the order as GET /orders/{id} showed it then. seq
-- orders the events of one order (its changes are serialized) and the
-- streams; id is what clients see. Rows older than EVENT_RETENTION are
-- purged by a Temporal Schedule, their deliveries with them.
CREATE TABLE events (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type          text NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    order_id      uuid REFERENCES orders (id) ON DELETE CASCADE,
    data          jsonb NOT NULL,
    trace_context text, -- W3C traceparent of the change, for delivery spans to link to
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created_idx ON events (created_at DESC, id DESC);
CREATE INDEX events_type_created_idx ON events (type, created_at DESC, id DESC);
CREATE INDEX events_order_idx ON events (order_id, seq);

-- A receiver of events. secret signs every delivery; during a rotation
-- previous_secret signs beside it until previous_secret_expires_at.
-- failing_since is when the endpoint's current run of failures began (NULL
-- while it answers); idle says its delivery workflow sleeps until woken.
CREATE TABLE webhook_endpoints (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url                         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    description                 text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    event_types                 text[] NOT NULL DEFAULT '{}', -- empty: every type
    enabled                     boolean NOT NULL DEFAULT true,
    disabled_reason             text NOT NULL DEFAULT '',
    secret                      text NOT NULL CHECK (secret LIKE 'whsec_%'),
    previous_secret             text CHECK (previous_secret LIKE 'whsec_%'),
    previous_secret_expires_at  timestamptz,
    failing_since               timestamptz,
    idle                        boolean NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE TRIGGER webhook_endpoints_set_updated_at BEFORE UPDATE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One event for one endpoint: the outbox its delivery workflow drains
-- (written with the event, in the same transaction), and the log of its
-- attempts ({at, status_code, latency_ms, error} each). Of one endpoint and
-- one order only the oldest pending delivery is attempted, so an order's
-- events arrive in order.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_seq        bigint NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    order_id         uuid,
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'succeeded', 'failed', 'abandoned')),
    attempts         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attempts) = 'array'),
    next_attempt_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, order_id, event_seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_seq);
-- The oldest undelivered event's age (a metric).
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE state = 'pending';
CREATE TRIGGER webhook_deliveries_set_updated_at BEFORE UPDATE ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
