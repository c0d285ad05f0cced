/**
 * Client-side checks from the server's own schema (src/api/generated/rules.ts): a form input gets
 * the same required / maxLength / minLength / pattern / min / max as the service validates with,
 * so most mistakes are caught before sending; the server's 4xx message still has the last word.
 */
import { RULES } from "./generated/rules";

type Rule = {
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
};

export type InputRules = {
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  min?: number;
  max?: number;
};

export function rulesOf(service: keyof typeof RULES, schema: string, field: string): InputRules {
  const schemas = RULES[service] as unknown as Record<string, Record<string, Rule>>;
  const rule = schemas[schema]?.[field];
  if (!rule) return {};
  const out: InputRules = {};
  if (rule.required) out.required = true;
  if (rule.maxLength !== undefined) out.maxLength = rule.maxLength;
  if (rule.minLength !== undefined) out.minLength = rule.minLength;
  if (rule.pattern !== undefined) out.pattern = rule.pattern;
  if (rule.minimum !== undefined) out.min = rule.minimum;
  if (rule.maximum !== undefined) out.max = rule.maximum;
  return out;
}

export function enumOf(service: keyof typeof RULES, schema: string, field: string): readonly string[] {
  const schemas = RULES[service] as unknown as Record<string, Record<string, Rule>>;
  return schemas[schema]?.[field]?.enum ?? [];
}
