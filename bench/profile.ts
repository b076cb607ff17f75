/**
 * A V8 CPU profile (`.cpuprofile`, as `--cpu-prof` or the inspector's Profiler writes it)
 * summarised as markdown: where the sampled time went, by package and by function.
 */

export interface CallFrame {
  functionName: string;
  scriptId?: string;
  url: string;
  /** 0-based, as V8 writes it. */
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  /** The id of the innermost node of each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

/** Time in microseconds: `self` with the frame on top of the stack, `total` with it anywhere on it. */
export interface Share {
  name: string;
  self: number;
  total: number;
}

export interface FunctionShare extends Share {
  /** `file:line` (1-based), or the bare name for V8's pseudo-frames. */
  location: string;
  pkg: string;
}

export interface ProfileAnalysis {
  /** Sum of the sample durations, microseconds. */
  sampled: number;
  samples: number;
  idle: number;
  packages: Share[];
  functions: FunctionShare[];
}

/** V8's pseudo-frames: not code, but what the thread was doing. */
const PSEUDO = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** `file:///a/b` -> `/a/b`; other urls (`node:events`, `''`) as they are. */
const pathOf = (url: string) => {
  if (!url.startsWith('file://')) return url;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url.slice('file://'.length);
  }
};

/** The project's own path of a file (`src/orders/orders.service.js`), or null. */
function projectPath(path: string, root: string | undefined): string | null {
  if (root && path.startsWith(`${root.replace(/\/$/, '')}/`)) {
    return path.slice(root.replace(/\/$/, '').length + 1).replace(/^dist\//, '');
  }
  const m = /\/(?:dist\/)?((?:src|bench)\/.*)$/.exec(path);
  return m ? m[1] : null;
}

/**
 * Who a frame's code belongs to: `node_modules/<pkg>` as `pkg` or `@scope/pkg`, Node's own
 * modules as `node:internal`, V8 builtins and native code as `(native)`, the pseudo-frames by
 * their names, and the project's own code as `echo src/<feature>` (`echo src` for the files at
 * the top of src/, `echo bench` for the benchmark's).
 */
export function packageOf(frame: CallFrame, root?: string): string {
  if (PSEUDO.has(frame.functionName) && !frame.url) return frame.functionName;
  const url = frame.url;
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = pathOf(url);
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const own = projectPath(path, root);
  if (own) {
    const parts = own.split('/');
    if (parts[0] === 'src') return parts.length > 2 ? `echo src/${parts[1]}` : 'echo src';
    return `echo ${parts[0]}`;
  }
  return path;
}

/** `file:line` as a reader would look it up: inside the package, or inside the repository. */
function locationOf(frame: CallFrame, root?: string): string {
  if (!frame.url) return PSEUDO.has(frame.functionName) ? '' : '(native)';
  const path = pathOf(frame.url);
  const nm = path.lastIndexOf('/node_modules/');
  const file =
    nm >= 0
      ? path.slice(nm + '/node_modules/'.length)
      : (projectPath(path, root) ?? path.split('/').slice(-2).join('/'));
  return `${file}:${frame.lineNumber + 1}`;
}

const functionName = (frame: CallFrame) => frame.functionName || '(anonymous)';

/**
 * The duration of each sample: the time until the next one, as Chrome DevTools counts it; the
 * last sample runs until the profile's end. Negative deltas (samples V8 recorded out of order)
 * count as 0.
 */
export function sampleDurations(profile: CpuProfile): number[] {
  const n = profile.samples.length;
  const durations = new Array<number>(n);
  let at = profile.startTime;
  const times = profile.timeDeltas.map((d) => (at += d));
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? times[i + 1] : Math.max(profile.endTime, times[i]);
    durations[i] = Math.max(0, next - times[i]);
  }
  return durations;
}

/**
 * Self and total time per package and per function. A frame counts once towards `total` per
 * sample, however often it recurs on the stack.
 */
export function analyseProfile(profile: CpuProfile, root?: string): ProfileAnalysis {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Time spent with each node on top of the stack.
  const selfOfNode = new Map<number, number>();
  const durations = sampleDurations(profile);
  profile.samples.forEach((id, i) => selfOfNode.set(id, (selfOfNode.get(id) ?? 0) + durations[i]));

  const packages = new Map<string, Share>();
  const functions = new Map<string, FunctionShare>();
  const packageShare = (name: string) => {
    let s = packages.get(name);
    if (!s) packages.set(name, (s = { name, self: 0, total: 0 }));
    return s;
  };
  const functionShare = (frame: CallFrame) => {
    const location = locationOf(frame, root);
    const key = `${functionName(frame)}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let s = functions.get(key);
    if (!s) {
      s = { name: functionName(frame), location, pkg: packageOf(frame, root), self: 0, total: 0 };
      functions.set(key, s);
    }
    return s;
  };

  let sampled = 0;
  let idle = 0;
  for (const [id, time] of selfOfNode) {
    const node = byId.get(id);
    if (!node || time === 0) continue;
    sampled += time;
    if (node.callFrame.functionName === '(idle)') idle += time;
    const top = functionShare(node.callFrame);
    top.self += time;
    packageShare(top.pkg).self += time;
    const seenFunctions = new Set<FunctionShare>();
    const seenPackages = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = byId.get(parent.get(at.id) ?? NaN)) {
      if (at.callFrame.functionName === '(root)' && !at.callFrame.url) break;
      const f = functionShare(at.callFrame);
      if (!seenFunctions.has(f)) {
        seenFunctions.add(f);
        f.total += time;
      }
      if (!seenPackages.has(f.pkg)) {
        seenPackages.add(f.pkg);
        packageShare(f.pkg).total += time;
      }
    }
  }
  const bySelf = (a: Share, b: Share) => b.self - a.self || b.total - a.total;
  return {
    sampled,
    samples: profile.samples.length,
    idle,
    packages: [...packages.values()].sort(bySelf),
    functions: [...functions.values()].filter((f) => f.self > 0).sort(bySelf),
  };
}

export interface SummaryOptions {
  /** The heading, e.g. the scenario id. */
  title: string;
  /** Lines printed under the heading (what was profiled, how it was run). */
  intro?: string[];
  /** The repository root as the profiled process saw it, to name the project's own files. */
  root?: string;
  packages?: number;
  functions?: number;
}

const ms = (us: number) => (us / 1000).toFixed(1);
const pct = (part: number, whole: number) => (whole ? ((100 * part) / whole).toFixed(1) : '0.0');
/** Table cells must not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The summary as markdown. */
export function summariseProfile(profile: CpuProfile, options: SummaryOptions): string {
  const a = analyseProfile(profile, options.root);
  const busy = a.sampled - a.idle;
  const interval = a.samples ? a.sampled / a.samples : 0;
  const lines = [
    `# CPU profile: ${options.title}`,
    '',
    ...(options.intro?.length ? [...options.intro, ''] : []),
    `Sampled time: ${ms(a.sampled)} ms in ${a.samples} samples (one every ` +
      `${Math.round(interval)} µs on average). Busy ${pct(busy, a.sampled)}%, idle ` +
      `${pct(a.idle, a.sampled)}% (\`(idle)\`: the thread waiting for I/O, here mostly ` +
      'PostgreSQL and the network).',
    '',
    '"self": the frame was on top of the stack; "total": it was anywhere on the stack (a',
    "package's total counts a sample once however many of its frames it holds). Percentages",
    'are of the whole sampled time; "of busy" leaves the idle time out.',
    '',
    `## Self time by package (top ${options.packages ?? 25})`,
    '',
    '| package | self ms | self % | of busy % | total % |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...a.packages
      .slice(0, options.packages ?? 25)
      .map(
        (p) =>
          `| ${cell(p.name)} | ${ms(p.self)} | ${pct(p.self, a.sampled)} | ` +
          `${p.name === '(idle)' ? '' : pct(p.self, busy)} | ${pct(p.total, a.sampled)} |`,
      ),
    '',
    `## Functions by self time (top ${options.functions ?? 30})`,
    '',
    '| function | file:line | package | self ms | self % | total % |',
    '| --- | --- | --- | ---: | ---: | ---: |',
    ...a.functions
      .slice(0, options.functions ?? 30)
      .map(
        (f) =>
          `| ${cell(f.name)} | ${cell(f.location)} | ${cell(f.pkg)} | ${ms(f.self)} | ` +
          `${pct(f.self, a.sampled)} | ${pct(f.total, a.sampled)} |`,
      ),
    '',
  ];
  return lines.join('\n');
}
