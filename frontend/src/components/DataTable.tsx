import type { ReactNode } from "react";

/** A column heading; `num` right-aligns a column of counts. */
export type Column = string | { label: string; num?: boolean };

/** A data table the same on every screen: the column headings, then one row a record (`row`
 * writes the `<tr>` with its key and data attributes). Labelled by a heading's id or a caption
 * (`hiddenCaption` keeps the caption for screen readers only). */
export function DataTable<T>({
  columns,
  items,
  row,
  labelledBy,
  caption,
  hiddenCaption,
  testId,
}: {
  columns: readonly Column[];
  items: readonly T[];
  row: (item: T, n: number) => ReactNode;
  labelledBy?: string;
  caption?: string;
  hiddenCaption?: boolean;
  testId?: string;
}) {
  return (
    <table className="data" aria-labelledby={labelledBy} data-testid={testId}>
      {caption && <caption className={hiddenCaption ? "visually-hidden" : undefined}>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => {
            const { label, num } = typeof c === "string" ? { label: c, num: false } : c;
            return (
              <th key={label} scope="col" className={num ? "num" : undefined}>
                {label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>{items.map(row)}</tbody>
    </table>
  );
}

/** A titled list of records: a heading that labels the table, or the empty text when there is none. */
export function TitledTable<T>({
  id,
  title,
  empty,
  ...table
}: {
  id: string;
  title: string;
  empty: string;
  columns: readonly Column[];
  items: readonly T[];
  row: (item: T, n: number) => ReactNode;
  testId?: string;
}) {
  return (
    <>
      <h2 id={id}>{title}</h2>
      {table.items.length ? <DataTable labelledBy={id} {...table} /> : <p className="empty">{empty}</p>}
    </>
  );
}
