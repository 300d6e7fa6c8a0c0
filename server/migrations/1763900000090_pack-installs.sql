-- Up Migration
-- 政策包安装 which version of each pack is in force, and for which part of the organisation tree
-- (NULL: everywhere). Roles, schedules and the export of a pack are read from its own installed
-- version, never from "the latest imported pack", so importing a second pack leaves the first alone.
CREATE TABLE pack_installs (
  id text PRIMARY KEY,
  version text NOT NULL,
  scope_org text REFERENCES org_nodes(id),
  installed_at timestamptz NOT NULL DEFAULT now(),
  installed_by text,
  FOREIGN KEY (id, version) REFERENCES packs (id, version)
);
INSERT INTO pack_installs (id, version, installed_at, installed_by)
  SELECT DISTINCT ON (id) id, version, imported_at, imported_by FROM packs ORDER BY id, imported_at DESC;

-- what no pack claimed yet (set through the admin API) belongs to the only pack, when there is one
UPDATE parameters SET pack_id = (SELECT id FROM pack_installs)
  WHERE pack_id IS NULL AND (SELECT count(*) FROM pack_installs) = 1;
UPDATE code_lists SET pack_id = (SELECT id FROM pack_installs)
  WHERE pack_id IS NULL AND (SELECT count(*) FROM pack_installs) = 1;
UPDATE form_versions SET pack_id = (SELECT id FROM pack_installs)
  WHERE pack_id IS NULL AND (SELECT count(*) FROM pack_installs) = 1;
UPDATE process_versions SET pack_id = (SELECT id FROM pack_installs)
  WHERE pack_id IS NULL AND (SELECT count(*) FROM pack_installs) = 1;

-- Down Migration
DROP TABLE IF EXISTS pack_installs;
