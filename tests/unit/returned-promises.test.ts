import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * `return promise` (without await) inside a try block whose finally awaits something: the finally
 * runs first, and a rejection of the promise meanwhile has no handler yet. Node ends the process on
 * it (an ECONNREFUSED out of markUnplayable stopped `evidence up` this way while it shut down).
 */
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const FOLDERS = ['core', 'ingest', 'api', 'cli', 'dock-agent', 'export', 'transcode', 'schema'].map((f) => `${resolve(ROOT, f)}/`);

function unawaitedReturnsInTry(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(config.fileNames.filter((f) => FOLDERS.some((folder) => f.startsWith(folder)) && !f.includes('/api/web/')), config.options);
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of program.getSourceFiles().filter((f) => FOLDERS.some((folder) => f.fileName.startsWith(folder)))) {
    // guarded: inside the try (or the catch before a finally) of an async function.
    let inAsync = false;
    const visit = (node: ts.Node, guarded: boolean): void => {
      if (ts.isFunctionLike(node)) {
        const outer = inAsync;
        inAsync = (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
        ts.forEachChild(node, (child) => visit(child, false));
        inAsync = outer;
        return;
      }
      if (ts.isTryStatement(node)) {
        visit(node.tryBlock, inAsync);
        if (node.catchClause) visit(node.catchClause, inAsync && node.finallyBlock !== undefined);
        if (node.finallyBlock) visit(node.finallyBlock, guarded);
        return;
      }
      if (guarded && ts.isReturnStatement(node) && node.expression && !ts.isAwaitExpression(node.expression)) {
        const type = checker.getTypeAtLocation(node.expression);
        if ([type, ...(type.isUnion() ? type.types : [])].some((t) => t.getProperty('then'))) {
          found.push(`${relative(ROOT, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
        }
      }
      ts.forEachChild(node, (child) => visit(child, guarded));
    };
    visit(file, false);
  }
  return found;
}

describe('promises returned inside try', () => {
  it('are awaited there, so a rejection is caught or passed on, never unheard while finally runs', () => {
    expect(unawaitedReturnsInTry()).toEqual([]);
  }, 60_000);
});
