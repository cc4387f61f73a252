-- Pruning finished deliveries (every minute, on every server) reads only
-- the rows it deletes, oldest first, instead of every delivery.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at, id) WHERE state <> 'pending';
