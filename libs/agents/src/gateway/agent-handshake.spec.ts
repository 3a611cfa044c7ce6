import { credentialInUrl, handshakeCredentials } from './agent-handshake';

const credential = 'fh_agent_0123456789ab_' + 'A'.repeat(43);

describe('credentialInUrl', () => {
  it('accepts the handshake URL socket.io builds', () => {
    expect(
      credentialInUrl({ url: '/socket.io/?EIO=4&transport=websocket', query: { EIO: '4', transport: 'websocket' } }),
    ).toBe(false);
  });

  it.each([
    ['a credential parameter', { credential: 'x' }, '/socket.io/?credential=x'],
    ['a token parameter', { token: 'x' }, '/socket.io/?token=x'],
    ['an access_token parameter', { access_token: 'x' }, '/socket.io/?access_token=x'],
    ['a token under another name', { x: credential }, `/socket.io/?x=${credential}`],
    ['an escaped token', { x: credential }, `/socket.io/?x=${encodeURIComponent(credential).replace('_', '%5F')}`],
    ['a token in the path', {}, `/socket.io/${credential}/?EIO=4`],
  ])('refuses %s', (_label, query, url) => {
    expect(credentialInUrl({ query, url })).toBe(true);
  });
});

describe('handshakeCredentials', () => {
  it('reads the auth payload credential as a bearer token', () => {
    expect(handshakeCredentials({ headers: {}, auth: { credential } })).toEqual({
      cookies: {},
      authorization: `Bearer ${credential}`,
    });
  });

  it('reads an Authorization header', () => {
    expect(handshakeCredentials({ headers: { authorization: `Bearer ${credential}` }, auth: {} }).authorization).toBe(
      `Bearer ${credential}`,
    );
  });

  it('ignores cookies, so a browser session never authenticates an agent socket', () => {
    const found = handshakeCredentials({ headers: { cookie: 'fh_session=abc' }, auth: {} });
    expect(found).toEqual({ cookies: {}, authorization: undefined });
  });

  it('ignores a credential that is not a string', () => {
    expect(handshakeCredentials({ headers: {}, auth: { credential: { $ne: null } } }).authorization).toBeUndefined();
  });
});
