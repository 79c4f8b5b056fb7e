export { projectLifecycle } from './project-lifecycle';
export { approvalStep } from './approval-step';
