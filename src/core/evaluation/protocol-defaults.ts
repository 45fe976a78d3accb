/**
 * The evaluation protocol's defaults, in a module of their own so that what only names them (the
 * CLI's help) does not load the evaluation code.
 */

/** The README's protocol: stratified 5-fold, seed 42. */
export const DEFAULT_FOLDS = 5;
export const DEFAULT_SEED = 42;
