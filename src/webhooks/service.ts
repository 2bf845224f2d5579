import { audit } from '../db/audit-log.ts';
import type { Queryable } from '../db/knex.ts';
import type { RequestContext } from '../shared/actor.ts';
import { conflict, invalidField, notFound } from '../shared/problem.ts';
import { agencyExists } from '../identity/repository.ts';
import * as repo from './repository.ts';
import type { WebhookCreate, WebhookQuery } from './schemas.ts';
import { encryptSecret, newSecret } from './secrets.ts';
import { webhookUrlProblem } from './url-guard.ts';

export const MAX_WEBHOOKS_PER_AGENCY = 20;

export interface WebhookSettings {
  allowPrivateNetworks: boolean;
  secretKey: Buffer;
}

export class WebhookService {
  constructor(private readonly settings: WebhookSettings) {}

  /** The secret is in the answer to this request only; stored encrypted. */
  async create(db: Queryable, ctx: RequestContext, body: WebhookCreate) {
    const problem = await webhookUrlProblem(body.url, this.settings.allowPrivateNetworks);
    if (problem) throw invalidField('/url', problem);
    if (!(await agencyExists(db, body.agencyId))) throw invalidField('/agencyId', 'is not a known agency');
    const secret = newSecret();
    // Stored as the URL parser writes it (scheme and host lower-cased), as it will be requested.
    const normalized = { ...body, url: new URL(body.url).href };
    return db.transaction(async (trx) => {
      // Counted under the agency's row lock, so two creations at once cannot both take the last place.
      await trx('agencies').where({ id: body.agencyId }).forUpdate().first('id');
      if ((await repo.webhookCount(trx, body.agencyId)) >= MAX_WEBHOOKS_PER_AGENCY) {
        throw conflict('webhook-limit', `An agency has at most ${MAX_WEBHOOKS_PER_AGENCY} webhooks; delete one first.`);
      }
      const webhook = await repo.insertWebhook(
        trx,
        normalized,
        encryptSecret(this.settings.secretKey, secret),
        ctx.actor.id,
      );
      await audit(trx, ctx, {
        action: 'webhook.create',
        entity: 'webhook',
        entityId: webhook.id,
        details: { agencyId: body.agencyId, url: webhook.url, events: body.events },
      });
      return { ...webhook, secret };
    });
  }

  list(db: Queryable, query: WebhookQuery) {
    return repo.listWebhooks(db, query, query.limit ?? 50);
  }

  async get(db: Queryable, id: string) {
    const found = await repo.findWebhook(db, id);
    if (!found) throw notFound('Webhook');
    const { secretEncrypted: _secret, ...webhook } = found;
    return webhook;
  }

  async remove(db: Queryable, ctx: RequestContext, id: string): Promise<void> {
    await db.transaction(async (trx) => {
      if (!(await repo.deleteWebhook(trx, id))) throw notFound('Webhook');
      await audit(trx, ctx, { action: 'webhook.delete', entity: 'webhook', entityId: id });
    });
  }

  /** Sends a `ping` to this webhook only (through the outbox, like every event). */
  async test(db: Queryable, id: string): Promise<{ eventId: string }> {
    return { eventId: await repo.insertPing(db, await this.get(db, id)) };
  }

  async deliveries(db: Queryable, id: string, limit: number, cursor?: string) {
    await this.get(db, id);
    return repo.listDeliveries(db, id, limit, cursor);
  }
}
