/**
 * What a process definition may refer to (the validator checks names against it) and how a problem is
 * reported. Declared with the step kinds (`workflows/kinds/kind.ts`), whose checks use them.
 */
export type { DefinitionRegistry, DefinitionError } from '../../workflows/kinds/kind.js';
