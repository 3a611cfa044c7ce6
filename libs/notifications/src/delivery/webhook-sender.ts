import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed, type WebhookUrlPolicy } from '../webhook-url';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Of a receiver's answer, at most this much is kept (in the delivery's error). */
export const RESPONSE_SNIPPET_BYTES = 1024;

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  /** Why it did not count as delivered: no URL, no secret, at most 1 kB of the answer. */
  error: string | null;
  /** Retrying cannot help (the address is refused): the delivery fails now. */
  permanent: boolean;
  /** At most 1 kB of the receiver's answer (platforms that answer 200 with `ok: false` are judged on it). */
  answer?: string;
  /** Email channels: each address's outcome (recorded on the delivery, so a retry skips those accepted). */
  recipients?: Record<string, { sent: boolean; error?: string; attempt: number }>;
}

type Resolver = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) =>
  dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => callback(error, addresses ?? []));

class AddressRefused extends Error {
  constructor(readonly address: string) {
    super(`address ${address} is not allowed for webhooks`);
  }
}

/**
 * POSTs one delivery. SSRF: the host is resolved here and every address it resolves to must be allowed; the
 * connection is made to exactly the checked address (the lookup hands it to the socket), so a DNS answer that
 * changes between the check and the connect (rebinding) cannot redirect it. Redirects are never followed, the
 * whole exchange is cut at 10 s, and only the first kilobyte of the answer is read.
 */
export class WebhookSender {
  constructor(
    private readonly policy: WebhookUrlPolicy,
    private readonly options: { timeoutMs?: number; resolver?: Resolver } = {},
  ) {}

  /** `method`: PATCH for the callers that edit what they sent before (chat-ops' Discord answers). */
  async post(
    rawUrl: string,
    headers: Record<string, string>,
    body: string | Buffer,
    method: 'POST' | 'PATCH' = 'POST',
  ): Promise<SendResult> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { ok: false, status: null, error: 'the webhook URL is not valid', permanent: true };
    }
    const secure = url.protocol === 'https:';
    if (!secure && !(url.protocol === 'http:' && this.policy.allowHttp))
      return { ok: false, status: null, error: 'plain http webhooks are not allowed', permanent: true };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !addressAllowed(host, this.policy))
      return { ok: false, status: null, error: `address ${host} is not allowed for webhooks`, permanent: true };

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method,
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          lookup: this.guardedLookup(),
          // A fresh connection per delivery: nothing pooled across organizations or checks.
          agent: false,
        },
        (response) => {
          readSnippet(response)
            .then((snippet) => {
              const status = response.statusCode ?? 0;
              const ok = status >= 200 && status < 300;
              finish({
                ok,
                status,
                error: ok ? null : describeAnswer(status, snippet),
                permanent: false,
                answer: snippet,
              });
            })
            .catch((error: unknown) => finish(failure(error)));
        },
      );
      const timeoutMs = this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
      const deadline = setTimeout(() => {
        const error = new Error(`no complete answer within ${timeoutMs / 1000} s`);
        finish(failure(error));
        request.destroy(error);
      }, timeoutMs);
      request.on('error', (error) => finish(failure(error)));
      request.end(body);
    });
  }

  private guardedLookup(): LookupFunction {
    const resolver = this.options.resolver ?? systemResolver;
    return (hostname, options, callback) => {
      resolver(hostname, (error, found) => {
        if (error) return callback(error, '', 0);
        const wanted = options.family ? found.filter((entry) => entry.family === options.family) : found;
        // One refused address refuses the name: a host that also resolves inside the network is not a receiver.
        const refused = wanted.find((entry) => !addressAllowed(entry.address, this.policy));
        if (refused) return callback(new AddressRefused(refused.address), '', 0);
        if (!wanted.length) return callback(new Error(`${hostname} has no address`), '', 0);
        if (options.all) return callback(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      });
    };
  }
}

function failure(error: unknown): SendResult {
  if (error instanceof AddressRefused) return { ok: false, status: null, error: error.message, permanent: true };
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    status: null,
    error: truncate(code && !message.includes(code) ? `${code}: ${message}` : message),
    permanent: false,
  };
}

function describeAnswer(status: number, snippet: string): string {
  return truncate(snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`);
}

/** Postgres text refuses NUL; everything else of the answer is kept as text, cut to the limit. */
function truncate(text: string): string {
  return text.replace(/\u0000/g, '').slice(0, RESPONSE_SNIPPET_BYTES);
}

function readSnippet(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= RESPONSE_SNIPPET_BYTES) {
        // Enough: the rest of a large answer is never read.
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', reject);
  });
}
