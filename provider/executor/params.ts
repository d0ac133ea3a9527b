// Reading a step's params: each reader names the parameter, says what is allowed and throws a
// ValidationError the run collects for all steps before it starts.

import { ValidationError } from "../errors";
import type { Step } from "../generated/plan";
import { show } from "../validation";
import { paramIssue } from "./registry";

function fail(step: Step, name: string, problem: string, fix: string): never {
  throw new ValidationError(`plan step ${step.id}`, [paramIssue(step, name, problem, fix)]);
}

function raw(step: Step, name: string): unknown {
  return (step.params as Record<string, unknown> | undefined)?.[name];
}

/** A non-empty string param, else `fallback`, else a ValidationError. */
export function stringParam(step: Step, name: string, fallback?: string | null): string {
  const value = raw(step, name);
  if (value === undefined || value === null) {
    if (fallback !== undefined && fallback !== null) return fallback;
    fail(step, name, "is missing", "the planner must set it (a non-empty string id)");
  }
  if (typeof value !== "string" || value.length === 0) fail(step, name, `is ${show(value)}`, "it must be a non-empty string");
  return value;
}

export function optionalStringParam(step: Step, name: string): string | undefined {
  const value = raw(step, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) fail(step, name, `is ${show(value)}`, "it must be a non-empty string or absent");
  return value;
}

export function enumParam<T extends string>(step: Step, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(step, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    fail(step, name, `is ${show(value)}`, `allowed: ${allowed.map((a) => `"${a}"`).join(", ")}`);
  }
  return value as T;
}

export function booleanParam(step: Step, name: string, fallback: boolean): boolean {
  const value = raw(step, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") fail(step, name, `is ${show(value)}`, "it must be true or false");
  return value;
}

export function positiveNumberParam(step: Step, name: string, fallback: number): number {
  const value = raw(step, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) fail(step, name, `is ${show(value)}`, "it must be a number > 0");
  return value;
}

/** An array of strings param, else `fallback`. `nonEmpty` refuses []. */
export function stringArrayParam(step: Step, name: string, fallback?: readonly string[], nonEmpty = false): string[] {
  const value = raw(step, name);
  if (value === undefined || value === null) {
    if (fallback !== undefined) return [...fallback];
    fail(step, name, "is missing", "the planner must set it (an array of strings)");
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0)) {
    fail(step, name, `is ${show(value)}`, "it must be an array of non-empty strings");
  }
  if (nonEmpty && value.length === 0) fail(step, name, "is empty", "give at least one element");
  return value as string[];
}

/** The LPAR a step concerns (`step.lpar`), which LPAR steps must name. */
export function lparOf(step: Step): string {
  if (step.lpar) return step.lpar;
  throw new ValidationError(`plan step ${step.id}`, [
    { path: `steps[${step.id}].lpar`, message: `\`steps[${JSON.stringify(step.id)}].lpar\` is missing: ${step.kind} acts on one LPAR; the planner must name it` },
  ]);
}
