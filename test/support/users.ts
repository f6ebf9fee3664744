import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';

export interface TestUser {
  id: string;
  email: string;
  token: string;
  auth: { authorization: string };
}

/** Registers a fresh user through the API and returns its access token. */
export async function registerUser(
  app: NestFastifyApplication,
  name = 'Test User',
): Promise<TestUser> {
  const email = `user-${randomBytes(6).toString('hex')}@example.com`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password: 'correct horse battery staple', name },
  });
  if (response.statusCode !== 201)
    throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const body = response.json<{ access_token: string; user: { id: string } }>();
  return {
    id: body.user.id,
    email,
    token: body.access_token,
    auth: { authorization: `Bearer ${body.access_token}` },
  };
}
