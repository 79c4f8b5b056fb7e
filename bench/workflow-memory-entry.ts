/**
 * The workflow-memory scenario's "project" bundle: every workflow of the project
 * (workflows/index.ts, as the worker bundles it) plus the bare workflow the scenario runs. The bare
 * workflow is the same on both sides, so the difference between them is the project's module graph.
 */
export * from '../workflows/index';
export { bareApproval } from './baseline-workflows';
