// `make bench`: runs every `packages/*/bench/*.bench.ts` and `services/*/bench/*.bench.ts` one after the other
// (2 cores: benchmarks in parallel would measure each other) and prints one table per file.
// Usage: node scripts/bench.ts [filter]   e.g. `node scripts/bench.ts messaging`
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const root = join(import.meta.dirname, '..');
const filter = process.argv[2];

const benchFiles = async (): Promise<string[]> => {
  const files: string[] = [];
  for (const group of ['packages', 'services']) {
    for (const dir of await readdir(join(root, group))) {
      const benchDir = join(root, group, dir, 'bench');
      const entries = await readdir(benchDir).catch(() => [] as string[]);
      for (const f of entries) if (f.endsWith('.bench.ts')) files.push(join(benchDir, f));
    }
  }
  const systemDir = join(root, 'scripts', 'bench');
  for (const f of await readdir(systemDir).catch(() => [] as string[])) {
    if (f.endsWith('.bench.ts')) files.push(join(systemDir, f));
  }
  return files.filter((f) => !filter || f.includes(filter)).sort();
};

const format = (value: number): string =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 3 });

const printTable = (title: string, rows: Row[]) => {
  const cells = rows.map((r) => [r.name, format(r.value), r.unit, r.note ?? '']);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(['benchmark', 'value', 'unit', 'note'][i]!.length, ...cells.map((c) => c[i]!.length)),
  );
  const line = (c: string[]) =>
    `| ${c[0]!.padEnd(widths[0]!)} | ${c[1]!.padStart(widths[1]!)} | ${c[2]!.padEnd(widths[2]!)} | ${c[3]!.padEnd(widths[3]!)} |`;
  console.log(`\n## ${title}`);
  console.log(line(['benchmark', 'value', 'unit', 'note']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
};

const files = await benchFiles();
if (files.length === 0) {
  console.error(`no benchmark matches ${filter ?? '(any)'}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  const name = relative(root, file);
  const started = Date.now();
  try {
    const mod = (await import(pathToFileURL(file).href)) as { run: () => Promise<Row[]> };
    const rows = await mod.run();
    printTable(`${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`, rows);
  } catch (error) {
    failed++;
    console.error(
      `\n## ${name}: FAILED\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
process.exit(failed ? 1 : 0);
