import type { Shape } from "../shape";

/** 地区の画面: the districts desk's screens. Japanese first; the English below has the same keys. */
export const districtsJa = {
  title: "地区の画面",
};

export const districtsEn: Shape<typeof districtsJa> = {
  title: "The districts desk's screens",
};
