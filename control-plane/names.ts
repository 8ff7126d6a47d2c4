/**
 * Name rules for blueprints and projects: BDA's pattern (^[a-zA-Z0-9-_]+$, 1–128 characters), and a name is
 * unique within a tenant — except that the same create retried with the same client token gets the first
 * record back (CreateBlueprint and CreateDataAutomationProject are idempotent on it).
 */
import { ResourceName } from '../schemas/control-plane.ts';
import { BdaError, validationError } from '../schemas/errors.ts';

type Kind = 'blueprint' | 'project';

export function checkName(kind: Kind, name: string): void {
  const r = ResourceName.safeParse(name);
  if (!r.success) throw validationError(`${kind}Name: ${r.error.issues[0]?.message ?? 'invalid name'}`, `${kind}Name`);
}

/**
 * Which record a create with this name and token stands for: none (the name is free), or the one created by the
 * same request earlier (same client token). Any other record with the name is a ConflictException.
 */
export function sameCreate<T extends { clientToken?: string }>(
  kind: Kind,
  name: string,
  holder: T | undefined,
  clientToken: string | undefined,
): T | undefined {
  if (!holder) return undefined;
  if (clientToken && holder.clientToken === clientToken) return holder;
  throw new BdaError('ConflictException', `a ${kind} named ${name} already exists`);
}
