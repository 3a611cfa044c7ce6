import qrcode from 'qrcode-terminal';

import type { AgentInfo, Enrolled } from '@farmhand/protocol';

import { EnrollmentError } from './enrollment.client';
import type { EnrollmentClient } from './enrollment.client';

export interface PairingIo {
  print(text: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** RFC 8628: clients poll no faster than every 5 s and add 5 s on each `slow_down`. */
export const MIN_POLL_INTERVAL_MS = 5_000;

/** Device flow: show the user code, URL and a terminal QR code, then poll until an admin approves. */
export async function pairDevice(client: EnrollmentClient, agent: AgentInfo, io: PairingIo): Promise<Enrolled> {
  const pairing = await client.startPairing(agent);
  const target = pairing.verificationUriComplete ?? pairing.verificationUri;
  io.print(
    [
      '',
      'To add this printer to Farmhand, sign in as an organization admin and enter this code:',
      '',
      `    ${pairing.userCode}`,
      '',
      `at ${pairing.verificationUri}`,
      'or scan:',
      '',
    ].join('\n'),
  );
  qrcode.generate(target, { small: true }, (art: string) => io.print(art));
  io.print(`The code expires in ${Math.round(pairing.expiresIn / 60)} minutes. Waiting for approval...`);

  let interval = Math.max(MIN_POLL_INTERVAL_MS, pairing.interval * 1_000);
  const deadline = io.now() + pairing.expiresIn * 1_000;
  let networkFailures = 0;
  while (io.now() < deadline) {
    await io.sleep(interval);
    let outcome;
    try {
      outcome = await client.pollPairing(pairing.deviceCode);
      networkFailures = 0;
    } catch (error) {
      if (error instanceof EnrollmentError && error.code === 'unreachable' && networkFailures < 10) {
        networkFailures += 1;
        continue;
      }
      throw error;
    }
    switch (outcome.status) {
      case 'approved':
        return outcome.enrolled;
      case 'pending':
        break;
      case 'slow_down':
        interval += 5_000;
        break;
      case 'expired':
        throw new EnrollmentError('expired_token', 'the pairing code expired; run enroll again');
      case 'denied':
        throw new EnrollmentError('access_denied', 'the pairing was refused');
    }
  }
  throw new EnrollmentError('expired_token', 'the pairing code expired; run enroll again');
}
