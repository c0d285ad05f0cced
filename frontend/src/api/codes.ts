import { useQuery } from "@tanstack/react-query";

import type { Option } from "../components/Field";
import { api, ok } from "./client";

type CodeEntry = { code: string; label: string; group?: string | null; flags?: string[] };
type CodeListsBody = { version: string; lists: Record<string, CodeEntry[]> };

/** The code lists (コード表) the services validate against, read once from intake's GET /code-lists. */
export function useCodeLists() {
  const query = useQuery({
    queryKey: ["code-lists"],
    queryFn: async () => (await ok(api.intake.GET("/code-lists"))) as unknown as CodeListsBody,
    staleTime: Infinity,
  });
  const lists = query.data?.lists ?? {};
  return {
    ...query,
    options(list: string): Option[] {
      return (lists[list] ?? []).map((c) => ({ value: c.code, label: c.label }));
    },
    /** A referral's reason: a referral_reasons code or a household issue category (both are accepted). */
    reason(code: string | null | undefined): string {
      if (!code) return "";
      const found = [...(lists.referral_reasons ?? []), ...(lists.household_issue_categories ?? [])].find((c) => c.code === code);
      return found?.label ?? code;
    },
    label(list: string, code: string | null | undefined): string {
      if (!code) return "";
      return lists[list]?.find((c) => c.code === code)?.label ?? code;
    },
  };
}
