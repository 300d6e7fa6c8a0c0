-- Up Migration
-- 区划代码 a node's administrative division code (GB/T 2260 / statistical division code) and when it
-- was closed (撤销): a closed node keeps its history (cases, households) but takes no new users or cases.
ALTER TABLE org_nodes ADD COLUMN code text;
ALTER TABLE org_nodes ADD COLUMN closed_at timestamptz;
CREATE UNIQUE INDEX org_nodes_code ON org_nodes (code) WHERE code IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS org_nodes_code;
ALTER TABLE org_nodes DROP COLUMN IF EXISTS closed_at;
ALTER TABLE org_nodes DROP COLUMN IF EXISTS code;
