#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, fixture generators) through tsx's loader.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const script = process.argv[2];
if (!script) throw new Error('usage: run-ts.js SCRIPT.ts [args...]');
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(script)).href);
