/**
 * Errors with a BDA error type. The API turns them into BDA's wire errors (status + __type + message);
 * activities turn them into typed ApplicationFailures (activities/bda-error-failures.ts: bad input non-retryable).
 */
export const errorHttpStatus = {
  ValidationException: 400,
  AccessDeniedException: 403,
  /** SigV4: the key id is not one of Quarry's keys */
  UnrecognizedClientException: 403,
  /** SigV4: the signature does not match the key's secret, or its date is outside the allowed skew */
  InvalidSignatureException: 403,
  /** SigV4: the Authorization header lacks a part */
  IncompleteSignatureException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 402,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
} as const;
export type BdaErrorType = keyof typeof errorHttpStatus;

export class BdaError extends Error {
  readonly type: BdaErrorType;
  readonly fieldList?: { name: string; message: string }[];
  constructor(type: BdaErrorType, message: string, fieldList?: { name: string; message: string }[]) {
    super(message);
    this.name = type;
    this.type = type;
    this.fieldList = fieldList;
  }
  get httpStatus(): number {
    return errorHttpStatus[this.type];
  }
}

export const validationError = (message: string, field?: string) =>
  new BdaError('ValidationException', message, field ? [{ name: field, message }] : undefined);

/** The same answer for a resource that does not exist and one of another tenant (no existence oracle). */
export const notFoundError = (what: string, arn: string) =>
  new BdaError('ResourceNotFoundException', `${what} ${arn} was not found`);
