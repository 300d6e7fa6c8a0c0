-- Up Migration
-- 模板 template packs (the national template): kept whole per version, never installed themselves
CREATE TABLE pack_templates (
  id text NOT NULL,
  version text NOT NULL,
  bundle jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by text,
  PRIMARY KEY (id, version)
);
-- 覆盖 a provincial pack stored as an overlay on one template version: its own manifest (id, version,
-- title, scope), the suffix its keys get, and the operations (JSON Pointer paths into the keyed template)
CREATE TABLE pack_overlays (
  pack_id text PRIMARY KEY,
  base_pack text NOT NULL,
  base_version text NOT NULL,
  key_suffix text NOT NULL,
  manifest jsonb NOT NULL,
  ops jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text,
  FOREIGN KEY (base_pack, base_version) REFERENCES pack_templates (id, version)
);

-- Down Migration
DROP TABLE IF EXISTS pack_overlays;
DROP TABLE IF EXISTS pack_templates;
