// A software authenticator for specs: one P-256 key per credential, attestation 'none', answers built
// byte for byte as a phone's platform authenticator builds them, so the real verification runs on them.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
	AuthenticationResponseJSON,
	PublicKeyCredentialCreationOptionsJSON,
	PublicKeyCredentialRequestOptionsJSON,
	RegistrationResponseJSON
} from '@simplewebauthn/server';

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [key: string]: Cbor };

function head(major: number, n: number): Buffer {
	if (n < 24) return Buffer.from([(major << 5) | n]);
	if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
	if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
	const b = Buffer.alloc(5);
	b[0] = (major << 5) | 26;
	b.writeUInt32BE(n, 1);
	return b;
}

/** Just enough CBOR (RFC 8949) for an attestation object and a COSE key: integers, strings, bytes, arrays, maps. */
export function cbor(value: Cbor): Buffer {
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) throw new Error('only integers');
		return value >= 0 ? head(0, value) : head(1, -1 - value);
	}
	if (typeof value === 'string') {
		const bytes = Buffer.from(value, 'utf8');
		return Buffer.concat([head(3, bytes.length), bytes]);
	}
	if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
	if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
	const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
	return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftCredential {
	id: string;
	privateKey: KeyObject;
	/** COSE_Key of the public half (EC2, ES256, P-256) */
	cose: Buffer;
	rpId: string;
	counter: number;
}

export class SoftAuthenticator {
	readonly credentials: SoftCredential[] = [];
	/** Whether the "user" passes the fingerprint or face check; off, the authenticator sets only UP. */
	userVerified = true;
	private readonly aaguid = Buffer.alloc(16);

	private authData(rpId: string, counter: number, attested?: SoftCredential): Buffer {
		const flags = FLAG_UP | (this.userVerified ? FLAG_UV : 0) | (attested ? FLAG_AT : 0);
		const count = Buffer.alloc(4);
		count.writeUInt32BE(counter);
		const parts: Uint8Array[] = [sha256(rpId), Buffer.from([flags]), count];
		if (attested) {
			const id = Buffer.from(attested.id, 'base64url');
			const length = Buffer.alloc(2);
			length.writeUInt16BE(id.length);
			parts.push(this.aaguid, length, id, attested.cose);
		}
		return Buffer.concat(parts);
	}

	/** navigator.credentials.create(): a new key pair for `options.rp.id`, reported by `origin`. */
	create(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON {
		const rpId = options.rp.id ?? new URL(origin).hostname;
		const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const jwk = publicKey.export({ format: 'jwk' });
		const cose = cbor(
			new Map<Cbor, Cbor>([
				[1, 2], // kty: EC2
				[3, -7], // alg: ES256
				[-1, 1], // crv: P-256
				[-2, Buffer.from(jwk.x!, 'base64url')],
				[-3, Buffer.from(jwk.y!, 'base64url')]
			])
		);
		const credential: SoftCredential = { id: b64url(randomBytes(16)), privateKey, cose, rpId, counter: 0 };
		this.credentials.push(credential);
		const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
		const attestationObject = cbor({ fmt: 'none', attStmt: {}, authData: this.authData(rpId, 0, credential) });
		return {
			id: credential.id,
			rawId: credential.id,
			type: 'public-key',
			response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
			clientExtensionResults: {},
			authenticatorAttachment: 'platform'
		};
	}

	/** navigator.credentials.get(): signs the challenge with the first allowed credential (or `credentialId`). */
	get(options: PublicKeyCredentialRequestOptionsJSON, origin: string, credentialId?: string): AuthenticationResponseJSON {
		const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
		const credential = this.credentials.find((c) => (credentialId ? c.id === credentialId : allowed.size === 0 || allowed.has(c.id)));
		if (!credential) throw new Error('NotAllowedError: no credential for these options');
		return this.assert(credential, options.challenge, origin, options.rpId ?? credential.rpId);
	}

	/** An assertion over any challenge: for building answers a browser would never send. */
	assert(credential: SoftCredential, challenge: string, origin: string, rpId = credential.rpId): AuthenticationResponseJSON {
		credential.counter += 1;
		const authenticatorData = this.authData(rpId, credential.counter);
		const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
		const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), credential.privateKey);
		return {
			id: credential.id,
			rawId: credential.id,
			type: 'public-key',
			response: {
				clientDataJSON: b64url(clientDataJSON),
				authenticatorData: b64url(authenticatorData),
				signature: b64url(signature)
			},
			clientExtensionResults: {},
			authenticatorAttachment: 'platform'
		};
	}
}
