/**
 * One typed client per service, on the paths its OpenAPI document declares (src/api/generated,
 * made by `npm run gen:api`). nginx routes /api/<service>/ to the service, so the client only ever
 * calls the services' public HTTP APIs, with the signed-in staff member's bearer token.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths as ConferencesPaths } from "./generated/conferences";
import type { paths as DistrictsPaths } from "./generated/districts";
import type { paths as IntakePaths } from "./generated/intake";
import type { paths as LoansPaths } from "./generated/loans";
import type { paths as ReportingPaths } from "./generated/reporting";

let tokenSource: () => string | undefined = () => undefined;

/** AuthGate hands the client the current access token (renewed silently by the OIDC library). */
export function setTokenSource(source: () => string | undefined): void {
  tokenSource = source;
}

/** Why this read of personal data happens (recorded in the access log by the service). */
export const DEFAULT_PURPOSE = "support_coordination";

const bearer: Middleware = {
  onRequest({ request }) {
    const token = tokenSource();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    if (!request.headers.has("X-Purpose")) request.headers.set("X-Purpose", DEFAULT_PURPOSE);
    return request;
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

/** A refusal from a service: ``{error, message, field?, details?}`` as shared/web.py sends it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly fields: Record<string, string>;

  constructor(status: number, body: unknown) {
    const b = (typeof body === "object" && body !== null ? body : {}) as {
      error?: string;
      message?: string;
      field?: string;
      details?: { field?: string; problem?: string }[];
    };
    super(b.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = b.error ?? "error";
    this.field = b.field;
    this.fields = {};
    if (b.field) this.fields[b.field] = this.message;
    for (const d of b.details ?? []) {
      if (d.field && d.problem) this.fields[d.field.replace(/^(query|path|header)\./, "")] = d.problem;
    }
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
