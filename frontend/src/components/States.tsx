import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import i18n from "i18next";
import { useTranslation } from "react-i18next";

import { ApiError, problemText, Unreachable } from "../api/client";

/** Loading, error and empty states of a query, the same on every screen. */
export function QueryState({
  isLoading,
  error,
  isEmpty,
  emptyText,
  children,
}: {
  isLoading: boolean;
  error: unknown;
  isEmpty?: boolean;
  emptyText?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if (isLoading) {
    return (
      <p role="status" className="loading" aria-busy="true">
        {t("state.loading")}
      </p>
    );
  }
  if (error) return <ErrorNotice error={error} />;
  if (isEmpty) return <p className="empty">{emptyText ?? t("state.empty")}</p>;
  return <>{children}</>;
}

/** A refusal or failure in words: the service's own message when it sent one. */
export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? lead(error) + `: ${explained(error)}`
      : error instanceof Unreachable // no answer came (the browser's own words would be English)
        ? t("errors.network")
        : error instanceof Error
          ? `${t("errors.generic")}: ${error.message}`
        : t("errors.generic");
  return (
    <div className="error-notice" role="alert">
      {message}
    </div>
  );
}

/**
 * A refusal that no field of the surrounding form shows beside itself (it names no field, or one the
 * form does not have): shown here instead, so that no refusal goes unseen. ``children`` says how
 * (an ErrorNotice by default; a form may offer a reload for a 409).
 */
export function Unplaced({ error, children }: { error: unknown; children?: (error: unknown) => ReactNode }) {
  const anchor = useRef<HTMLDivElement>(null);
  const [placed, setPlaced] = useState(false);
  useLayoutEffect(() => {
    // Before the browser paints: whether a field of this form now shows the refusal.
    setPlaced(error != null && anchor.current?.closest("form")?.querySelector(".field-error") != null);
  }, [error]);
  return (
    <div ref={anchor} className="unplaced">
      {error != null && !placed && (children ? children(error) : <ErrorNotice error={error} />)}
    </div>
  );
}

/** What kind of refusal: by its status, except a 409 that is not a stale version (the state forbids it). */
function lead(error: ApiError): string {
  if (error.status === 409 && error.code !== "conflict") return i18n.t("errors.stateRefused");
  return i18n.t(`errors.status.${error.status}`, { defaultValue: i18n.t("errors.generic") });
}

/** A malformed request's problems field by field in the chosen language; else the service's message. */
function explained(error: ApiError): string {
  const named = error.details.filter((d) => d.field);
  if (!named.length) return error.explanation;
  return named
    .map((d) => {
      const last = d.field.split(".").filter((part) => !/^\d+$/.test(part)).pop() ?? d.field;
      return `${i18n.t(`fields.${last}`, { defaultValue: d.field })}: ${problemText(d)}`;
    })
    .join("、");
}

/** Fields a service withheld (redacted): said plainly, never shown as empty. */
export function Redacted({ fields, reason }: { fields: readonly string[]; reason?: string }) {
  const { t } = useTranslation();
  if (!fields.length) return null;
  return (
    <p className="redacted-note">
      <strong>{t("redaction.label")}</strong>{" "}
      {fields.map((f) => t(`fields.${f}`, { defaultValue: f })).join("、")}
      {" — "}
      {reason ?? t("redaction.reason")}
    </p>
  );
}

export function Withheld() {
  const { t } = useTranslation();
  return <span className="withheld">{t("redaction.label")}</span>;
}
