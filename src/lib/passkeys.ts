// The browser's side of passkeys: registering this device in 我的, and answering a step-up challenge
// when signing. The ceremonies run in the browser; every check of what they return is on the server.
import {
	browserSupportsWebAuthn,
	startAuthentication,
	startRegistration,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import { m } from '$lib/paraglide/messages.js';
import { trpc } from '$lib/trpc.ts';

/** What can go wrong on this side, as the catalogue names it. */
export type PasskeyProblem = 'passkey.cancelled' | 'passkey.already_on_device' | 'passkey.ceremony_failed' | 'passkey.name_required' | 'passkey.name_too_long';

/**
 * Each problem's words, named one by one: indexing the messages with a variable key would make the bundler
 * ship the whole catalogue with every screen that imports this file.
 */
const PROBLEM_TEXT: Record<PasskeyProblem, () => string> = {
	'passkey.cancelled': m['passkey.cancelled'],
	'passkey.already_on_device': m['passkey.already_on_device'],
	'passkey.ceremony_failed': m['passkey.ceremony_failed'],
	'passkey.name_required': m['passkey.name_required'],
	'passkey.name_too_long': m['passkey.name_too_long']
};

/** A problem in the interface language. */
export const passkeyProblemText = (key: PasskeyProblem): string => PROBLEM_TEXT[key]();

/** The browser's ceremony ended without an answer; `message` says why in the interface language. */
export class PasskeyCeremonyError extends Error {
	readonly key: PasskeyProblem;
	constructor(key: PasskeyProblem, cause: unknown) {
		super(passkeyProblemText(key), { cause });
		this.key = key;
	}
}

function ceremonyError(error: unknown): PasskeyCeremonyError {
	const name = error instanceof Error ? error.name : '';
	const code = (error as { code?: string } | null)?.code;
	// NotAllowedError is what the browser says for "cancelled", "timed out" and "no matching passkey" alike.
	if (name === 'NotAllowedError' || name === 'AbortError') return new PasskeyCeremonyError('passkey.cancelled', error);
	if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError')
		return new PasskeyCeremonyError('passkey.already_on_device', error);
	return new PasskeyCeremonyError('passkey.ceremony_failed', error);
}

export function passkeysSupported(): boolean {
	return typeof window !== 'undefined' && window.isSecureContext && browserSupportsWebAuthn();
}

/** The name the form suggests for a passkey made on this device. */
export function suggestedPasskeyName(): string {
	const ua = navigator.userAgent;
	if (/iPhone/.test(ua)) return 'iPhone';
	if (/iPad/.test(ua) || (ua.includes('Macintosh') && navigator.maxTouchPoints > 1)) return 'iPad';
	if (/Android/.test(ua)) return m['passkey.device_android']();
	if (/Macintosh|Mac OS X/.test(ua)) return 'Mac';
	if (/Windows/.test(ua)) return m['passkey.device_windows']();
	return m['passkey.device_this']();
}

/** Checked before the ceremony as the server checks it after, so a bad name never costs a fingerprint. */
export function passkeyNameProblem(name: string): PasskeyProblem | null {
	const trimmed = name.trim();
	if (trimmed.length === 0) return 'passkey.name_required';
	if ([...trimmed].length > 60) return 'passkey.name_too_long';
	return null;
}

/** Options from the server, the phone's fingerprint or face check, and the answer back for verification. */
export async function registerPasskey(name: string) {
	const { challengeId, options } = await trpc.passkey.registrationOptions.mutate();
	const response = await startRegistration({ optionsJSON: options }).catch((e: unknown) => {
		throw ceremonyError(e);
	});
	return trpc.passkey.register.mutate({ challengeId, name, response });
}

/** The step-up options as they arrive over tRPC: no extensions are asked for, whose binary types it cannot carry. */
export type StepUpRequestOptions = Omit<PublicKeyCredentialRequestOptionsJSON, 'extensions'>;

/** Answers a step-up challenge (from the server's stepUpOptions) with this device's passkey. */
export async function provePasskey(options: StepUpRequestOptions): Promise<AuthenticationResponseJSON> {
	return startAuthentication({ optionsJSON: options }).catch((e: unknown) => {
		throw ceremonyError(e);
	});
}
