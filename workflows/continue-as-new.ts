import * as wf from '@temporalio/workflow';

/**
 * With `testContinueAsNew`, the history length of a run from which its continue-as-new is taken as
 * suggested. Longer than a fresh run before its first action (so a run never hands over at once
 * again, in a loop), short enough that a test reaches the path in two or three actions.
 */
export const TEST_CONTINUE_AS_NEW_HISTORY_LENGTH = 40;

/**
 * Whether the SDK suggests continue-as-new (the history is getting long). A test-only input flag,
 * like the Temporal samples' `testContinueAsNew`, forces the suggestion early, so tests cross the
 * handover where a real project would only after thousands of events. The flag is absent from
 * every real project's input and from every recorded history: there, this is the SDK's word alone.
 */
export function continueAsNewSuggested(input: { testContinueAsNew?: boolean }): boolean {
  const info = wf.workflowInfo();
  return info.continueAsNewSuggested || (input.testContinueAsNew === true && info.historyLength > TEST_CONTINUE_AS_NEW_HISTORY_LENGTH);
}
