-- Operators' emails are compared in one form, computed in Rust
-- (`Email::key`: Unicode NFC, then lowercase), by the sign-in throttle and
-- by every look-up here. PostgreSQL's lower() is not that form beyond
-- ASCII (it depends on the collation and does not normalise), so it no
-- longer decides which emails are the same. Rows from before this column
-- are given their key by `keyhold` itself right after the migrations
-- (`db::migrate`), before anything reads them.
ALTER TABLE operators ADD COLUMN email_key text;
DROP INDEX operators_email_unique;
CREATE UNIQUE INDEX operators_email_key_unique ON operators (email_key);
