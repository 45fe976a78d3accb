export type ConditionalWriteResult = { readonly status: 'written' } | { readonly status: 'conflict' };
