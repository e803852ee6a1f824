import type { CellLanguage, CellError, OutputItem } from '../protocol/kernel';
export interface CellCallbacks {
    stream?(name: 'stdout' | 'stderr', text: string): void;
    display?(items: OutputItem[]): void;
}
export type CellResult = {
    ok: true;
    result?: OutputItem[];
} | {
    ok: false;
    error: CellError;
};
/** Thrown to pending cells when the kernel process ends under them. */
export declare class KernelDiedError extends Error {
    readonly exitCode: number | null;
    readonly signal: NodeJS.Signals | null;
    constructor(exitCode: number | null, signal: NodeJS.Signals | null);
}
/**
 * A kernel child process (dist/kernel.js) and the cells sent to it. Used by the notebook controller
 * and by `onnx-lab run`, so both execute notebooks the same way.
 */
export declare class KernelClient {
    private readonly child;
    private readonly pending;
    private nextId;
    private exited;
    readonly ready: Promise<number>;
    readonly exit: Promise<KernelDiedError>;
    constructor(kernelScript: string, notebookDir: string, opts?: {
        env?: NodeJS.ProcessEnv;
        memoryLimitMb?: number;
    });
    get pid(): number | undefined;
    get alive(): boolean;
    execute(code: string, language: CellLanguage, callbacks?: CellCallbacks): Promise<CellResult>;
    /**
     * Stops the running cell: first by asking (a cell waiting on a promise ends, state kept), then,
     * if it has not ended within `graceMs` (a busy loop), by killing the process. Resolves with how.
     */
    interrupt(graceMs?: number): Promise<'interrupted' | 'killed' | 'idle'>;
    /** Ends the process; pending cells fail with KernelDiedError. */
    kill(): void;
    dispose(): void;
    private send;
    private current;
    private onMessage;
}
