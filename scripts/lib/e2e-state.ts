// What the end-to-end server leaves for tests that start app servers of their own.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './database.ts';

export interface E2eState {
	/** the seeded demo database */
	databaseUrl: string;
}

const STATE_FILE = resolve(ROOT, '.data', 'e2e-state.json');

export function writeE2eState(state: E2eState): void {
	writeFileSync(STATE_FILE, JSON.stringify(state, null, '\t') + '\n');
}

export function readE2eState(): E2eState {
	return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}
