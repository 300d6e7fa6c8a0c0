/** The benchmark's workflow bundle: the product's workflows plus the hand-written baseline and the empty workflow (P7). */
export * from '../../workflows/index.js';
export { handwrittenChain } from './handwritten-workflow.js';
export { emptyWorkflow } from './empty-workflow.js';
export { bareChain } from './bare-workflow.js';
