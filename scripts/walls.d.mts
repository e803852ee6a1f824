import type { Plugin } from 'esbuild';
export const LAYERS: Record<string, { layers: string[]; packages: string[]; browser?: boolean }>;
export function layerOf(file: string, root: string): string | undefined;
export function wallViolation(importer: string, spec: string, resolved: string | undefined, root: string): string | undefined;
export function wallsPlugin(root: string): Plugin;
