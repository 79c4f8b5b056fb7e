// One import point for the tests, through the public index as other code will use it.
export * from '../../../src/domain/fault-tolerance/index';
export type { TErrorCode as TErrorCodeLike } from '../../../src/domain/errors';
