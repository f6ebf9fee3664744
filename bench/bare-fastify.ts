import { createSecretKey } from 'node:crypto';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { verify } from 'jsonwebtoken';
import { Pool } from 'pg';

/**
 * The hand-written baseline for `GET /api/v1/tasks`: bare Fastify doing the same work Runcell
 * does for a page of tasks, and nothing else. The bearer token is verified with the same claims
 * pinned (HS256, issuer, audience, expiry, then type/sub/jti), the `jti` is checked against the
 * same Redis deny-list key, the user is loaded by id and the page is one keyset query with `pg`,
 * answered as the same JSON (snake_case task fields and the pagination block).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const PAGE_SIZE = 20;
const key = createSecretKey(Buffer.from(env('JWT_SECRET'), 'utf8'));
const issuer = process.env.JWT_ISSUER ?? 'runcell';
const audience = process.env.JWT_AUDIENCE ?? 'runcell-api';
const denylistPrefix = `${env('QUEUE_PREFIX')}:auth:denied-jti:`;
const redis = new Redis(env('REDIS_URL'), { lazyConnect: false });
const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 10 });

// The statements Runcell runs (UsersRepository.findAccountById, TasksRepository.page).
const USER_QUERY = 'SELECT id, email, name, role, created_at FROM users WHERE id = $1';
const PAGE_QUERY = `SELECT id, user_id, name, description, script_content, script_type, priority,
  timeout_seconds, memory_mb, cpus, metadata, status, created_at, updated_at, last_execution_id
  FROM tasks WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`;

interface TaskRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

function unauthorized(reply: FastifyReply) {
  return reply.status(401).send({ error: 'invalid_token' });
}

async function listTasks(request: FastifyRequest, reply: FastifyReply) {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return unauthorized(reply);
  let payload: Record<string, unknown>;
  try {
    payload = verify(header.slice('Bearer '.length), key, {
      algorithms: ['HS256'],
      issuer,
      audience,
    }) as Record<string, unknown>;
  } catch {
    return unauthorized(reply);
  }
  const { sub, jti, type, iat, exp } = payload;
  if (type !== 'access' || typeof sub !== 'string' || typeof jti !== 'string') {
    return unauthorized(reply);
  }
  if (!Number.isInteger(iat) || !Number.isInteger(exp)) return unauthorized(reply);
  if ((await redis.exists(denylistPrefix + jti)) === 1) return unauthorized(reply);
  const user = await pool.query(USER_QUERY, [sub]);
  if (user.rowCount === 0) return unauthorized(reply);
  const { rows } = await pool.query<TaskRow>(PAGE_QUERY, [sub, PAGE_SIZE + 1]);
  const items = rows.slice(0, PAGE_SIZE);
  return {
    tasks: items.map((row) => ({
      id: row.id,
      user_id: row.user_id,
      name: row.name,
      description: row.description,
      script_content: row.script_content,
      script_type: row.script_type,
      priority: row.priority,
      timeout_seconds: row.timeout_seconds,
      memory_mb: row.memory_mb,
      cpus: row.cpus,
      metadata: row.metadata,
      status: row.status,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      last_execution_id: row.last_execution_id,
    })),
    // A full page of exactly 20 rows has no next page here; Runcell signs a cursor otherwise.
    pagination: { limit: PAGE_SIZE, has_more: rows.length > PAGE_SIZE, next_cursor: null },
  };
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/api/v1/tasks', listTasks);
  app.get('/ready', () => ({ status: 'ok' }));
  await app.listen({ host: '127.0.0.1', port: Number(env('BARE_PORT')) });
}

void main();
