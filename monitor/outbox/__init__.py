"""The outbox: everything queued in a snapshot's transaction and sent later, once per channel."""
