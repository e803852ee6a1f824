// `npm run bench -- NAME [--json] [--quick]`: runs bench/NAME.bench.ts; every value comes with a
// reference measured in the same run, and ratio = value / reference_value.
import os from 'node:os';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchResult } from './lib';

const here = path.dirname(new URL(import.meta.url).pathname);
const available = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const name = args.find((a) => !a.startsWith('--'));
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run bench -- NAME [--json] [--quick]\n  NAME: ${available.join(', ')}`);
    return 2;
  }
  const mod = (await import(pathToFileURL(path.join(here, `${name}.bench.ts`)).href)) as { default: Bench };
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
  const rows: BenchResult[] = await mod.default({ quick, log });
  const results = rows.map((r) => ({ ...r, ratio: r.reference_value ? r.value / r.reference_value : null }));
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? 'cpu'} x${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}-${os.arch()}`;
  if (json) {
    process.stdout.write(JSON.stringify({ bench: name, machine, results }, null, 2) + '\n');
  } else {
    console.log(`\n${name} on ${machine}`);
    for (const r of results) {
      console.log(`  ${r.name.padEnd(44)} ${fmt(r.value)} ${r.unit.padEnd(6)} vs ${r.reference} ${fmt(r.reference_value)} ${r.unit}  ratio ${r.ratio === null ? 'n/a' : r.ratio.toFixed(3)}`);
    }
  }
  return 0;
}

function fmt(v: number): string {
  return (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)).padStart(9);
}

main().then((c) => (process.exitCode = c), (e) => {
  console.error(e);
  process.exitCode = 1;
});
