/**
 * No `any` in the web app: answers of the API are typed by `shared/api-types.ts`, everything else by its
 * own types. Pages still owned by other work in progress keep at most the `any` they have now (a ratchet:
 * lower the number when a page loses some, remove the line when it reaches 0).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const web = join(root, 'web/src');

const NOT_YET: Record<string, number> = {
  'web/src/api.ts': 3, // the untyped default of get/post/upload, for the pages below that name no type yet
  'web/src/admin/AdminHome.tsx': 25,
  'web/src/admin/FormDesigner.tsx': 12,
  'web/src/admin/ProcessDesigner.tsx': 16,
  'web/src/pages/Dashboard.tsx': 16,
  'web/src/pages/PublicBoard.tsx': 4,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** where a file writes the type `any` (comments and words in strings do not count) */
function anys(file: string): number[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (n: ts.Node) => {
    if (n.kind === ts.SyntaxKind.AnyKeyword)
      lines.push(src.getLineAndCharacterOfPosition(n.getStart()).line + 1);
    n.forEachChild(visit);
  };
  visit(src);
  return lines;
}

describe('types in the web app', () => {
  it('writes no `any`, except what pages in progress still have (never more)', () => {
    const found: Record<string, number[]> = {};
    for (const f of files(web)) {
      const lines = anys(f);
      if (lines.length) found[relative(root, f)] = lines;
    }
    const over = Object.entries(found)
      .filter(([f, lines]) => lines.length > (NOT_YET[f] ?? 0))
      .map(([f, lines]) => `${f}: ${lines.length} (allowed ${NOT_YET[f] ?? 0}) at lines ${lines.join(', ')}`);
    expect(over).toEqual([]);
  });
});
