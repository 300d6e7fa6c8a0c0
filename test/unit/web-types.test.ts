/**
 * No `any` in the web app: answers of the API are typed by `shared/api-types.ts` (`api.get<T>`, whose
 * default is `unknown`), everything else by its own types.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const web = join(root, 'web/src');

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
  it('writes no `any`', () => {
    const found = files(web).flatMap((f) => {
      const lines = anys(f);
      return lines.length ? [`${relative(root, f)} at lines ${lines.join(', ')}`] : [];
    });
    expect(found).toEqual([]);
  });
});
