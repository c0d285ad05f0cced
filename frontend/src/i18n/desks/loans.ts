import type { Shape } from "../shape";

/** 生活福祉資金の画面: the loans desk's screens. Japanese first; the English below has the same keys. */
export const loansJa = {
  title: "生活福祉資金の画面",
};

export const loansEn: Shape<typeof loansJa> = {
  title: "The loans desk's screens",
};
