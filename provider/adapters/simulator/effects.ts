// What a job does to the datacenter when it completes. Decided (and checked) when the job is
// accepted; applied at its end time by whichever process looks at the state first.

import type { ClientNetworkAdapter, HostMapping, ResolvedFlashCopyGroup, ResolvedLpar, Volume } from "../../model";

export type Effect =
  /** The LPAR is activated on the target; its OS boots for `bootMs`. */
  | { readonly type: "restart"; readonly lparId: string; readonly target: string; readonly volumes: readonly string[]; readonly bootMs: number; readonly adapters?: readonly ClientNetworkAdapter[]; readonly size?: { readonly processorUnits: number; readonly memoryGb: number } }
  | { readonly type: "powerOn"; readonly lparId: string; readonly bootMs: number }
  | { readonly type: "powerOff"; readonly lparId: string }
  /** Suspended: it keeps its definition and volumes but holds no processors or memory; resume brings it back Running. */
  | { readonly type: "suspend"; readonly lparId: string }
  | { readonly type: "resume"; readonly lparId: string }
  | { readonly type: "cleanup"; readonly lparId: string }
  | { readonly type: "move"; readonly lparId: string; readonly target: string; readonly volumes: readonly string[]; readonly adapters?: readonly ClientNetworkAdapter[] }
  | { readonly type: "createLpar"; readonly lpar: ResolvedLpar; readonly bootMs: number }
  | { readonly type: "deleteLpar"; readonly lparId: string }
  | { readonly type: "map"; readonly mapping: HostMapping }
  | { readonly type: "unmap"; readonly volumeId: string; readonly host: string }
  /** The VIOS serves the SAN-mapped vSCSI volume (attachVirtualDisk) or no longer does (detach). */
  | { readonly type: "viosDisk"; readonly volumeId: string; readonly host: string; readonly attached: boolean }
  | { readonly type: "cgFailover"; readonly groupId: string }
  | { readonly type: "cgSwitch"; readonly groupId: string; readonly primary: "master" | "aux" }
  | { readonly type: "cgStart"; readonly groupId: string; readonly primary: "master" | "aux" }
  | { readonly type: "fcCreate"; readonly group: ResolvedFlashCopyGroup; readonly targets: readonly Volume[] }
  | { readonly type: "fcDelete"; readonly groupId: string }
  /** An injected fault part way through the job (simulation.faults.midJobProbability): nothing changes, the job fails transiently. */
  | { readonly type: "fail"; readonly message: string };
