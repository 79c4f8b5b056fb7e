/**
 * `npm run bench:workflow-memory`: scenario 6 on its own (bench/scenarios/workflow-memory.ts), with
 * an in-memory Temporal dev server of its own and no database. Prints the figures and writes
 * bench/results/<date>-workflow-memory.{json,md}. Settings: see the scenario's header.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, startTemporalDevServer } from '../src/infra/temporal-dev-server';
import { freePort } from '../src/infra/processes';
import { machineInfo } from './lib/machine';
import { runWorkflowMemory, workflowMemoryMarkdown, workflowMemorySettings } from './scenarios/workflow-memory';

const t0 = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main() {
  const settings = workflowMemorySettings();
  const machine = machineInfo();
  const temporal = await startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH, port: await freePort(), uiPort: await freePort(), headless: true });
  try {
    log(`Scenario 6: memory per cached workflow, ${settings.count} per side; load average ${os.loadavg()[0]!.toFixed(2)}`);
    const result = await runWorkflowMemory({ temporalAddress: temporal.address, settings, log });
    const md = workflowMemoryMarkdown(result);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dir = path.join(PROJECT_ROOT, 'bench/results');
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${stamp}-workflow-memory`);
    const header = `# Memory per cached workflow, ${new Date().toISOString()}\n\n${machine.cores} cores ${machine.cpuModel}, load average ${machine.loadAverageAtStart} at start, ${os.loadavg()[0]!.toFixed(2)} at end.\n\n`;
    fs.writeFileSync(`${base}.json`, JSON.stringify({ machine, loadAverageAtEnd: os.loadavg(), ...result }, null, 2));
    fs.writeFileSync(`${base}.md`, header + md + '\n');
    console.log(`\n${md}\n`);
    log(`Wrote ${path.relative(PROJECT_ROOT, base)}.{json,md}`);
  } finally {
    await temporal.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
