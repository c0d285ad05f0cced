import { useQuery } from "@tanstack/react-query";

import { api, ok } from "../../api/client";
import type { Option } from "../../components/Field";

/** Every area (圏域) of the city, in tree order: one request (and one cache entry) that every
 *  screen's names, choices and forms share, whichever of them asks first. */
export function useAreas() {
  return useQuery({
    queryKey: ["district-areas", ""],
    queryFn: () => ok(api.districts.GET("/areas", { params: { query: { limit: 500 } } })),
    staleTime: 60_000,
  });
}

/** The areas as select options; `kind` narrows them (district_council: the districts). */
export function useAreaOptions(kind?: "city" | "daily_life" | "district_council" | "community_care"): Option[] {
  const items = useAreas().data?.items ?? [];
  return items.filter((a) => !kind || a.kind === kind).map((a) => ({ value: a.area_id, label: `${a.name}（${a.area_id}）` }));
}

/** An area's (or district's) name by its code. */
export function useAreaNames(): (id: string) => string {
  const names = new Map((useAreas().data?.items ?? []).map((a) => [a.area_id, a.name]));
  return (id: string) => names.get(id) ?? id;
}

/** The options with ``value`` kept as one of them (by its code) when it is set and not among them:
 *  a record's district that is not (or no longer) a defined area still shows, and is sent unchanged. */
export function withCurrent(options: Option[], value: string): Option[] {
  return !value || options.some((o) => o.value === value) ? options : [...options, { value, label: value }];
}
