import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from '@express-quote/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * onRequest hook for admin routes: `Authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed first, so the
 * constant-time comparison does not reveal the token's length either.
 */
export const requireAdminToken = (token: string) => {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      reply.header('www-authenticate', 'Bearer realm="attribution-admin"');
      throw new HttpError(401, 'unauthorized', 'a valid bearer token is required (Authorization: Bearer …)');
    }
  };
};
