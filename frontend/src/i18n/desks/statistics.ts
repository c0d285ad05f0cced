import type { Shape } from "../shape";

/** 統計・集計の画面: reporting's statistics screens. Japanese first; the English below has the same keys. */
export const statisticsJa = {
  title: "統計・集計の画面",
};

export const statisticsEn: Shape<typeof statisticsJa> = {
  title: "Reporting's statistics screens",
};
