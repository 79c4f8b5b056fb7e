import * as wf from '@temporalio/workflow';
import { approvalStep, createApprovalStep, type TApprovalStepHandlers, type TReportHandoff } from './approval-step';
import {
  stepAckSignal,
  stepResumeSignal,
  type TApprovalStepInput,
  type TApprovalStepOutcome,
  type TStepReport,
  type TStepResume,
} from './messages/approval-step';

/** One running approval step as its project sees it, whether a child workflow or hosted in the project. */
export interface TStepRun {
  workflowId: string;
  /** Resume (or close) a step waiting for an earlier one; returns once delivered, not once processed. */
  resume(resume: TStepResume): Promise<void>;
  /** Acknowledge a report that came by signal (children started before `step-report-by-update`). */
  ack(seq: number): Promise<void>;
  result(): Promise<TApprovalStepOutcome>;
}

export interface TStepStart {
  workflowId: string;
  staticSummary: string;
  staticDetails?: string;
}

/**
 * Where a project's approval steps run (ADR 0010, issue #20). A run started with
 * `approval-steps-hosted` hosts them itself: the step's Update reaches the project's workflow
 * (its Task rows name that workflow), the step is stepped there, and its phase changes reach the
 * lifecycle through `takeReport`, a function call instead of a second Update from a second
 * workflow. Older runs start each step as a child workflow, as their histories recorded.
 */
export function createStepHost({
  hostWorkflowId,
  hosted,
  takeReport,
  handOff,
}: {
  hostWorkflowId: string;
  hosted: boolean;
  takeReport: (report: TStepReport) => Promise<void>;
  handOff: (report: TStepReport) => TReportHandoff;
}) {
  /** Hosted steps in start order. Finished ones stay (until continue-as-new), so a late repeat of a request is answered from the step. */
  const steps: TApprovalStepHandlers[] = [];

  const startHosted = (args: TApprovalStepInput, workflowId: string) => {
    const step = createApprovalStep(args, {
      stepWorkflowId: workflowId,
      hostWorkflowId,
      // A hosted step is new code: every rule a step of its own takes by patch is in force.
      patched: () => true,
      report: args.reportToParent ? takeReport : null,
      recordAndReport: null,
      handOff: args.reportToParent ? handOff : null,
      publishDetails: () => undefined,
      settle: async () => undefined,
    });
    steps.push(step.handlers);
    return { handlers: step.handlers, outcome: step.run() };
  };

  return {
    hosted,

    /** The hosted step a task belongs to, if any. */
    stepFor: (taskId: string): TApprovalStepHandlers | undefined => steps.find((step) => step.owns(taskId)),

    /** A review step of the lifecycle, followed through its reports. */
    async start(args: TApprovalStepInput, options: TStepStart): Promise<TStepRun> {
      if (!hosted) {
        const child = await wf.startChild(approvalStep, { ...options, args: [args] });
        return {
          workflowId: child.workflowId,
          resume: (resume) => child.signal(stepResumeSignal, resume),
          ack: (seq) => child.signal(stepAckSignal, seq),
          result: () => child.result(),
        };
      }
      const { handlers, outcome } = startHosted(args, options.workflowId);
      return {
        workflowId: options.workflowId,
        // Not awaited: the resumed step's report waits for the lifecycle loop that is delivering it.
        resume: async (resume) => void handlers.resume(resume),
        ack: async () => undefined,
        result: () => outcome,
      };
    },

    /** A step nobody follows by report (a payment's): its outcome. */
    run(args: TApprovalStepInput, options: TStepStart): Promise<TApprovalStepOutcome> {
      if (!hosted) return wf.executeChild(approvalStep, { ...options, args: [args] });
      return startHosted(args, options.workflowId).outcome;
    },
  };
}

export type TStepHost = ReturnType<typeof createStepHost>;
