import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "react-oidc-context";

import { setTokenSource } from "../api/client";
import { staffFromToken, type Staff } from "./staff";
import { StaffContext } from "./useStaff";

/** Shows the sign-in screen until the provider has signed the staff member in, then the app. */
export function AuthGate({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const { t } = useTranslation();
  const token = auth.user?.access_token;
  setTokenSource(() => auth.user?.access_token);
  const staff: Staff | null = staffFromToken(token);

  if (auth.isLoading || auth.activeNavigator) {
    return (
      <main className="signin" aria-busy="true">
        <p role="status">{t("auth.loading")}</p>
      </main>
    );
  }
  if (!auth.isAuthenticated || !staff) {
    return (
      <main className="signin">
        <h1>{t("app.name")}</h1>
        <p>{t("auth.prompt")}</p>
        {auth.error && <p role="alert" className="error">{t("auth.failed", { message: auth.error.message })}</p>}
        {auth.isAuthenticated && !staff && <p role="alert" className="error">{t("auth.noRole")}</p>}
        <button
          type="button"
          onClick={() => {
            sessionStorage.setItem("tsunagu.returnTo", window.location.pathname + window.location.search);
            void auth.signinRedirect();
          }}
        >
          {t("auth.signIn")}
        </button>
      </main>
    );
  }
  return <StaffContext.Provider value={staff}>{children}</StaffContext.Provider>;
}
