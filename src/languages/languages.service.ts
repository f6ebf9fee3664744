import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../config';
import { CONTAINER_ENGINE, ContainerEngine } from '../container-engine';
import { LanguageDto } from './dto/language.dto';
import { LANGUAGES } from './language-registry';

/** Label that scripts/images.sh puts on every sandbox image. */
export const LANGUAGE_VERSION_LABEL = 'runcell.language-version';
const VERSION_CACHE_MS = 60_000;

@Injectable()
export class LanguagesService {
  private cached: { at: number; versions: Map<string, string | null> } | undefined;

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
  ) {}

  async list(): Promise<LanguageDto[]> {
    const versions = await this.versions();
    const { executions } = this.config;
    return LANGUAGES.map((language) => ({
      name: language.name,
      version: versions.get(language.name) ?? null,
      extension: language.extension,
      compiled: 'compileCommand' in language,
      defaults: {
        timeout_seconds: language.defaults.timeoutSeconds,
        memory_mb: language.defaults.memoryMb,
      },
      compile:
        'compileCommand' in language
          ? {
              timeout_seconds: executions.compileTimeoutMs / 1000,
              memory_mb: executions.compileMemoryMb,
              output_cap_bytes: executions.compileOutputCapBytes,
              build_output_max_bytes: executions.buildOutputMaxBytes,
            }
          : null,
    }));
  }

  /** Each image's version label, looked up at most once a minute (images change on rebuilds). */
  private async versions(): Promise<Map<string, string | null>> {
    if (this.cached && Date.now() - this.cached.at < VERSION_CACHE_MS) return this.cached.versions;
    const { sandboxImagePrefix, sandboxImageTag } = this.config.executions;
    const entries = await Promise.all(
      LANGUAGES.map(async (language): Promise<[string, string | null]> => {
        const image = `${sandboxImagePrefix}${language.name}:${sandboxImageTag}`;
        const labels = await this.engine.imageLabels(image).catch(() => undefined);
        return [language.name, labels?.[LANGUAGE_VERSION_LABEL] ?? null];
      }),
    );
    const versions = new Map(entries);
    this.cached = { at: Date.now(), versions };
    return versions;
  }
}
