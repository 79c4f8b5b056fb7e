/**
 * Recorded workflow histories, as the replay test reads them and the recorder writes them.
 *
 * test/replay/histories/<vintage>/ holds one folder per recording (a "vintage": the date and the
 * commit whose workflow code produced the histories). Each history is the SDK's own JSON form
 * (`historyToJSON`, the same as `temporal workflow show --output json`), one file per workflow
 * execution; manifest.json names the workflow id, type and scenario of each. Vintages are kept,
 * not overwritten: a vintage stands for the workflows of that code that may still be running in
 * production, and every later code must still replay them (see docs/upgrading.md,
 * "Replaying recorded histories").
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayWorkerOptions, type WorkflowBundle } from '@temporalio/worker';

export const HISTORIES_DIR = path.resolve(import.meta.dirname, 'histories');

export interface THistoryEntry {
  /** The history file, relative to its vintage folder. */
  file: string;
  /** What the recording did, e.g. "approvalStep SEQUENTIAL: return, resubmit, approve". */
  scenario: string;
  workflowId: string;
  workflowType: string;
  events: number;
  /** The close event type (WORKFLOW_EXECUTION_COMPLETED ...), or "open" when still running. */
  status: string;
}

export interface TManifest {
  vintage: string;
  recordedAt: string;
  /** The commit whose workflows/ produced these histories. */
  commit: string;
  sdkVersion: string;
  histories: THistoryEntry[];
}

export interface TLoadedHistory extends THistoryEntry {
  vintage: string;
  history: History;
}

export function listVintages(dir = HISTORIES_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'manifest.json')))
    .sort();
}

export function readManifest(vintage: string, dir = HISTORIES_DIR): TManifest {
  return JSON.parse(fs.readFileSync(path.join(dir, vintage, 'manifest.json'), 'utf8')) as TManifest;
}

/** Every history of the given vintages (all of them by default), parsed back into protobuf form. */
export function loadHistories(vintages = listVintages(), dir = HISTORIES_DIR): TLoadedHistory[] {
  return vintages.flatMap((vintage) =>
    readManifest(vintage, dir).histories.map((entry) => ({
      ...entry,
      vintage,
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, vintage, entry.file), 'utf8'))),
    })),
  );
}

/** Replays every history on `workflowBundle` (with `sinks`, if its interceptors call any): one result per history, in order (error set on failure). */
export async function replayAll(
  workflowBundle: WorkflowBundle,
  list: TLoadedHistory[],
  sinks?: ReplayWorkerOptions['sinks'],
): Promise<Array<{ workflowId: string; error?: Error }>> {
  const results: Array<{ workflowId: string; error?: Error }> = [];
  const replay = Worker.runReplayHistories(
    { workflowBundle, replayName: 'replay-histories', ...(sinks ? { sinks } : {}) },
    list.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  for await (const result of replay) results.push(result);
  return results;
}
