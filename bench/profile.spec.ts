import {
  analyseProfile,
  packageOf,
  sampleDurations,
  summariseProfile,
  type CallFrame,
  type CpuProfile,
} from './profile';

const frame = (functionName: string, url = '', lineNumber = -1): CallFrame => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

/**
 * (root)
 * ├─ main (src/main.js:10)
 * │  └─ get (src/orders/orders.service.js:42)
 * │     ├─ query (typeorm)
 * │     │  └─ handle (@nestjs/core)
 * │     │     └─ run (typeorm again: counted once in typeorm's total)
 * │     └─ stringify (node:internal/util)
 * ├─ (idle)
 * └─ (garbage collector)
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('main', 'file:///repo/dist/src/main.js', 9), children: [3] },
    {
      id: 3,
      callFrame: frame('get', 'file:///repo/dist/src/orders/orders.service.js', 41),
      children: [4, 5],
    },
    {
      id: 4,
      callFrame: frame('query', 'file:///repo/node_modules/typeorm/driver/postgres.js', 99),
      children: [8],
    },
    { id: 5, callFrame: frame('stringify', 'node:internal/util', 0) },
    { id: 6, callFrame: frame('(idle)') },
    { id: 7, callFrame: frame('(garbage collector)') },
    {
      id: 8,
      callFrame: frame('handle', 'file:///repo/node_modules/@nestjs/core/router.js', 3),
      children: [9],
    },
    { id: 9, callFrame: frame('run', 'file:///repo/node_modules/typeorm/query.js', 7) },
  ],
  startTime: 0,
  endTime: 2000,
  // Timestamps 10, 110, 310, 610, 1010, 1110, 1210; durations to the next one, the last to 2000.
  samples: [4, 9, 3, 5, 6, 7, 6],
  timeDeltas: [10, 100, 200, 300, 400, 100, 100],
};

describe('the CPU profile summary', () => {
  it('gives each sample the time until the next one, the last until the end', () => {
    expect(sampleDurations(profile)).toEqual([100, 200, 300, 400, 100, 100, 790]);
    expect(
      sampleDurations({ ...profile, samples: [4, 5], timeDeltas: [10, -5], endTime: 3 }),
    ).toEqual([0, 0]);
  });

  it('names the package of a frame', () => {
    const at = (url: string) => packageOf(frame('f', url, 0), '/repo');
    expect(at('file:///repo/node_modules/pg/lib/client.js')).toBe('pg');
    expect(at('file:///repo/node_modules/@nestjs/core/router.js')).toBe('@nestjs/core');
    expect(at('file:///repo/node_modules/a/node_modules/@x/y/z.js')).toBe('@x/y');
    expect(at('node:internal/streams/readable')).toBe('node:internal');
    expect(at('node:events')).toBe('node:internal');
    expect(at('')).toBe('(native)');
    expect(at('file:///repo/dist/src/orders/orders.service.js')).toBe('echo src/orders');
    expect(at('file:///repo/dist/src/main.js')).toBe('echo src');
    expect(at('file:///repo/dist/bench/floor/server.js')).toBe('echo bench');
    expect(packageOf(frame('g', 'file:///elsewhere/dist/src/live/bus.js', 0))).toBe(
      'echo src/live',
    );
    expect(packageOf(frame('(program)'))).toBe('(program)');
    expect(packageOf(frame('(garbage collector)'))).toBe('(garbage collector)');
  });

  it('adds up self and total time by package and by function', () => {
    const a = analyseProfile(profile, '/repo');
    expect(a).toMatchObject({ sampled: 1990, samples: 7, idle: 890 });
    expect(a.packages).toEqual([
      { name: '(idle)', self: 890, total: 890 },
      { name: 'node:internal', self: 400, total: 400 },
      { name: 'echo src/orders', self: 300, total: 1000 },
      { name: 'typeorm', self: 300, total: 300 },
      { name: '(garbage collector)', self: 100, total: 100 },
      { name: 'echo src', self: 0, total: 1000 },
      { name: '@nestjs/core', self: 0, total: 200 },
    ]);
    expect(a.functions.map((f) => [f.name, f.location, f.pkg, f.self, f.total])).toEqual([
      ['(idle)', '', '(idle)', 890, 890],
      ['stringify', 'node:internal/util:1', 'node:internal', 400, 400],
      ['get', 'src/orders/orders.service.js:42', 'echo src/orders', 300, 1000],
      ['run', 'typeorm/query.js:8', 'typeorm', 200, 200],
      ['query', 'typeorm/driver/postgres.js:100', 'typeorm', 100, 300],
      ['(garbage collector)', '', '(garbage collector)', 100, 100],
    ]);
  });

  it('writes the totals, the package table and the function table', () => {
    const md = summariseProfile(profile, {
      title: 'get-order',
      intro: ['The service during `get-order`.'],
      root: '/repo',
      packages: 3,
      functions: 2,
    });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# CPU profile: get-order');
    expect(lines).toContain('The service during `get-order`.');
    expect(md).toContain(
      'Sampled time: 2.0 ms in 7 samples (one every 284 µs on average). Busy 55.3%, idle 44.7%',
    );
    expect(md).toContain('## Self time by package (top 3)');
    const table = (heading: string) => {
      const start = lines.indexOf(heading) + 2;
      return lines.slice(start, lines.indexOf('', start));
    };
    expect(table('## Self time by package (top 3)')).toEqual([
      '| package | self ms | self % | of busy % | total % |',
      '| --- | ---: | ---: | ---: | ---: |',
      '| (idle) | 0.9 | 44.7 |  | 44.7 |',
      '| node:internal | 0.4 | 20.1 | 36.4 | 20.1 |',
      '| echo src/orders | 0.3 | 15.1 | 27.3 | 50.3 |',
    ]);
    expect(table('## Functions by self time (top 2)')).toEqual([
      '| function | file:line | package | self ms | self % | total % |',
      '| --- | --- | --- | ---: | ---: | ---: |',
      '| (idle) |  | (idle) | 0.9 | 44.7 | 44.7 |',
      '| stringify | node:internal/util:1 | node:internal | 0.4 | 20.1 | 20.1 |',
    ]);
  });
});
