"""Schemathesis hooks for scripts/test.

- Every webhook URL the generated requests carry points at a closed port on
  127.0.0.1, so the server's webhook worker never sends anything off this
  machine.
- A list of accounts names the database's Default account
  (KEYHOLD_ACCOUNT), so generated keys can be created and the stateful
  phase reaches the operations on existing keys.
"""

import os

import schemathesis

SINK = os.environ.get("KEYHOLD_WEBHOOK_SINK", "http://127.0.0.1:59999/schemathesis")
ACCOUNT = os.environ.get("KEYHOLD_ACCOUNT")


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict):
        if isinstance(body.get("webhookUrl"), str):
            body["webhookUrl"] = SINK
        if ACCOUNT and isinstance(body.get("accounts"), list):
            body["accounts"] = [ACCOUNT]
    return body
