// npm run demo:code: the demo authenticator's current code, for signing in as a demo administrator or the auditor
// without a phone. It knows only the demo key (db/seed/demo-key.ts); real people's keys never leave the database.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { DEMO_TOTP_KEY } from '../db/seed/demo-key.ts';
import { TOTP_PERIOD_SECONDS, totpCode } from '../src/lib/server/auth/totp.ts';

const left = TOTP_PERIOD_SECONDS - (Math.floor(Date.now() / 1000) % TOTP_PERIOD_SECONDS);
console.log(`${totpCode(decodeBase32IgnorePadding(DEMO_TOTP_KEY))}  (演示验证码，${left} 秒后更换 / changes in ${left} s)`);
