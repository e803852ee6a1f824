import type { BuildOptions } from 'esbuild';
export const targets: BuildOptions[];
export function ensureNetron(): boolean;
