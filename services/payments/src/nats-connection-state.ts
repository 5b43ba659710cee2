import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Whether the client currently holds a connection to a server. While it does not, a publish can only wait for
 * its timeout: the webhook skips it and leaves the event to the relay, so Stripe still gets a fast answer.
 */
export const trackNatsConnection = (nc: NatsConnection): (() => boolean) => {
  let connected = !nc.isClosed();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'close') connected = false;
      else if (status.type === 'reconnect') connected = true;
    }
  })();
  return () => connected && !nc.isClosed();
};
