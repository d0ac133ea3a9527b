// Where the hardware adapters write what an operator must see (warnings) and what helps debugging.
// Every message passes through the adapter's Secrets before it gets here.

export interface AdapterLog {
  warn(message: string): void;
  debug(message: string): void;
}

/** Warnings always go to stderr; debug lines only with VMR_DEBUG set. */
export const stderrLog: AdapterLog = {
  warn(message: string): void {
    process.stderr.write(`vmr: warning: ${message}\n`);
  },
  debug(message: string): void {
    if (process.env.VMR_DEBUG) process.stderr.write(`vmr: ${message}\n`);
  },
};
