import type { Shape } from "../shape";

/** 総合相談の支援経過の画面（アセスメント・支援計画・同意・点検）: intake's casework screens (assessment, plan, consent, review). Japanese first; the English below has the same keys. */
export const caseworkJa = {
  title: "総合相談の支援経過の画面（アセスメント・支援計画・同意・点検）",
};

export const caseworkEn: Shape<typeof caseworkJa> = {
  title: "Intake's casework screens (assessment, plan, consent, review)",
};
