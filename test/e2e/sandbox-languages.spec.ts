import { LANGUAGES } from '../../src/languages/language-registry';
import { sandboxHarness } from './sandbox-harness';

interface LanguageCase {
  /** Reads one line of stdin and prints `echo: <line>`. */
  echo: string;
  /** Prints `bye` and exits with code 3. */
  exit3: string;
  /** Does not compile (compiled languages only). */
  broken?: string;
  /** What the compiler's message about `broken` contains. */
  compilerSays?: RegExp;
}

const CASES: Record<string, LanguageCase> = {
  c: {
    echo: '#include <stdio.h>\nint main(void) { char line[64]; if (!fgets(line, sizeof line, stdin)) return 1; printf("echo: %s", line); return 0; }\n',
    exit3: '#include <stdio.h>\nint main(void) { puts("bye"); return 3; }\n',
    broken: 'int main(void) { return undeclared_name; }\n',
    compilerSays: /undeclared_name/,
  },
  cpp: {
    echo: '#include <iostream>\n#include <string>\nint main() { std::string line; std::getline(std::cin, line); std::cout << "echo: " << line << "\\n"; }\n',
    exit3: '#include <iostream>\nint main() { std::cout << "bye\\n"; return 3; }\n',
    broken: 'int main() { std::vector<int> v; }\n',
    compilerSays: /vector/,
  },
  go: {
    echo: 'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tline, _ := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\n\tfmt.Print("echo: " + line)\n}\n',
    exit3:
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println("bye")\n\tos.Exit(3)\n}\n',
    broken: 'package main\n\nfunc main() {\n\tundeclared()\n}\n',
    compilerSays: /undefined: undeclared/,
  },
  rust: {
    echo: 'use std::io::BufRead;\nfn main() { let mut line = String::new(); std::io::stdin().lock().read_line(&mut line).unwrap(); print!("echo: {}", line); }\n',
    exit3: 'fn main() { println!("bye"); std::process::exit(3); }\n',
    broken: 'fn main() { let x: i32 = "text"; }\n',
    compilerSays: /mismatched types/,
  },
  java: {
    echo: 'import java.io.*;\npublic class Main { public static void main(String[] a) throws IOException { String line = new BufferedReader(new InputStreamReader(System.in)).readLine(); System.out.println("echo: " + line); } }\n',
    exit3:
      'public class Main { public static void main(String[] a) { System.out.println("bye"); System.exit(3); } }\n',
    broken: 'public class Main { public static void main(String[] a) { int x = "text"; } }\n',
    compilerSays: /incompatible types/,
  },
  ruby: {
    echo: 'line = $stdin.gets\nprint "echo: #{line}"\n',
    exit3: 'puts "bye"\nexit 3\n',
  },
  php: {
    echo: '<?php\n$line = fgets(STDIN);\necho "echo: " . $line;\n',
    exit3: '<?php\necho "bye\\n";\nexit(3);\n',
  },
  lua: {
    echo: 'local line = io.read("l")\nprint("echo: " .. line)\n',
    exit3: 'print("bye")\nos.exit(3)\n',
  },
  perl: {
    echo: 'my $line = <STDIN>;\nprint "echo: $line";\n',
    exit3: 'print "bye\\n";\nexit 3;\n',
  },
};

/** Every language of the registry beyond the original four (those are in sandbox.spec.ts). */
const LANGUAGE_CASES = LANGUAGES.filter((language) => language.name in CASES).map(
  (language) => [language.name, language] as const,
);

describe('Sandbox languages (real Docker and language images)', () => {
  const harness = sandboxHarness();
  const { run } = harness;
  jest.setTimeout(120_000);

  afterEach(async () => {
    expect(await harness.leftovers()).toEqual([]);
  });

  it('covers every language of the registry', () => {
    const tested = new Set([...Object.keys(CASES), 'python', 'javascript', 'typescript', 'bash']);
    expect(LANGUAGES.map((language) => language.name).filter((name) => !tested.has(name))).toEqual(
      [],
    );
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(LANGUAGE_CASES)('%s', (name, language) => {
    const compiled = 'compileCommand' in language;

    it('runs a program that reads stdin and prints it', async () => {
      const result = await run({
        language: name,
        script: CASES[name].echo,
        stdin: 'hello from stdin\n',
        memoryMb: language.defaults.memoryMb,
        cpus: 1,
      });
      expect(result).toMatchObject({
        status: 'completed',
        exitCode: 0,
        stdout: 'echo: hello from stdin\n',
      });
      if (compiled) {
        expect(result.compile).toMatchObject({ status: 'completed', exitCode: 0, error: null });
        expect(result.compile?.durationMs).toBeGreaterThan(0);
      } else {
        expect(result.compile).toBeNull();
      }
    });

    it('records a non-zero exit as a failed run', async () => {
      const result = await run({
        language: name,
        script: CASES[name].exit3,
        memoryMb: language.defaults.memoryMb,
        cpus: 1,
      });
      expect(result).toMatchObject({ status: 'failed', exitCode: 3, stdout: 'bye\n' });
    });

    if (compiled) {
      it("fails on a compile error with the compiler's message, and never runs the program", async () => {
        const result = await run({ language: name, script: CASES[name].broken ?? '', cpus: 1 });
        expect(result.status).toBe('failed');
        expect(result.exitCode).toBeNull();
        expect(result.stdout).toBe('');
        expect(result.compile?.status).toBe('failed');
        expect(result.compile?.exitCode).not.toBe(0);
        expect(result.compile?.output).toMatch(CASES[name].compilerSays ?? /error/);
        expect(result.compile?.error).toMatch(/Compilation failed/);
      });
    }
  });
});
