import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const validTask = { name: 'hello', script_content: 'print("hi")', script_type: 'python' };

describe('tasks API (real Postgres)', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false', APP_ROLE: 'api' }));
    alice = await registerUser(sut, 'Alice');
    bob = await registerUser(sut, 'Bob');
  });

  afterAll(async () => {
    await sut.close();
  });

  async function createTask(user: TestUser, overrides: Record<string, unknown> = {}) {
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: user.auth,
      payload: { ...validTask, ...overrides },
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  it('creates a task with defaults and returns it in snake_case', async () => {
    const task = await createTask(alice);
    expect(task).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user_id: alice.id,
      name: 'hello',
      description: '',
      script_content: 'print("hi")',
      script_type: 'python',
      priority: 5,
      timeout_seconds: 30,
      memory_mb: 256,
      cpus: 1,
      metadata: {},
      status: 'pending',
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      last_execution_id: null,
    });
  });

  it('accepts code a word filter would have refused', async () => {
    const task = await createTask(alice, {
      script_content: 'import sys\nopen("/tmp/x", "w")\nrequire = 1',
    });
    expect(task.script_content).toContain('import sys');
  });

  it('rejects invalid fields with details naming each field as sent', async () => {
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: alice.auth,
      payload: {
        name: '',
        script_content: '',
        script_type: 'cobol',
        priority: 11,
        cpus: 9,
        metadata: [1],
        extra: 1,
      },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const fields = new Set(body.error.details.map((detail: { field: string }) => detail.field));
    expect(fields).toEqual(
      new Set(['name', 'script_content', 'script_type', 'priority', 'cpus', 'metadata', 'extra']),
    );
  });

  it('enforces the 64 KiB script limit in bytes', async () => {
    const tooBig = 'é'.repeat(32 * 1024 + 1);
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: alice.auth,
      payload: { ...validTask, script_content: tooBig },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: 'script_content', message: expect.stringContaining('bytes') },
    ]);
  });

  it("hides another user's task behind 404, and a malformed id is INVALID_ID", async () => {
    const task = await createTask(alice);
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await sut.inject({
        method,
        url: `/api/v1/tasks/${task.id}`,
        headers: bob.auth,
        payload: method === 'PUT' ? { name: 'x' } : undefined,
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('TASK_NOT_FOUND');
    }
    const malformed = await sut.inject({
      method: 'GET',
      url: '/api/v1/tasks/not-a-uuid',
      headers: alice.auth,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('INVALID_ID');
  });

  it('updates partially and deletes', async () => {
    const task = await createTask(alice);
    const updated = await sut.inject({
      method: 'PUT',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
      payload: { priority: 9, description: 'new' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ priority: 9, description: 'new', name: 'hello' });
    const deleted = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
    });
    expect(gone.statusCode).toBe(404);
  });

  describe('listing', () => {
    let carol: TestUser;
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];

    beforeAll(async () => {
      carol = await registerUser(sut, 'Carol');
      for (const [index, name] of names.entries()) {
        await createTask(carol, {
          name,
          priority: index % 3,
          script_type: index % 2 ? 'bash' : 'python',
        });
      }
    });

    async function pageThrough(
      query: string,
      limit: number,
    ): Promise<{ names: string[]; pages: number }> {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/tasks?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await sut.inject({ method: 'GET', url, headers: carol.auth });
        expect(response.statusCode).toBe(200);
        const body = response.json();
        seen.push(...body.tasks.map((task: { name: string }) => task.name));
        cursor = body.pagination.next_cursor;
        expect(body.pagination.has_more).toBe(cursor !== null);
        pages++;
      } while (cursor);
      return { names: seen, pages };
    }

    it('lists own tasks newest first by default', async () => {
      const { names: listed, pages } = await pageThrough('', 2);
      expect(listed).toEqual([...names].reverse());
      expect(pages).toBe(3);
    });

    it('pages correctly for every sort and order', async () => {
      expect((await pageThrough('sort=name&order=asc', 2)).names).toEqual([...names].sort());
      expect((await pageThrough('sort=name&order=desc', 2)).names).toEqual(
        [...names].sort().reverse(),
      );
      const byPriority = await pageThrough('sort=priority&order=desc', 2);
      expect(byPriority.names).toHaveLength(5);
      expect(new Set(byPriority.names)).toEqual(new Set(names));
      expect((await pageThrough('sort=updated_at&order=asc', 1)).names).toEqual(names);
    });

    it('filters by script type, status and name', async () => {
      expect((await pageThrough('script_type=bash', 10)).names.sort()).toEqual([
        'alpha',
        'charlie',
      ]);
      expect((await pageThrough('status=pending&q=HAR', 10)).names).toEqual(['charlie']);
      expect((await pageThrough('q=%25', 10)).names).toEqual([]);
    });

    it('rejects a tampered or foreign cursor with INVALID_CURSOR', async () => {
      const first = await sut.inject({
        method: 'GET',
        url: '/api/v1/tasks?limit=1',
        headers: carol.auth,
      });
      const cursor: string = first.json().pagination.next_cursor;
      const tampered = `${cursor.slice(0, 3)}${cursor[3] === 'A' ? 'B' : 'A'}${cursor.slice(4)}`;
      for (const [user, url] of [
        [carol, `/api/v1/tasks?cursor=${encodeURIComponent(tampered)}`],
        [carol, `/api/v1/tasks?sort=name&cursor=${encodeURIComponent(cursor)}`],
        [bob, `/api/v1/tasks?cursor=${encodeURIComponent(cursor)}`],
        [carol, '/api/v1/tasks?cursor=garbage'],
      ] as const) {
        const response = await sut.inject({ method: 'GET', url, headers: user.auth });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('INVALID_CURSOR');
      }
    });

    it('stays stable while rows are inserted concurrently: no row twice, none of the old ones missed', async () => {
      const dave = await registerUser(sut, 'Dave');
      for (let index = 0; index < 12; index++) await createTask(dave, { name: `old-${index}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const url: string = `/api/v1/tasks?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const [response] = await Promise.all([
          sut.inject({ method: 'GET', url, headers: dave.auth }),
          createTask(dave, { name: `new-${inserted++}` }),
        ]);
        const body = response.json();
        seen.push(...body.tasks.map((task: { name: string }) => task.name));
        cursor = body.pagination.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (let index = 0; index < 12; index++) expect(seen).toContain(`old-${index}`);
    });
  });
});
