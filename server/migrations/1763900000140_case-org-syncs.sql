-- Up Migration
-- 区划调整 a node moved: each running case under it is told its new org (path and ancestors, as `caseOrg`
-- reads them from the tree when the signal is sent) by a signal. The move writes one row per case in its own
-- transaction; the rows are delivered after the commit and a row goes only once its case has the signal (or
-- has ended), so a Temporal that is away at the moment loses nothing — the server's hourly housekeeping
-- delivers what is left. `since` tells a row a later move rewrote from the one that was sent.
CREATE TABLE case_org_syncs (
  case_id text PRIMARY KEY REFERENCES cases (id),
  since timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS case_org_syncs;
