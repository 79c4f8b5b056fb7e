import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** The OpenAPI answer of a printable document route: a whole HTML page. */
export const HTML_DOCUMENT_RESPONSE = { 200: { description: 'an HTML document', content: { 'text/html': { schema: z.string() } } } };

/**
 * Sends a printable document (公示, 书面反馈): a self-contained page that runs and loads nothing, so
 * its CSP allows only its own inline style.
 */
export function sendPrintable(reply: FastifyReply, html: string) {
  return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(html);
}
