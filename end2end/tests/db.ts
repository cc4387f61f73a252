// Direct access to the suite's database (scripts/test sets
// E2E_DATABASE_URL), for states the page cannot make quickly: many keys at
// once, a past expiry, a failed delivery, a use.

import { execFileSync } from 'node:child_process';

export const database = process.env.E2E_DATABASE_URL;

/** Runs one SQL statement; fails the test if it fails. */
export function sql(statement: string): string {
  return execFileSync('psql', [database!, '-v', 'ON_ERROR_STOP=1', '-qtAc', statement], { encoding: 'utf8' }).trim();
}

/**
 * Inserts `n` keys named `<prefix> 001`, ... granting Default, in one
 * statement; key `i` was created `n - i` seconds ago, so the last is the newest.
 * Their webhooks point at a closed local port.
 */
export function insertKeys(prefix: string, n: number): void {
  inserted.push(prefix);
  sql(`WITH made AS (
         INSERT INTO api_keys (name, webhook_url, token_hash, token_nonce, token_ciphertext, created_at)
         SELECT '${prefix} ' || lpad(i::text, 3, '0'), 'http://127.0.0.1:65000/hook',
                sha256(('${prefix}' || i)::bytea), '\\x00', '\\x00', now() - make_interval(secs => ${n} - i)
         FROM generate_series(1, ${n}) AS i
         RETURNING id)
       INSERT INTO api_key_accounts (key_id, account_id)
       SELECT made.id, a.id FROM made, accounts a WHERE a.name = 'Default'`);
}

/** The prefixes this worker's `insertKeys` used and has not removed yet. */
const inserted: string[] = [];

/**
 * Deletes the keys `insertKeys` made in this worker. Their tokens were never
 * sealed with the server's master key, so they must not outlive their test:
 * the API tests that run after the browser tests would find them in the list
 * and ask for their tokens. Only keys carrying the fixture's placeholder
 * nonce are removed, so a real key of the same name is kept.
 */
export function removeInsertedKeys(): void {
  for (const prefix of inserted.splice(0)) {
    sql(`DELETE FROM api_keys
         WHERE left(name, length('${prefix} ')) = '${prefix} ' AND token_nonce = '\\x00'`);
  }
}
