-- Which kind of door each audited actor came through: an operator signed in
-- to the web app, the shell, or a sign-in attempt (later also management
-- tokens). Rows written before this column existed are classified by what
-- they hold.
ALTER TABLE audit_log ADD COLUMN actor_kind text NOT NULL DEFAULT 'operator';
UPDATE audit_log SET actor_kind = 'command_line' WHERE operator_id IS NULL AND operator_email = 'command line';
UPDATE audit_log SET actor_kind = 'sign_in_attempt' WHERE action = 'operator.sign_in_failed';
ALTER TABLE audit_log ALTER COLUMN actor_kind DROP DEFAULT;
