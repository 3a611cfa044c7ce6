import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** The smallest CBOR encoder WebAuthn needs: unsigned and negative integers, byte and text strings, maps. */
type Cbor = number | string | Buffer | Map<Cbor, Cbor>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  if (length < 65536) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  throw new Error('too long for this encoder');
}

function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  const parts = [cborHead(5, value.size)];
  for (const [key, item] of value) parts.push(cbor(key), cbor(item));
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64u = (data: Buffer) => data.toString('base64url');

/** Authenticator data flags (WebAuthn §6.1). */
export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftwareCredential {
  id: string;
  rawId: Buffer;
  privateKey: KeyObject;
  userHandle: string | null;
  counter: number;
}

/** What a ceremony may get wrong on purpose: the page's origin, the rpID hashed into authData, the counter. */
export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  counter?: number;
  flags?: number;
  challenge?: string;
  userHandle?: string | null;
}

/**
 * A platform authenticator in software, for medium tests: P-256 keys from node:crypto, `none` attestation, and
 * assertions signed over authenticatorData || SHA-256(clientDataJSON), exactly as a browser and a security key would
 * hand them to the server (the JSON `@simplewebauthn/browser` produces).
 */
export class SoftwareAuthenticator {
  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {}

  /** `navigator.credentials.create` for these options: a new discoverable credential. */
  create(
    options: { challenge: string; user?: { id: string } },
    overrides: CeremonyOverrides = {},
  ): { credential: SoftwareCredential; response: Record<string, unknown> } {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const rawId = randomBytes(32);
    const credential: SoftwareCredential = {
      id: b64u(rawId),
      rawId,
      privateKey,
      userHandle: options.user?.id ?? null,
      counter: overrides.counter ?? 0,
    };
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rawId.length);
    const authData = Buffer.concat([
      this.authDataHead(overrides, (overrides.flags ?? FLAG_UP | FLAG_UV) | FLAG_AT, credential.counter),
      Buffer.alloc(16),
      length,
      rawId,
      cbor(coseKey),
    ]);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.clientData('webauthn.create', overrides.challenge ?? options.challenge, overrides);
    return {
      credential,
      response: {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64u(clientDataJSON),
          attestationObject: b64u(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      },
    };
  }

  /** `navigator.credentials.get` with this credential; the counter goes up by one unless told otherwise. */
  get(
    options: { challenge: string },
    credential: SoftwareCredential,
    overrides: CeremonyOverrides = {},
  ): Record<string, unknown> {
    const counter = overrides.counter ?? credential.counter + 1;
    credential.counter = counter;
    const authData = this.authDataHead(overrides, overrides.flags ?? FLAG_UP | FLAG_UV, counter);
    const clientDataJSON = this.clientData('webauthn.get', overrides.challenge ?? options.challenge, overrides);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    const userHandle = overrides.userHandle === undefined ? credential.userHandle : overrides.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private authDataHead(overrides: CeremonyOverrides, flags: number, counter: number): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([sha256(overrides.rpId ?? this.rpId), Buffer.from([flags]), counterBytes]);
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }),
    );
  }
}
