// A gate in front of the adapters a drill's executor uses. When the drill is interrupted (Ctrl-C)
// the gate closes: every new adapter call fails at once with a fatal error, so the executor starts
// nothing more and its run ends as soon as the calls already under way return. The drill's own
// cleanup then runs through the ungated adapters.

import type { Adapters } from "../adapters";
import { AdapterError } from "../errors";

/** Calls that only read: they stay open so the executor can still look at the world. */
const READS: ReadonlySet<string> = new Set(["inventory", "getLpar", "limits", "close", "validateRemoteRestart", "waitUntilRunning"]);

export class AdapterGate {
  private reason: string | undefined;

  get closed(): boolean {
    return this.reason !== undefined;
  }

  close(reason: string): void {
    this.reason ??= reason;
  }

  /** Adapters that refuse every new change once the gate is closed. */
  wrap(adapters: Adapters): Adapters {
    return { compute: this.guard(adapters.compute), storage: this.guard(adapters.storage) };
  }

  private guard<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== "function" || typeof prop !== "string" || READS.has(prop)) return typeof value === "function" ? value.bind(obj) : value;
        return (...args: unknown[]) => {
          if (this.reason !== undefined) {
            const objectId = typeof args[0] === "string" ? args[0] : "-";
            return Promise.reject(new AdapterError("fatal", prop, objectId, `not started: ${this.reason}`));
          }
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  }
}
