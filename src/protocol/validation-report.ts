/**
 * What the validation-report view draws (JSON). The full report type is src/core/validate's
 * ValidationReport; this is the part a view needs, so the renderer does not depend on core.
 * Non-finite numbers arrive as null (JSON has none).
 */
export interface OutputRow {
  name: string;
  status: 'pass' | 'fail' | 'missing' | 'extra';
  reason?: string;
  actual?: { dtype: string; dims: number[] };
  golden?: { dtype: string; dims: number[] };
  tolerance: { atol: number; rtol: number };
  elements: number;
  mismatches: number;
  mismatchPct: number;
  maxAbsError: number | null;
  maxRelError: number | null;
  cosine: number | null;
  minAtol: number | null;
  minRtol: number | null;
}

export interface CaseRow {
  name: string;
  status: 'pass' | 'fail' | 'error';
  error?: string;
  ms: number;
  outputs: OutputRow[];
}

export interface ValidationReportView {
  model: string;
  golden: string;
  status: 'pass' | 'fail' | 'error';
  error?: string;
  counts: { pass: number; fail: number; error: number };
  cases: CaseRow[];
  ms: number;
}
