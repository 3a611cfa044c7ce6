/**
 * Prints a new VAPID key pair (Web Push, RFC 8292) for `.env`: `npm run vapid`. Keep the private key secret; a new
 * pair ends every browser's subscription (people enable desktop notifications again).
 */
import { generateVAPIDKeys } from 'web-push';

const keys = generateVAPIDKeys();
console.log(`VAPID_PUBLIC_KEY=${keys.publicKey}`);
console.log(`VAPID_PRIVATE_KEY=${keys.privateKey}`);
