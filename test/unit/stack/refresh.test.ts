// What the refresh after a failover changed, counted from the stack's state before and after it:
// the engine's summary compares inputs only and calls "same" a group whose outputs (where its VMs
// run) the refresh just changed.
import { strict as assert } from "assert";
import { formatRefresh, refreshChanges, type ExportedDeployment } from "../../../provider/stack";

const urn = (type: string, name: string) => `urn:pulumi:dev::basic::pulumi-nodejs:dynamic/vmr:${type}::${name}`;
const group = (name: string, site: string) => ({
  urn: urn("ProtectionGroup", name),
  type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
  id: name,
  custom: true,
  inputs: { name, vms: ["db-1"], recoveryTarget: "site-b" },
  outputs: { __provider: "exports.handler = ...", name, vms: [{ lpar: "db-1" }], members: [{ lpar: "db-1", site, system: site === "site-a" ? "a-01" : "b-02" }], currentSites: [site] },
});

function before(): ExportedDeployment {
  return {
    resources: [
      { urn: "urn:pulumi:dev::basic::pulumi:pulumi:Stack::basic-dev", type: "pulumi:pulumi:Stack", custom: false, outputs: { runningAt: { db: ["site-a"] } } },
      // Not counted: the engine's plumbing, as in its own summary.
      { urn: "urn:pulumi:dev::basic::pulumi:providers:pulumi-nodejs::default", type: "pulumi:providers:pulumi-nodejs", custom: true, id: "p1", inputs: {}, outputs: {} },
      group("db", "site-a"),
      group("app", "site-a"),
      group("reporting", "site-b"),
      { urn: urn("StorageMapping", "db-volumes"), type: "pulumi-nodejs:dynamic/vmr:StorageMapping", id: "db-volumes", custom: true, inputs: { consistencyGroup: "cg-db" }, outputs: { consistencyGroup: "cg-db", replicationState: "consistent_synchronized" } },
    ],
  };
}

describe("refresh changes", () => {
  it("counts a resource whose outputs changed and inputs did not as changed, naming it", () => {
    // GIVEN the state before a refresh, and after it: db and app now run at site-b (outputs only),
    // the storage mapping's replication reversed, in another key order (the same value)
    const after: ExportedDeployment = {
      resources: [
        ...before().resources!.slice(0, 2),
        group("db", "site-b"),
        group("app", "site-b"),
        group("reporting", "site-b"),
        { urn: urn("StorageMapping", "db-volumes"), type: "pulumi-nodejs:dynamic/vmr:StorageMapping", id: "db-volumes", custom: true, inputs: { consistencyGroup: "cg-db" }, outputs: { replicationState: "consistent_synchronized", consistencyGroup: "cg-db" } },
      ],
    };
    // WHEN the changes are counted
    const changes = refreshChanges(before(), after);
    // THEN db and app changed, the others are the same (a reordered object is not a change)
    assert.deepEqual(changes, { changes: { same: 3, update: 2 }, changed: ["db", "app"], deleted: [] });
    // AND the summary line says so, and that the stack's outputs follow at the next up
    assert.equal(formatRefresh(changes), "stack refreshed: 5 resources: 2 changed (db, app), 3 same; the stack's own outputs follow at the next `pulumi up`");
  });

  it("counts a resource the refresh found gone, and says `same` only when nothing changed", () => {
    const gone = refreshChanges(before(), { resources: before().resources!.filter((r) => !r.urn.endsWith("::reporting")) });
    assert.deepEqual(gone, { changes: { same: 4, delete: 1 }, changed: [], deleted: ["reporting"] });
    assert.equal(formatRefresh(gone), "stack refreshed: 5 resources: 1 gone (reporting), 4 same");
    const none = refreshChanges(before(), before());
    assert.equal(formatRefresh(none), "stack refreshed: 5 resources: 5 same");
  });
});
