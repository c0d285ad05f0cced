import type { Shape } from "../shape";

/** 会議の画面: the conferences desk's screens. Japanese first; the English below has the same keys. */
export const conferencesJa = {
  title: "会議の画面",
};

export const conferencesEn: Shape<typeof conferencesJa> = {
  title: "The conferences desk's screens",
};
