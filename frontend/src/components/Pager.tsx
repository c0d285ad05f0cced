import { useTranslation } from "react-i18next";

/** Server-side paging: the page's rows are the service's, counted by its ``total``. */
export function Pager({
  total,
  limit,
  offset,
  onOffset,
}: {
  total: number;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
}) {
  const { t } = useTranslation();
  if (total <= limit && offset === 0) return null;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={t("pager.label")}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        {t("pager.previous")}
      </button>
      <span>{t("pager.range", { first, last, total })}</span>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        {t("pager.next")}
      </button>
    </nav>
  );
}
