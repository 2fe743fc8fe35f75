-- An event recorded before its customer was erased (its data redacted then): it starts no run after the erasure, which
-- canceled the runs it had started. One recorded after it (customer.redacted among them) starts runs as any event.
ALTER TABLE events ADD COLUMN erased boolean NOT NULL DEFAULT false;
