import { readFileSync } from 'node:fs';
import { generateOpenApiDocument, OPENAPI_FILE } from '../../scripts/openapi';

interface Operation {
  operationId?: string;
}

describe('the committed OpenAPI document', () => {
  let generated: string;

  beforeAll(async () => {
    generated = await generateOpenApiDocument();
  });

  it('is what the app describes today (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(generated);
  });

  it('names every operation once, readably', () => {
    const document = JSON.parse(generated) as { paths: Record<string, Record<string, Operation>> };
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => operation.operationId ?? ''),
    );
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
  });
});
