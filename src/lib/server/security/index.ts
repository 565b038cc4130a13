// The public face of security/: what other domains may use. Anything else in this folder is its own business.

export { isSealed, openSecret, sealSecret, secretsKey, SecretsKeyMissing } from './secrets.ts';
