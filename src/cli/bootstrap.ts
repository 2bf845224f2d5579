import type { Db } from '../db/knex.ts';
import { bodyValidator } from '../http/validation.ts';
import { toAgency, upsertAgencies } from '../identity/repository.ts';
import { AgencyCreate, UserCreate } from '../identity/schemas.ts';
import { createUserWithToken } from '../identity/service.ts';
import { cliAudit } from './context.ts';

export interface BootstrapOptions {
  agencyCode: string;
  agencyName: string;
  country: string;
  region: string;
  adminEmail: string;
  adminName: string;
}

const validateAgency = bodyValidator(AgencyCreate);
const validateUser = bodyValidator(UserCreate);

/** Creates (or reuses, by code) the first agency and an admin in it; returns the admin's token. */
export async function bootstrap(db: Db, options: BootstrapOptions): Promise<{ agencyId: string; token: string }> {
  const agencyBody = {
    code: options.agencyCode,
    name: options.agencyName,
    country: options.country,
    region: options.region,
  };
  validateAgency(agencyBody);
  return db.transaction(async (trx) => {
    const [row] = await upsertAgencies(trx, [agencyBody]);
    const agency = toAgency(row!);
    const userBody = {
      name: options.adminName,
      email: options.adminEmail,
      role: 'admin' as const,
      agencyId: agency.id,
    };
    validateUser(userBody);
    const { token } = await createUserWithToken(trx, userBody, (inner, user) =>
      cliAudit(inner, 'user.created', 'user', user.id),
    );
    return { agencyId: agency.id, token };
  });
}
