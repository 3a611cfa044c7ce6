import { DomainException } from '@farmhand/core';
import { classifyAddress, validateWebhookUrl } from './webhook-url';

const strict = { allowHttp: false, allowPrivate: false };
const lenient = { allowHttp: true, allowPrivate: true };

function refusal(url: string, policy = strict): { code: string; field?: string } | null {
  try {
    validateWebhookUrl(url, policy);
    return null;
  } catch (error) {
    if (!(error instanceof DomainException)) throw error;
    return { code: error.code, field: error.field };
  }
}

describe('webhook URL validation', () => {
  it('accepts a public https URL and drops the fragment', () => {
    expect(validateWebhookUrl('https://hooks.example.com/farmhand?x=1#frag', strict)).toBe(
      'https://hooks.example.com/farmhand?x=1',
    );
  });

  it('rejects http URL unless WEBHOOK_ALLOW_HTTP', () => {
    expect(refusal('http://hooks.example.com/in')).toEqual({ code: 'webhook_url_insecure', field: 'url' });
    expect(refusal('http://hooks.example.com/in', { allowHttp: true, allowPrivate: false })).toBeNull();
  });

  it('rejects other schemes, relative and malformed URLs', () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', '/relative', 'https//missing', 'gopher://a.b/'])
      expect(refusal(url, lenient)?.code).toBe('webhook_url_invalid');
  });

  it('rejects credentials in the URL', () => {
    expect(refusal('https://user:pass@hooks.example.com/')?.code).toBe('webhook_url_credentials');
    expect(refusal('https://user@hooks.example.com/')?.code).toBe('webhook_url_credentials');
  });

  it('rejects cloud metadata and link-local addresses even where private ones are allowed', () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'http://169.254.169.254/',
      'https://[fe80::1]/',
      'https://[fd00:ec2::254]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0xa9.0xfe.0xa9.0xfe/',
      'https://2852039166/', // 169.254.169.254 as one integer
      'https://100.100.100.200/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://0.0.0.0/',
      'https://[::]/',
      'https://224.0.0.1/',
    ])
      expect([url, refusal(url, lenient)?.code]).toEqual([url, 'webhook_url_forbidden_address']);
  });

  it('rejects loopback and private addresses unless WEBHOOK_ALLOW_PRIVATE', () => {
    for (const url of [
      'https://127.0.0.1:8080/',
      'https://127.1/',
      'https://0x7f000001/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://10.1.2.3/',
      'https://172.20.0.5/',
      'https://192.168.1.10/',
      'https://[fd12:3456::1]/',
      'https://localhost/',
      'https://api.localhost/',
      'https://redis/',
    ]) {
      expect([url, refusal(url)?.code]).toEqual([url, 'webhook_url_private_address']);
      expect([url, refusal(url, lenient)]).toEqual([url, null]);
    }
  });

  it('refuses overlong URLs naming the field', () => {
    expect(refusal(`https://example.com/${'a'.repeat(2100)}`)).toEqual({ code: 'webhook_url_too_long', field: 'url' });
  });
});

describe('address classification', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
    ['169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['::127.0.0.1', 'forbidden'],
    ['127.0.0.1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['100.64.1.1', 'private'],
    ['::1', 'private'],
    ['not-an-address', 'forbidden'],
  ])('%s is %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});
