// The architecture's walls, checked by the build (esbuild plugin) and by test/unit/walls.test.ts.
// A layer may import its own files, the layers listed for it, and the packages listed for it.
import path from 'node:path';

export const LAYERS = {
  protocol: { layers: [], packages: [] },
  core: { layers: ['protocol'], packages: ['onnx-buf', '@bufbuild/protobuf', '@wasm-audio-decoders/flac', '@wasm-audio-decoders/ogg-vorbis', 'mpg123-decoder'] },
  runtime: { layers: ['core', 'protocol'], packages: ['onnxruntime-node'] },
  pipelines: { layers: ['core', 'runtime', 'protocol'], packages: [] },
  kernels: { layers: ['core', 'runtime', 'pipelines', 'protocol'], packages: ['esbuild', 'acorn'] },
  cli: { layers: ['core', 'runtime', 'pipelines', 'kernels', 'protocol'], packages: [] },
  extension: { layers: ['core', 'pipelines', 'kernels', 'protocol'], packages: ['vscode'] },
  renderers: { layers: ['protocol'], packages: ['lit', '@lit/reactive-element', 'lit-html', 'lit-element', 'vscode-notebook-renderer'], browser: true },
};

// Packages every Node layer may use besides its own list.
const SHARED_NODE_PACKAGES = [];

/** The layer a source file belongs to, or undefined for files outside src/. */
export function layerOf(file, root) {
  const rel = path.relative(path.join(root, 'src'), file).split(path.sep);
  if (rel[0] === '..' || rel.length < 2) return undefined;
  return LAYERS[rel[0]] ? rel[0] : undefined;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Why `importer` may not import `spec` (resolved to `resolved` when it is a file), or undefined when allowed.
 */
export function wallViolation(importer, spec, resolved, root) {
  const from = layerOf(importer, root);
  if (!from) return undefined;
  const rule = LAYERS[from];
  const isRelative = spec.startsWith('.') || spec.startsWith('/');
  if (isRelative) {
    const to = resolved ? layerOf(resolved, root) : undefined;
    if (!resolved || path.relative(path.join(root, 'src'), resolved).startsWith('..')) {
      return `src/${from} may not import files outside src/ (${spec})`;
    }
    if (to && to !== from && !rule.layers.includes(to)) {
      return `src/${from} may not import src/${to} (${spec}); allowed: ${rule.layers.map((l) => 'src/' + l).join(', ') || 'nothing'}`;
    }
    return undefined;
  }
  if (spec.startsWith('node:')) {
    return rule.browser ? `src/${from} runs in a browser and may not import Node built-ins (${spec})` : undefined;
  }
  const pkg = packageName(spec);
  if (rule.packages.includes(pkg) || (!rule.browser && SHARED_NODE_PACKAGES.includes(pkg))) return undefined;
  const owner = Object.entries(LAYERS).find(([, r]) => r.packages.includes(pkg));
  const hint = owner ? `; only src/${owner[0]} may` : '';
  return `src/${from} may not import '${pkg}'${hint}`;
}

/** esbuild plugin: fails the build on any import that crosses a wall. */
export function wallsPlugin(root) {
  return {
    name: 'onnx-lab-walls',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || !args.importer || args.pluginData?.wallsChecked) return undefined;
        if (!layerOf(args.importer, root)) return undefined;
        let resolved;
        if (args.path.startsWith('.') || args.path.startsWith('/')) {
          const r = await build.resolve(args.path, {
            kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { wallsChecked: true },
          });
          if (r.errors.length) return { errors: r.errors };
          resolved = r.path;
        }
        const why = wallViolation(args.importer, args.path, resolved, root);
        if (why) return { errors: [{ text: `architecture wall: ${why}` }] };
        return undefined;
      });
    },
  };
}
