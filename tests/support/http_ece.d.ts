// http_ece ships no types; only what the fake push service uses is declared.
declare module 'http_ece' {
	import type { ECDH } from 'node:crypto';

	interface EceParams {
		version?: 'aes128gcm' | 'aesgcm';
		/** the receiver's key pair (the browser's, in Web Push) */
		privateKey?: ECDH;
		authSecret?: Buffer | string;
		dh?: Buffer | string;
		salt?: Buffer | string;
		rs?: number;
	}

	const ece: {
		decrypt(buffer: Buffer, params: EceParams): Buffer;
		encrypt(buffer: Buffer, params: EceParams): Buffer;
	};
	export default ece;
}
