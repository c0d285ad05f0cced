/** The sign-in settings the server hands out at /config.json (written by deploy/web for each run). */
export interface RuntimeConfig {
  /** The OpenID Connect issuer (the council's Keycloak realm). */
  issuer: string;
  /** The public client of the staff screens (Authorization Code + PKCE). */
  clientId: string;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json: ${response.status}`);
  const config = (await response.json()) as Partial<RuntimeConfig>;
  if (!config.issuer || !config.clientId) throw new Error("/config.json lacks issuer or clientId");
  return { issuer: config.issuer, clientId: config.clientId };
}
