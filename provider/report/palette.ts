// One colour per step kind, shared by the Gantt chart and its legend. Hues follow the phases:
// fencing brown, replication purple, storage mapping orange, restart blue, checks green, tidying grey.

export const KIND_COLOURS: Readonly<Record<string, string>> = {
  FenceSourceLpar: "#8c6d31",
  ShutdownLpar: "#b5739d",
  FailoverConsistencyGroup: "#7b4fb0",
  SwitchConsistencyGroup: "#9c7fc8",
  ReverseReplication: "#bcb3da",
  CreateFlashCopyGroup: "#7b4fb0",
  DetachVirtualDisk: "#f7cf9c",
  UnmapSourceVolume: "#f2b36b",
  MapReplicaVolume: "#e8740c",
  AttachVirtualDisk: "#b35806",
  RestartLpar: "#2b6cb0",
  StartDrillLpar: "#2b6cb0",
  VerifyLpar: "#2f9e44",
  RunHook: "#1aa3b5",
  CleanupSourceLpar: "#a8a8a8",
  DeleteDrillLpar: "#a8a8a8",
  DeleteFlashCopyGroup: "#c9c0b4",
};

const FALLBACK = "#6c757d";

/** Stacking order in aggregated lanes: the order work happens in a failover. */
export const KIND_ORDER: readonly string[] = Object.keys(KIND_COLOURS);

export function colourOf(kind: string): string {
  return KIND_COLOURS[kind] ?? FALLBACK;
}

/** A CSS class name for a step kind. */
export function kindClass(kind: string): string {
  const i = KIND_ORDER.indexOf(kind);
  return i >= 0 ? `k${i}` : "kx";
}

/** CSS rules giving every kind class its colour (fill for shapes, background for legend swatches). */
export function kindCss(): string {
  return [
    ...KIND_ORDER.map((k, i) => `.k${i}{fill:${KIND_COLOURS[k]};background:${KIND_COLOURS[k]}}`),
    `.kx{fill:${FALLBACK};background:${FALLBACK}}`,
  ].join("\n");
}
