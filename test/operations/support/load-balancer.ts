import { connect, createServer, type Server, type Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** Delays data so that it flows at about `bytesPerSecond` (a slow printer network). */
class Throttle extends Transform {
  constructor(private readonly bytesPerSecond: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const slice = Math.max(1, Math.floor(this.bytesPerSecond / 20));
    let offset = 0;
    const next = () => {
      if (offset >= chunk.length) return done();
      this.push(chunk.subarray(offset, offset + slice));
      offset += slice;
      setTimeout(next, 50);
    };
    next();
  }
}

/**
 * A TCP load balancer in front of api instances, as a Kubernetes Service would be: each new connection goes to the
 * first backend in the list that accepts it, so clients land on the first instance while it is up and on the next
 * once it stops listening. Optionally throttles what the backends send (slow downloads).
 */
export class LoadBalancer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** Bytes sent by the backends to clients, so a test can see a download in progress. */
  bytesDown = 0;

  constructor(
    public backends: number[] = [],
    private readonly options: { bytesPerSecond?: number } = {},
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      this.track(client);
      client.pause();
      this.route(client, 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private route(client: Socket, index: number): void {
    const port = this.backends[index];
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    // Refused (the instance stopped listening): the next backend.
    upstream.once('error', () => {
      if (!connected) this.route(client, index + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      // An upstream that ends (or is killed: the kernel closes its sockets) ends the client once what was
      // buffered for it has gone out; `pipe` does that.
      client.on('close', () => upstream.destroy());
      upstream.on('data', (chunk: Buffer) => (this.bytesDown += chunk.length));
      client.pipe(upstream);
      if (this.options.bytesPerSecond) upstream.pipe(new Throttle(this.options.bytesPerSecond)).pipe(client);
      else upstream.pipe(client);
      client.resume();
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}
