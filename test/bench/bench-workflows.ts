/** The benchmark's workflow bundle: the product's workflows plus the hand-written baseline. */
export * from '../../workflows/index.js';
export { handwrittenChain } from './handwritten-workflow.js';
