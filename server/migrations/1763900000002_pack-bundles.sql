-- Up Migration
-- keep each imported pack version whole, so two versions can be compared later
ALTER TABLE packs ADD COLUMN bundle jsonb;

-- Down Migration
ALTER TABLE packs DROP COLUMN bundle;
