/**
 * Every language a task can be written in: one entry each. The sandbox image of a language is
 * `<SANDBOX_IMAGE_PREFIX><name>:<SANDBOX_IMAGE_TAG>`, built from its recipe (docker/images).
 * Nothing outside this file knows one language from another.
 */
export interface LanguageDefinition {
  /** The `script_type` of tasks, also the image's name suffix. */
  readonly name: string;
  /** File extension of the program, without the dot. */
  readonly extension: string;
  /**
   * Container command of the compile stage (compiled languages only): it reads the framed source
   * from stdin, compiles it into /build and writes the framed build output to stdout.
   */
  readonly compileCommand?: readonly string[];
  /** Extra environment of the compile stage (e.g. a writable cache on the /tmp tmpfs). */
  readonly compileEnv?: Readonly<Record<string, string>>;
  /**
   * Container command of the run stage: it reads the framed program (interpreted) or build output
   * (compiled) from stdin; the rest of stdin is the program's.
   */
  readonly runCommand: readonly string[];
  /** A pids limit above SANDBOX_PIDS_LIMIT for runtimes that need more threads (the JVM). */
  readonly pidsLimit?: number;
  /** Limits a task of this language gets when it names none. */
  readonly defaults: { readonly timeoutSeconds: number; readonly memoryMb: number };
}

const INTERPRETED_DEFAULTS = { timeoutSeconds: 30, memoryMb: 256 } as const;
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];

export const LANGUAGES = [
  // The first four images read the framed program themselves (docker/images/sandbox).
  {
    name: 'python',
    extension: 'py',
    runCommand: ['run-task', '-'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'javascript',
    extension: 'js',
    runCommand: ['run-task', '-'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'typescript',
    extension: 'ts',
    runCommand: ['run-task', '-'],
    defaults: INTERPRETED_DEFAULTS,
  },
  { name: 'bash', extension: 'sh', runCommand: ['run-task', '-'], defaults: INTERPRETED_DEFAULTS },
  // The others use docker/images/sandbox-lang: run-task source | compile | artifact.
  {
    name: 'c',
    extension: 'c',
    compileCommand: [
      'run-task',
      'compile',
      'main.c',
      'gcc',
      '-O2',
      '-std=gnu17',
      '-o',
      '/build/main',
      'main.c',
      '-lm',
    ],
    runCommand: ['run-task', 'artifact', '/build/main'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'cpp',
    extension: 'cpp',
    compileCommand: [
      'run-task',
      'compile',
      'main.cpp',
      'g++',
      '-O2',
      '-std=gnu++17',
      '-o',
      '/build/main',
      'main.cpp',
    ],
    runCommand: ['run-task', 'artifact', '/build/main'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'go',
    extension: 'go',
    compileCommand: [
      'run-task',
      'compile',
      'main.go',
      'go',
      'build',
      '-o',
      '/build/main',
      'main.go',
    ],
    compileEnv: {
      GOCACHE: '/tmp/go-cache',
      GOPATH: '/tmp/go',
      CGO_ENABLED: '0',
      GO111MODULE: 'off',
    },
    runCommand: ['run-task', 'artifact', '/build/main'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'rust',
    extension: 'rs',
    compileCommand: [
      'run-task',
      'compile',
      'main.rs',
      'rustc',
      '--edition=2021',
      '-O',
      '-o',
      '/build/main',
      'main.rs',
    ],
    runCommand: ['run-task', 'artifact', '/build/main'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'java',
    extension: 'java',
    compileCommand: [
      'run-task',
      'compile',
      'Main.java',
      'javac',
      ...JVM_FLAGS.map((flag) => `-J${flag}`),
      '-d',
      '/build',
      'Main.java',
    ],
    runCommand: ['run-task', 'artifact', 'java', ...JVM_FLAGS, '-cp', '/build', 'Main'],
    pidsLimit: 128,
    defaults: { timeoutSeconds: 30, memoryMb: 512 },
  },
  {
    name: 'ruby',
    extension: 'rb',
    runCommand: ['run-task', 'source', 'main.rb', 'ruby', 'main.rb'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'php',
    extension: 'php',
    runCommand: ['run-task', 'source', 'main.php', 'php', 'main.php'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'lua',
    extension: 'lua',
    runCommand: ['run-task', 'source', 'main.lua', 'lua5.4', 'main.lua'],
    defaults: INTERPRETED_DEFAULTS,
  },
  {
    name: 'perl',
    extension: 'pl',
    runCommand: ['run-task', 'source', 'main.pl', 'perl', 'main.pl'],
    defaults: INTERPRETED_DEFAULTS,
  },
] as const satisfies readonly LanguageDefinition[];

export type LanguageName = (typeof LANGUAGES)[number]['name'];

export const LANGUAGE_NAMES = LANGUAGES.map((language) => language.name) as [
  LanguageName,
  ...LanguageName[],
];

const BY_NAME = new Map<string, LanguageDefinition>(
  LANGUAGES.map((language) => [language.name, language]),
);

export function isLanguageName(name: unknown): name is LanguageName {
  return typeof name === 'string' && BY_NAME.has(name);
}

/** The entry of `name`; throws for a name that is not in the registry (a programming error). */
export function languageNamed(name: string): LanguageDefinition {
  const language = BY_NAME.get(name);
  if (!language) throw new Error(`Unknown language "${name}"`);
  return language;
}
