// Fake adapters over an in-memory inventory, built from sinon stubs so tests can inject faults
// (`fakes.compute.setRemoteRestartCapable.rejects(...)`) and assert calls.

import * as sinon from "sinon";
import type { Adapters } from "../../../provider/adapters";
import type { ComputeAdapter, ComputeInventory } from "../../../provider/adapters/compute";
import type { StorageAdapter, StorageInventory } from "../../../provider/adapters/storage";
import { AdapterError } from "../../../provider/errors";
import type { ResolvedConsistencyGroup, ResolvedLpar, ResolvedManagedSystem } from "../../../provider/model";

export interface World {
  managedSystems: ResolvedManagedSystem[];
  lpars: ResolvedLpar[];
  consistencyGroups: ResolvedConsistencyGroup[];
  volumes: { id: string; name: string; storageSystem: string; capacityGb: number }[];
  /** @default none */
  hostMappings?: StorageInventory["hostMappings"];
}

export function system(id: string, site: string, processorUnits = 16, memoryGb = 256): ResolvedManagedSystem {
  return { id, name: id, site, hmc: `hmc-${site}`, processorUnits, memoryGb, state: "Operating", maxRemoteRestarts: 32, vioses: ["vios1", "vios2"] };
}

export function lpar(id: string, host: string, processorUnits = 1, memoryGb = 16, volumes: string[] = [`${id}-vol`]): ResolvedLpar {
  return { id, name: id, host, processorUnits, memoryGb, slaLevel: 1, remoteRestartCapable: false, volumes, state: "Running", network: "production" };
}

/** Two sites: prod-a, prod-b at "prod"; dr-a, dr-b at "dr"; lpars app1..app4 on prod, replicated in cg1. */
export function smallWorld(): World {
  const lpars = ["app1", "app2", "app3", "app4"].map((id, i) => lpar(id, i < 2 ? "prod-a" : "prod-b"));
  const volumes = lpars.flatMap((l) => [
    { id: `${l.id}-vol`, name: `${l.id}-vol`, storageSystem: "svc-prod", capacityGb: 100 },
    { id: `${l.id}-vol-r`, name: `${l.id}-vol-r`, storageSystem: "svc-dr", capacityGb: 100 },
  ]);
  return {
    managedSystems: [system("prod-a", "prod"), system("prod-b", "prod"), system("dr-a", "dr"), system("dr-b", "dr")],
    lpars,
    volumes,
    consistencyGroups: [
      {
        id: "cg1",
        name: "cg1",
        masterSystem: "svc-prod",
        auxSystem: "svc-dr",
        mode: "sync",
        state: "consistent_synchronized",
        primary: "master",
        auxWritable: false,
        lagSeconds: 0,
        pairs: lpars.map((l) => ({ master: `${l.id}-vol`, aux: `${l.id}-vol-r` })),
      },
    ],
  };
}

export interface Fakes {
  readonly world: World;
  readonly compute: sinon.SinonStubbedInstance<ComputeAdapter>;
  readonly storage: sinon.SinonStubbedInstance<StorageAdapter>;
  readonly open: sinon.SinonStub;
}

/** Adapters whose inventory reads `world` live, and whose setRemoteRestartCapable writes it. */
export function fakeAdapters(sandbox: sinon.SinonSandbox, world: World): Fakes {
  const notUsed = () => Promise.reject(new Error("not used by the resources"));
  const compute = {
    kind: "fake",
    inventory: sandbox.stub<[], Promise<ComputeInventory>>().callsFake(async () => structuredClone({ hmcs: [], managedSystems: world.managedSystems, lpars: world.lpars })),
    getLpar: sandbox.stub().callsFake(notUsed),
    setRemoteRestartCapable: sandbox.stub().callsFake(async (id: string, capable: boolean) => {
      const l = world.lpars.find((x) => x.id === id);
      if (!l) throw new AdapterError("notFound", "setRemoteRestartCapable", id, "no such LPAR");
      const alreadyDone = l.remoteRestartCapable === capable;
      l.remoteRestartCapable = capable;
      return { alreadyDone };
    }),
    fenceLpar: sandbox.stub().callsFake(notUsed),
    validateRemoteRestart: sandbox.stub().callsFake(notUsed),
    remoteRestart: sandbox.stub().callsFake(notUsed),
    waitUntilRunning: sandbox.stub().callsFake(notUsed),
    powerOn: sandbox.stub().callsFake(notUsed),
    powerOff: sandbox.stub().callsFake(notUsed),
    suspendLpar: sandbox.stub().callsFake(notUsed),
    resumeLpar: sandbox.stub().callsFake(notUsed),
    cleanupSource: sandbox.stub().callsFake(notUsed),
    moveLpar: sandbox.stub().callsFake(notUsed),
    createDrillLpar: sandbox.stub().callsFake(notUsed),
    deleteDrillLpar: sandbox.stub().callsFake(notUsed),
    limits: sandbox.stub().resolves({}),
    close: sandbox.stub().resolves(),
  } as unknown as sinon.SinonStubbedInstance<ComputeAdapter>;
  const storage = {
    kind: "fake",
    inventory: sandbox.stub<[], Promise<StorageInventory>>().callsFake(async () =>
      structuredClone({ storageSystems: [], volumes: world.volumes, hostMappings: world.hostMappings ?? [], consistencyGroups: world.consistencyGroups, flashCopyGroups: [] }),
    ),
    failoverConsistencyGroup: sandbox.stub().callsFake(notUsed),
    switchConsistencyGroup: sandbox.stub().callsFake(notUsed),
    startConsistencyGroup: sandbox.stub().callsFake(notUsed),
    mapVolume: sandbox.stub().callsFake(notUsed),
    unmapVolume: sandbox.stub().callsFake(notUsed),
    createFlashCopyGroup: sandbox.stub().callsFake(notUsed),
    deleteFlashCopyGroup: sandbox.stub().callsFake(notUsed),
    limits: sandbox.stub().resolves({}),
    close: sandbox.stub().resolves(),
  } as unknown as sinon.SinonStubbedInstance<StorageAdapter>;
  const open = sandbox.stub().resolves({ compute, storage } as Adapters);
  return { world, compute, storage, open };
}
