/**
 * Scenario 1's HTTP floor: the least an approval over HTTP can do — a Fastify route on loopback
 * that looks up the caller's bearer token (the product's own `actorForToken`, one statement) and
 * sends the decision as an Update to a projection-floor workflow (`bareApprovalWithRecord`: one
 * durable audit record, then the answer). No XState, no Task or Decision rows, no parent, no
 * validation beyond the token. What is left between it and our route is our own work.
 */
import Fastify from 'fastify';
import { actorForToken } from '../../src/auth/tokens';
import type { TApprovalActCommand } from '../../workflows/messages/approval-step';
import { bareApproveUpdate } from '../baseline-workflows';
import { benchRequestId } from './api';
import type { TStack } from './services';

export interface TFloorHttp {
  /** One decision on a floor workflow, as the approver whose token this is. */
  decide: (workflowId: string, token: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function startFloorHttp(stack: TStack): Promise<TFloorHttp> {
  const app = Fastify({ logger: false });
  app.post<{ Params: { workflowId: string }; Body: { requestId: string; comment: string } }>('/floor/:workflowId', async (req, reply) => {
    const header = req.headers.authorization ?? '';
    const actor = header.startsWith('Bearer ') ? await actorForToken(stack.appPrisma, header.slice(7)) : null;
    if (!actor) return reply.code(401).send({ error: { code: 'UNAUTHENTICATED' } });
    const { workflowId } = req.params;
    const cmd: TApprovalActCommand = {
      requestId: req.body.requestId,
      taskId: `${workflowId}:t1`,
      actor,
      action: { type: 'APPROVE', comment: req.body.comment },
      comment: req.body.comment,
    };
    return stack.client.workflow.getHandle(workflowId).executeUpdate(bareApproveUpdate, { args: [cmd], updateId: `${actor.userId}:${req.body.requestId}` });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    decide: async (workflowId, token) => {
      const res = await fetch(`${base}/floor/${encodeURIComponent(workflowId)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ requestId: benchRequestId('bench-fh'), comment: '材料齐全' }),
      });
      const body = (await res.json()) as { phaseAfter?: string };
      if (res.status !== 200 || body.phaseAfter !== 'approved') throw new Error(`HTTP floor answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
    },
    close: () => app.close(),
  };
}
