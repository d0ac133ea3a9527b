// SVC host objects stand for managed systems. Which host object is which system is a naming
// convention, `storage.hostNameTemplate`: "{system}" (one host object per managed system, the
// default) or, for vSCSI through host objects per VIOS, something like "{system}_{vios}".

import { AdapterError } from "../../errors";

export interface HostIdentity {
  readonly system: string;
  readonly vios?: string;
}

export class HostNaming {
  private readonly pattern: RegExp;
  readonly perVios: boolean;

  constructor(readonly template: string) {
    if (!template.includes("{system}")) throw new RangeError(`\`storage.hostNameTemplate\` must contain {system}, got ${JSON.stringify(template)}`);
    this.perVios = template.includes("{vios}");
    const source = template
      .split(/(\{system\}|\{vios\})/)
      .map((part) => (part === "{system}" ? "(?<system>.+?)" : part === "{vios}" ? "(?<vios>.+?)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    this.pattern = new RegExp(`^${source}$`);
  }

  /** The literal start of every host object name the convention gives ("" for "{system}"). */
  get namePrefix(): string {
    return this.template.slice(0, this.template.search(/\{system\}|\{vios\}/));
  }

  /** The host object name for a managed system (and VIOS, when host objects are per VIOS). */
  hostFor(system: string, vios: string | undefined, operation: string, volume: string): string {
    if (this.perVios && !vios) {
      throw new AdapterError("fatal", operation, volume, `host objects are named per VIOS (\`storage.hostNameTemplate\` is ${JSON.stringify(this.template)}) but the request names no VIOS`);
    }
    return this.template.replace("{system}", system).replace("{vios}", vios ?? "");
  }

  /** The system (and VIOS) a host object stands for, or undefined when its name does not follow the convention. */
  parse(hostName: string): HostIdentity | undefined {
    const m = this.pattern.exec(hostName);
    if (!m?.groups) return undefined;
    return m.groups.vios !== undefined ? { system: m.groups.system, vios: m.groups.vios } : { system: m.groups.system };
  }
}
