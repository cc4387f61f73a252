-- The Keys page pages through a million keys by keyset cursors
-- (server/src/db/key_list.rs): each sort reads an index in order.
--   Newest / Oldest: api_keys_newest_first (created_at DESC, id DESC), either way.
--   Name:            api_keys_name_unique (lower(name)).
--   Last used:       this one; never used sorts last.
CREATE INDEX api_keys_by_last_use ON api_keys ((COALESCE(last_used_at, '-infinity'::timestamptz)) DESC, id DESC);
-- The "Blocked" filter: usually few keys, counted and listed without
-- reading the others.
CREATE INDEX api_keys_blocked_newest_first ON api_keys (created_at DESC, id DESC) WHERE blocked;
-- Totals above 10,000 are the planner's estimates, and a search's estimate
-- comes from the histogram of lower(name): a finer one (1,000 values
-- instead of 100) puts "about N keys" within a few percent at a million
-- keys, and lets the store skip counting when the estimate is far above
-- 10,000.
ALTER INDEX api_keys_name_search ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX api_keys_name_unique ALTER COLUMN 1 SET STATISTICS 1000;
