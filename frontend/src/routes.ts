import { lazy, type ComponentType, type LazyExoticComponent } from "react";

/**
 * The other desks' screens, loaded when first opened (so the first screen's JavaScript stays small).
 * Each desk's module exports its pages; add a desk's routes here.
 */
export const DESK_ROUTES: { path: string; page: LazyExoticComponent<ComponentType> }[] = [
  { path: "/loans/*", page: lazy(() => import("./pages/loans/index")) },
  { path: "/districts/*", page: lazy(() => import("./pages/districts/index")) },
  { path: "/conferences/*", page: lazy(() => import("./pages/conferences/index")) },
  { path: "/reporting/*", page: lazy(() => import("./pages/reporting/index")) },
];
