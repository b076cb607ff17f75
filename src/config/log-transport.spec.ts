import { logTransport } from './log-transport';

describe('logTransport', () => {
  it('makes logs readable with pino-pretty for a person at a terminal in development', () => {
    const transport = logTransport('development', true);
    expect(transport).toMatchObject({ target: 'pino-pretty', options: { colorize: true } });
    // The target is a dependency that pino's worker can load.
    expect(() => require.resolve(transport!.target)).not.toThrow();
  });

  it('keeps JSON lines in development when stdout is a file or a pipe', () => {
    expect(logTransport('development', false)).toBeUndefined();
  });

  it.each([true, false])('keeps JSON lines in production and tests (stdout a TTY: %p)', (tty) => {
    expect(logTransport('production', tty)).toBeUndefined();
    expect(logTransport('test', tty)).toBeUndefined();
  });
});
