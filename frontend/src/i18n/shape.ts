/** A catalogue's shape: every language has every key (tsc checks the second language against the first). */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
