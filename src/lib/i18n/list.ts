import { m } from '../paraglide/messages.js';

/** Items as a list in the reader's language: 甲、乙、丙 / A, B, C. */
export const listOf = (items: readonly string[]): string => items.join(m['common.list_separator']());

/** Clauses one after another: 甲；乙 / A; B. */
export const clausesOf = (items: readonly string[]): string => items.join(m['common.clause_separator']());
