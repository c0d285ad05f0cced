/**
 * One typed client per service, on the paths its OpenAPI document declares (src/api/generated,
 * made by `npm run gen:api`). nginx routes /api/<service>/ to the service, so the client only ever
 * calls the services' public HTTP APIs, with the signed-in staff member's bearer token.
 */
import i18n from "i18next";
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths as ConferencesPaths } from "./generated/conferences";
import type { paths as DistrictsPaths } from "./generated/districts";
import type { components, paths as IntakePaths } from "./generated/intake";
import type { paths as LoansPaths } from "./generated/loans";
import type { paths as ReportingPaths } from "./generated/reporting";

let tokenSource: () => string | undefined = () => undefined;

/** AuthGate hands the client the current access token (renewed silently by the OIDC library). */
export function setTokenSource(source: () => string | undefined): void {
  tokenSource = source;
}

/** Why this read of personal data happens (recorded in the access log by the service). */
export const DEFAULT_PURPOSE = "support_coordination";

/** No answer came at all (the network, or the service is down): fetch() itself failed. */
export class Unreachable extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "Unreachable";
  }
}

const bearer: Middleware = {
  onRequest({ request }) {
    const token = tokenSource();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    if (!request.headers.has("X-Purpose")) request.headers.set("X-Purpose", DEFAULT_PURPOSE);
    return request;
  },
  onError({ error }) {
    return new Unreachable(error);
  },
};

function client<Paths extends {}>(service: string): Client<Paths> {
  const made = createClient<Paths>({ baseUrl: `/api/${service}` });
  made.use(bearer);
  return made;
}

export const api = {
  intake: client<IntakePaths>("intake"),
  loans: client<LoansPaths>("loans"),
  districts: client<DistrictsPaths>("districts"),
  conferences: client<ConferencesPaths>("conferences"),
  reporting: client<ReportingPaths>("reporting"),
};

export type ServiceName = keyof typeof api;

/** Every service's refusal body, as its OpenAPI document declares it (shared/refusals.py ErrorBody). */
export type ErrorBody = components["schemas"]["ErrorBody"];
export type ErrorDetail = components["schemas"]["ErrorDetail"];

/** A refusal's values as the screens show them: days as 2026/10/01 (a day or a JST minute). */
function shown(ctx: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(ctx).map(([key, value]) => [
      key,
      typeof value === "string" && /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(value) ? value.replaceAll("-", "/") : value,
    ]),
  );
}

/**
 * One field's problem in the staff member's language: pydantic's error ``type`` with its ``ctx``
 * (``errors.validation.<type>``), or the service's English text where the catalogue has no entry.
 */
export function problemText(detail: ErrorDetail): string {
  const ctx = detail.ctx ?? {};
  // "at least 1 character / item" is simply "required".
  const key =
    detail.type === "string_too_short" && ctx.min_length === 1
      ? "missing"
      : detail.type === "too_short" && ctx.min_length === 1
        ? "too_short_one"
        : detail.type;
  return i18n.t(`errors.validation.${key}`, {
    ...shown(ctx),
    defaultValue: i18n.t("errors.validation.other", { problem: detail.problem }),
  });
}

/**
 * A domain refusal in the staff member's language: its ``reason`` (``errors.domain.<reason>``, see
 * shared/errors.py REASONS) with its ``ctx``; a refusal without one keeps the service's words.
 */
function refusalText(
  reason: string | null | undefined,
  ctx: Record<string, unknown> | null | undefined,
  message: string,
): string {
  const fallback = i18n.t("errors.validation.other", { problem: message });
  return reason ? i18n.t(`errors.domain.${reason}`, { ...shown(ctx ?? {}), defaultValue: fallback }) : fallback;
}

/** A refusal from a service: ``{error, message, field?, details?}`` as shared/refusals.py sends it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly details: readonly ErrorDetail[];
  readonly reason: string | undefined;
  readonly ctx: Record<string, string | number>;

  constructor(status: number, body: unknown) {
    const b = (typeof body === "object" && body !== null ? body : {}) as Partial<ErrorBody>;
    super(b.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = b.error ?? "error";
    this.field = b.field ?? undefined;
    this.details = b.details ?? [];
    this.reason = b.reason ?? undefined;
    this.ctx = b.ctx ?? {};
  }

  /** What to fix, in the language chosen now (the service's English when it gave no reason). */
  get explanation(): string {
    return this.reason ? refusalText(this.reason, this.ctx, this.message) : this.message;
  }

  /** Per field, what to fix (read at render time, so in the language chosen now). */
  get fields(): Record<string, string> {
    const fields: Record<string, string> = {};
    if (this.field) fields[this.field] = refusalText(this.reason, this.ctx, this.message);
    for (const d of this.details) {
      if (d.field) fields[d.field.replace(/^(query|path|header)\./, "")] = problemText(d);
    }
    return fields;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

/** The data of a call, or an ApiError carrying the service's message (for the screen to show). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw new ApiError(response.status, error);
  return data;
}
