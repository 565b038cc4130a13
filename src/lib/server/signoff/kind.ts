// What each kind of signable thing (a release; a document with its interpretation package) tells sign-off about
// itself. The lifecycle (steps.ts) is written once against this; each domain implements it in its own signoff.ts.
import type { Role } from '../../roles.ts';
import type { Tx } from '../db.ts';
import type { ServedClock, Signable } from './flows.ts';
import type { SignKind } from './queries.ts';

/** The person a step is taken for, with their reach. */
export interface Reader {
	personId: string;
	scope: string | null;
}

/** What a decision does to the thing signed; each kind moves its own status. */
export type Outcome = { step: 'review_passed' } | { step: 'review_rejected'; reason: string } | { step: 'approved' } | { step: 'rejected'; reason: string };

/** The thing's state after a step, as the decisions return it. */
export interface SignedState {
	kind: SignKind;
	id: string;
	status: string;
	stage: 'in_review' | 'awaiting_signoff' | null;
	statusReason: string | null;
}

export interface SignoffKind<Row> {
	kind: SignKind;
	/** The row locked for a step, as this person may see it: undefined when beyond their reach. */
	lock(tx: Tx, id: string, reader: Reader): Promise<Row | undefined>;
	/** The row locked for a step nobody takes (a request's expiry): there is no person whose reach to check. */
	lockUnscoped(tx: Tx, id: string): Promise<Row | undefined>;
	/** Whether this person may see it now. */
	visible(db: Tx, id: string, reader: Reader): Promise<boolean>;
	/** Whether this person works on it (drafts for its unit): asking again after a lapse is theirs. */
	works(db: Tx, row: Row, reader: Reader & { roles: readonly Role[] }): Promise<boolean>;
	/** What is signed: its exact content hash, who drafted it, the clock it serves. */
	signable(tx: Tx, row: Row): Promise<Signable>;
	/** Where it stands in sign-off. */
	state(row: Row): SignedState;
	/** The status change a decision makes. */
	move(tx: Tx, row: Row, outcome: Outcome, now: Date): Promise<void>;
	/** Writes a sign-off step to its timeline; `major` ones also reach what it serves (a release's incident). */
	record(tx: Tx, row: Row, kind: string, actorId: string | null, data: Record<string, unknown>, at: Date, major: boolean): Promise<void>;
	/** The clock its signing serves, when this person may see it (for 待我签发). */
	clockSeen(db: Tx, id: string, reader: Reader): Promise<ServedClock | null>;
	/** Whether a confidentiality reviewer must name the hash they read (a bundle can change under one version number). */
	reviewNamesHash: boolean;
}
