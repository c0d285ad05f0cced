import { useQuery } from "@tanstack/react-query";

import { api, ok } from "../../api/client";
import type { Option } from "../../components/Field";

/** The areas (圏域) as select options; `kind` narrows them (district_council: the districts). */
export function useAreaOptions(kind?: "city" | "daily_life" | "district_council" | "community_care"): Option[] {
  const query = useQuery({
    queryKey: ["district-areas", kind ?? ""],
    queryFn: () => ok(api.districts.GET("/areas", { params: { query: kind ? { kind } : {} } })),
    staleTime: 60_000,
  });
  return (query.data?.items ?? []).map((a) => ({ value: a.area_id, label: `${a.name}（${a.area_id}）` }));
}

/** An area's (or district's) name by its code. */
export function useAreaNames(): (id: string) => string {
  const query = useQuery({
    queryKey: ["district-areas", ""],
    queryFn: () => ok(api.districts.GET("/areas", { params: { query: {} } })),
    staleTime: 60_000,
  });
  const names = new Map((query.data?.items ?? []).map((a) => [a.area_id, a.name]));
  return (id: string) => names.get(id) ?? id;
}

/** The options with ``value`` kept as one of them (by its code) when it is set and not among them:
 *  a record's district that is not (or no longer) a defined area still shows, and is sent unchanged. */
export function withCurrent(options: Option[], value: string): Option[] {
  return !value || options.some((o) => o.value === value) ? options : [...options, { value, label: value }];
}
