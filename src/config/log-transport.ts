import type { TransportSingleOptions } from 'pino';
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
