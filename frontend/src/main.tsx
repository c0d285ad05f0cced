import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WebStorageStateStore } from "oidc-client-ts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AuthProvider } from "react-oidc-context";
import { BrowserRouter } from "react-router-dom";

import { App } from "./App";
import { ApiError } from "./api/client";
import { AuthGate } from "./auth/AuthGate";
import { loadConfig } from "./config";
import { setupI18n } from "./i18n";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a network hiccup may.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      staleTime: 5_000,
    },
  },
});

async function start() {
  setupI18n();
  const config = await loadConfig();
  const root = createRoot(document.getElementById("root")!);
  root.render(
    <StrictMode>
      <AuthProvider
        authority={config.issuer}
        client_id={config.clientId}
        redirect_uri={`${window.location.origin}/`}
        post_logout_redirect_uri={`${window.location.origin}/`}
        scope="openid"
        automaticSilentRenew
        userStore={new WebStorageStateStore({ store: window.sessionStorage })}
        onSigninCallback={() => {
          // Back from the provider: drop ?code=&state= and return to where sign-in started.
          const target = sessionStorage.getItem("tsunagu.returnTo") ?? "/";
          sessionStorage.removeItem("tsunagu.returnTo");
          if (target === "/") window.history.replaceState({}, document.title, "/");
          else window.location.replace(target); // the router starts afresh on the page sign-in began from
        }}
      >
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthGate>
              <App />
            </AuthGate>
          </BrowserRouter>
        </QueryClientProvider>
      </AuthProvider>
    </StrictMode>,
  );
}

void start();
