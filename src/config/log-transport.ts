import { destination, type DestinationStream, type TransportSingleOptions } from 'pino';
import type { EnvironmentVariables } from './env.validation';

/**
 * Where logs go. A person running `npm start` in a terminal reads them through pino-pretty
 * (coloured, one line per event, local time); anything else, production above all, keeps
 * pino's JSON lines on stdout for a log shipper to parse. Redirected output (a file, a pipe,
 * a container's log driver) is not a terminal, so it stays JSON even in development.
 */
export function logTransport(
  nodeEnv: EnvironmentVariables['NODE_ENV'],
  stdoutIsTty: boolean,
): TransportSingleOptions | undefined {
  if (nodeEnv !== 'development' || !stdoutIsTty) return undefined;
  return {
    target: 'pino-pretty',
    options: {
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
    },
  };
}

let stdout: DestinationStream | undefined;

/**
 * JSON lines to stdout without blocking the event loop: pino's default destination writes
 * each line synchronously, which with one access-log line per request was a fifth of the busy
 * time under load. Lines are written as soon as the previous write is done, in order, and
 * what is still buffered is flushed when the process exits (pino registers that). One per
 * process, however many applications it runs (the tests run several).
 */
export function stdoutDestination(): DestinationStream {
  stdout ??= destination({ dest: 1, sync: false });
  return stdout;
}
