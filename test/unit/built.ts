// Unit tests that start real child processes need the bundles; this builds them once per run.
import path from 'node:path';
import * as esbuild from 'esbuild';
import { targets } from '../../scripts/build.mjs';

export const DIST = path.resolve(__dirname, '../../dist');
let built: Promise<unknown> | undefined;

export function ensureBuilt(): Promise<unknown> {
  built ??= Promise.all(targets.filter((t) => t.platform === 'node').map((t) => esbuild.build(t)));
  return built;
}
