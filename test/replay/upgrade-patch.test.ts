/**
 * The upgrade path for running workflows (docs/upgrading.md, "The procedure"), on its worked
 * example: faultToleranceReview upserts its search attributes only when they change, guarded by
 * `wf.patched('review-upsert-search-attributes-on-change')`.
 *
 * The review histories of vintage 2026-11-28-82a1cd4 were recorded before that change, with the
 * old code (an upsert after every action). They stand for cases still open at the upgrade:
 * - with the patch they replay cleanly (the old branch is taken where no marker is in history);
 * - the same change without the guard (fixtures/patches-unguarded.ts: `patched()` always true, no
 *   marker) fails them with a DeterminismViolationError: that is the outage the patch prevents;
 * - the next step of the procedure, `deprecatePatch` with the old branch deleted
 *   (fixtures/patches-deprecated.ts), fails them too: it may ship only once no such case is open.
 * The histories of vintage 2026-11-28-86a2153 were recorded right after the change, with it: they
 * carry the patch marker and fewer upserts, replay on the patched code and on `deprecatePatch`,
 * and fail once the call is removed altogether (the last step of the procedure).
 */
import path from 'node:path';
import { PATCHES } from '../../workflows/patches';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { loadHistories, replayAll, type TLoadedHistory } from './history-files';

const { EventType } = temporal.api.enums.v1;
const PRE_PATCH_VINTAGE = '2026-11-28-82a1cd4';
/** Recorded right after the patch, with it (`npm run record:histories -- -t faultToleranceReview`). */
const POST_PATCH_VINTAGE = '2026-11-28-86a2153';
const PATCH_ID = 'review-upsert-search-attributes-on-change';

/** The workflows with `@temporalio/workflow` replaced by a fixture that redefines `patched`. */
const bundleWith = (fixture: string) =>
  bundleWorkflows({
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...config.resolve?.alias, '@temporalio/workflow$': path.resolve(import.meta.dirname, 'fixtures', fixture) } },
    }),
  });

const count = (h: TLoadedHistory, type: temporal.api.enums.v1.EventType) => (h.history.events ?? []).filter((e) => e.eventType === type).length;
const patchMarkers = (h: TLoadedHistory) =>
  (h.history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === 'core_patch');

let prePatch: TLoadedHistory[];
let postPatch: TLoadedHistory[];
let patchedCode: WorkflowBundle;
let unguarded: WorkflowBundle;
let deprecated: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  prePatch = loadHistories([PRE_PATCH_VINTAGE]).filter((h) => h.workflowType === 'faultToleranceReview');
  postPatch = loadHistories([POST_PATCH_VINTAGE]);
  [patchedCode, unguarded, deprecated] = await Promise.all([bundleWorkflows(), bundleWith('patches-unguarded.ts'), bundleWith('patches-deprecated.ts')]);
});

/** Cases in which some action left every search attribute as it was (findings, votes). */
const withRepeats = (list: TLoadedHistory[]) => list.filter((h) => h.file !== 'review-inadmissible.json');

describe('patched(): a change to running fault-tolerance reviews', () => {
  it('the pre-patch histories are the old behaviour: an upsert after every action, no patch marker', () => {
    expect(prePatch.map((h) => h.file).sort()).toEqual([
      'review-exempt.json',
      'review-inadmissible.json',
      'review-lenient-appeal.json',
      'review-not-exempt.json',
    ]);
    for (const h of prePatch) {
      const updates = count(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
      expect(count(h, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES), h.file).toBe(updates + 1);
      expect(patchMarkers(h)).toEqual([]);
    }
  });

  it('replay cleanly on the patched code', async () => {
    const results = await replayAll(patchedCode, prePatch);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(prePatch.map((h) => [h.workflowId, null]));
  });

  it('fail on the same change without the patch guard, wherever the change applies', async () => {
    const results = await replayAll(unguarded, prePatch);
    const failed = results.filter((r) => r.error).map((r) => r.workflowId);
    expect(failed.sort()).toEqual(
      withRepeats(prePatch)
        .map((h) => h.workflowId)
        .sort(),
    );
    for (const r of results.filter((x) => x.error)) expect(r.error).toBeInstanceOf(DeterminismViolationError);
    // The inadmissible case never repeated its attributes: the change does not touch it.
    expect(results.find((r) => r.workflowId === prePatch.find((h) => h.file === 'review-inadmissible.json')!.workflowId)!.error).toBeUndefined();
  });

  it('fail on deprecatePatch too: that step waits until no pre-patch case is open', async () => {
    const results = await replayAll(deprecated, withRepeats(prePatch));
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  });

  it(`names the patch ${PATCH_ID} in the workflow`, async () => {
    const source = await import('node:fs').then((fs) =>
      fs.readFileSync(path.resolve(import.meta.dirname, '../../workflows/fault-tolerance-review.ts'), 'utf8'),
    );
    // The id comes from the registry (workflows/patches.ts), under the workflow's own constant.
    expect(PATCHES.reviewUpsertOnChange).toBe(PATCH_ID);
    expect(source).toContain('const UPSERT_ON_CHANGE_PATCH = PATCHES.reviewUpsertOnChange;');
    expect(source).toContain('wf.patched(UPSERT_ON_CHANGE_PATCH)');
  });
});

describe('after the patch: new cases carry its marker', () => {
  it('record one patch marker where an action repeated the attributes, and fewer upserts than before', () => {
    expect(postPatch.map((h) => h.file).sort()).toEqual(prePatch.map((h) => h.file).sort());
    for (const h of postPatch) {
      const before = prePatch.find((p) => p.file === h.file)!;
      const markers = patchMarkers(h);
      const upserts = count(h, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
      if (h.file === 'review-inadmissible.json') {
        expect(markers).toEqual([]);
        expect(upserts).toBe(count(before, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES));
      } else {
        expect(markers, h.file).toHaveLength(1);
        const id = markers[0]!.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!;
        expect(JSON.parse(Buffer.from(id).toString('utf8'))).toMatchObject({ id: PATCH_ID, deprecated: false });
        // Findings and votes no longer upsert: 14 actions, 7 distinct stage/outcome values.
        expect(upserts, h.file).toBeLessThan(count(before, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) - 5);
      }
    }
  });

  it('replay on the patched code and on deprecatePatch (the second step is safe for them)', async () => {
    for (const bundle of [patchedCode, deprecated]) {
      const results = await replayAll(bundle, postPatch);
      expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error!.message}`)).toEqual([]);
    }
  });

  it('fail once the patch call is removed: the last step waits until these cases are closed too', async () => {
    const results = await replayAll(unguarded, withRepeats(postPatch));
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  });
});
