// Every kind of thing that is signed off, by the name its sign-off records carry. A new kind adds its adapter here.
import { documentSignoff } from '../documents/index.ts';
import { releaseSignoff } from '../releases/index.ts';
import type { SignoffKind } from './kind.ts';
import type { SignKind } from './queries.ts';

export const SIGN_KINDS = ['release', 'document'] as const satisfies readonly SignKind[];

// Each adapter knows its own row type; the lifecycle only passes rows back to the adapter they came from.
export const signoffKinds: { [K in SignKind]: SignoffKind<never> } = {
	release: releaseSignoff as SignoffKind<never>,
	document: documentSignoff as SignoffKind<never>
};
