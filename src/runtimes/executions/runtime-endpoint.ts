import { Agent, AgentOptions } from 'node:http';
import { connect, Socket } from 'node:net';
import { ContainerEngine } from '../../container-engine';

/** Idle keep-alive sockets are closed before the runtime's own server would close them (5 s). */
const FREE_SOCKET_TIMEOUT_MS = 2_000;
const MAX_FREE_SOCKETS = 32;

/** The runtime container is not running, or has no address on its network. */
export class RuntimeUnreachableError extends Error {
  readonly code = 'ECONNREFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'RuntimeUnreachableError';
  }
}

type ConnectionCallback = (error: Error | null, socket?: Socket) => void;

/**
 * Where a runtime container listens, verified against the engine. Every new TCP connection first
 * inspects the container and connects to the address it has now, so a request never goes to an
 * address that another container took after a restart. Connections are kept alive per
 * container; `reset()` (on every start, stop or death of the container) closes them all.
 */
export class RuntimeEndpoint {
  private agent: Agent;
  private verifiedAddress: string | undefined;

  constructor(
    private readonly engine: ContainerEngine,
    readonly containerId: string,
    readonly network: string | undefined,
    address: string | undefined,
  ) {
    this.verifiedAddress = address;
    this.agent = this.newAgent();
  }

  /** The address last verified for the container, if any. */
  get address(): string | undefined {
    return this.verifiedAddress;
  }

  /** The keep-alive agent to send requests through; its sockets reach only this container. */
  get connections(): Agent {
    return this.agent;
  }

  /** Inspects the container: its current address, or `RuntimeUnreachableError`. */
  async verify(): Promise<string> {
    const info = await this.engine.inspectContainer(this.containerId).catch(() => undefined);
    const address =
      info && info.running
        ? this.network
          ? info.networks[this.network]
          : Object.values(info.networks)[0]
        : undefined;
    this.verifiedAddress = address;
    if (!address) throw new RuntimeUnreachableError('The runtime container is not running.');
    return address;
  }

  /** Forgets the address and closes every pooled connection. */
  reset(): void {
    this.verifiedAddress = undefined;
    const stale = this.agent;
    this.agent = this.newAgent();
    stale.destroy();
  }

  /** Closes the pooled connections no request is using. */
  dropIdleConnections(): void {
    for (const sockets of Object.values(this.agent.freeSockets)) {
      for (const socket of sockets ?? []) socket.destroy();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private newAgent(): Agent {
    const options: AgentOptions = {
      keepAlive: true,
      maxFreeSockets: MAX_FREE_SOCKETS,
      timeout: FREE_SOCKET_TIMEOUT_MS,
      scheduling: 'lifo',
    };
    const agent = new Agent(options);
    const verify = () => this.verify();
    // Node's Agent accepts an asynchronous createConnection that answers through the callback.
    (
      agent as unknown as {
        createConnection(options: { port: number }, callback: ConnectionCallback): undefined;
      }
    ).createConnection = (connectOptions, callback) => {
      verify().then(
        (address) => {
          const socket = connect({ host: address, port: connectOptions.port, noDelay: true });
          callback(null, socket);
        },
        (error: Error) => callback(error),
      );
      return undefined;
    };
    return agent;
  }
}
