/**
 * The demo's authenticator key (base32), set up for every demo administrator and the auditor, who sign in with two
 * factors: add it to an authenticator app, or print the current code with `npm run demo:code`. Demo data only: a
 * real organisation's people set up their own at their first sign-in.
 */
export const DEMO_TOTP_KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
