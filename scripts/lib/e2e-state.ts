// What the end-to-end server leaves for tests that start app servers of their own.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './database.ts';

export interface E2eState {
	/** the seeded demo database */
	databaseUrl: string;
}

// One file per port, so that two runs on one machine never read each other's database.
const port = Number(process.env.E2E_PORT ?? 4173);
const STATE_FILE = resolve(ROOT, '.data', port === 4173 ? 'e2e-state.json' : `e2e-state-${port}.json`);

export function writeE2eState(state: E2eState): void {
	writeFileSync(STATE_FILE, JSON.stringify(state, null, '\t') + '\n');
}

export function readE2eState(): E2eState {
	return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}
