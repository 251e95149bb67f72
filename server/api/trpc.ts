// tRPC setup: context (a Principal from the session cookie or a Bearer API key), superjson, one
// error-mapping middleware, and the procedure ladder public -> authed -> analyst -> admin. Handlers
// below the ladder never re-check roles.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { hasRole } from '../auth/roles';
import { isOperator } from '../auth/visibility';
import type { Role, Principal } from '../contracts/principal';
import type { Runtime } from '../runtime';
import { issuesOf, mapDomainError } from './errors';

export interface Context {
  runtime: Runtime;
  principal: Principal | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Validation issues travel to the client so forms can show the message next to the field.
    const issues = issuesOf(error.cause);
    return { ...shape, data: { ...shape.data, stack: undefined, issues } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** next() resolves to { ok: false } instead of throwing: inspect the result, do not try/catch it. */
const mapErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok) {
    const mapped = mapDomainError(res.error.cause ?? res.error);
    if (mapped) return { ...res, error: mapped };
  }
  return res;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** The only procedures a session with an admin-set temporary password may call. */
const PASSWORD_CHANGE_PATHS = new Set(['account.me', 'account.changePassword']);

export const authedProcedure = publicProcedure.use(({ ctx, next, path }) => {
  if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in or send an API key.' });
  if (ctx.principal.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(path)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Choose a new password first (your account has a temporary password).' });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

function roleProcedure(role: Role) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.principal.role, role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${role} role; you are ${ctx.principal.role}.` });
    }
    // Analyst and admin procedures read or change the whole installation: not for another tenant's key.
    if (!isOperator(ctx.principal)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `API keys of tenant "${ctx.principal.tenant}" see only their own tenant; this needs a console session or a key of the default tenant.` });
    }
    return next();
  });
}

export const analystProcedure = roleProcedure('analyst');
export const adminProcedure = roleProcedure('admin');
