-- The W3C trace context (traceparent) of the request that placed the order,
-- so that a workflow the outbox relay starts later links back to it. NULL
-- when the request carried none and tracing was off.
ALTER TABLE orders ADD COLUMN trace_context text;
