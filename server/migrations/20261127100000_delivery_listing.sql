-- A delivery as the Deliveries dialog shows it: a pending delivery under a
-- worker's lease is `sending`. One definition for every query that lists
-- deliveries.
CREATE VIEW webhook_delivery_listing AS
SELECT id, key_id, seq, event_type, url, attempts, last_status, last_error, last_attempt_at, next_attempt_at, created_at,
       CASE WHEN state = 'pending' AND locked_until > now() THEN 'sending' ELSE state END AS state
FROM webhook_deliveries;
