/**
 * 辖区 the region rule in SQL, where both the server and the activities may use it: `column` (an
 * `org_path` text[]) lies in the region whose nodes are bound at `param` (`regionOf(who)` from
 * `server/services/principal.ts`, which re-exports this), e.g. `IN_REGION('c.org_path', '$1')`.
 */
export const IN_REGION = (column: string, param: string) => `${column} && ${param}::text[]`;
