// The stack's `vmr:runStore` settings against schemas/run-store.schema.json and the cross-field
// rules: each bad value is named with its field, the value, what is allowed and how to set it;
// a secret is never quoted.
import { strict as assert } from "assert";
import { checkRunStoreSettings } from "../../../provider/run-store/settings";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function issuesOf(value: unknown): { path: string; message: string }[] {
  return checkRunStoreSettings(value).issues.map((i) => ({ path: i.path, message: i.message }));
}

describe("run store settings (vmr:runStore)", () => {
  it("accepts an etcd cluster with TLS, a user and a secret password; a TTL given as digits is read as a number", () => {
    const { settings, issues } = checkRunStoreSettings({ type: "etcd", endpoints: ["https://10.0.0.1:2379", "https://10.0.0.2:2379"], tls: { ca: CA }, user: "vmr", password: "s3cret-pw", leaseTtlSeconds: "15" });
    assert.deepEqual(issues, []);
    assert.equal(settings.leaseTtlSeconds, 15);
  });

  it("a configuration without a type is an etcd store", () => {
    const { settings, issues } = checkRunStoreSettings({ endpoints: ["http://127.0.0.1:2379"] });
    assert.deepEqual(issues, []);
    assert.equal(settings.type, "etcd");
  });

  const cases: [string, unknown, string, RegExp][] = [
    ["an unknown type", { type: "consul" }, "vmr:runStore.type", /must be one of "file", "etcd", got "consul": set it with `pulumi config set --path vmr:runStore.type VALUE`/],
    ["an endpoint without a scheme", { endpoints: ["10.0.0.1:2379"] }, "vmr:runStore.endpoints[0]", /must match .*http\(s\):\/\/HOST:PORT.*got "10.0.0.1:2379": set it with `pulumi config set --path vmr:runStore.endpoints\[0\] VALUE`/],
    ["no endpoint at all", { endpoints: [] }, "vmr:runStore.endpoints", /must have at least 1 item, got \[\]/],
    ["a TTL under 2 s", { endpoints: ["http://h:2379"], leaseTtlSeconds: 1 }, "vmr:runStore.leaseTtlSeconds", /must be >= 2, got 1: set it/],
    ["a TTL over 300 s", { endpoints: ["http://h:2379"], leaseTtlSeconds: 900 }, "vmr:runStore.leaseTtlSeconds", /must be <= 300, got 900/],
    ["a file name where a PEM text goes", { endpoints: ["https://h:2379"], tls: { ca: "/etc/etcd/ca.pem" } }, "vmr:runStore.tls.ca", /must match -----BEGIN CERTIFICATE----- \(PEM text of the CA.*got "\/etc\/etcd\/ca.pem"/],
    ["a misspelt field", { endpoints: ["http://h:2379"], endpoint: "x" }, "vmr:runStore.endpoint", /is not a known field: remove it or use one of type, endpoints, tls, user, password, leaseTtlSeconds/],
    ["http and https mixed", { endpoints: ["http://a:2379", "https://b:2379"] }, "vmr:runStore.endpoints", /mixes http and https .*give every member as https:\/\/HOST:PORT/],
    ["TLS on http endpoints", { endpoints: ["http://a:2379"], tls: { ca: CA } }, "vmr:runStore.tls", /is given but `vmr:runStore.endpoints` are http:\/\/ .*write them as https:\/\/HOST:PORT, or remove/],
    ["a password without a user", { endpoints: ["http://a:2379"], password: "s3cret-pw" }, "vmr:runStore.user", /`vmr:runStore.password` is set but `vmr:runStore.user` is not: set it with `pulumi config set --path vmr:runStore.user VALUE`/],
    ["a password that is not a string", { endpoints: ["http://a:2379"], user: "vmr", password: 12345678 }, "vmr:runStore.password", /must be of type string, got \[secret\] \(a number\): set it with `pulumi config set --secret --path vmr:runStore.password VALUE`/],
  ];
  for (const [what, value, field, message] of cases) {
    it(`${what}: names \`${field}\`, the value, what is allowed and how to set it`, () => {
      const issues = issuesOf(value);
      const issue = issues.find((i) => i.path === field);
      assert.ok(issue, `no issue at ${field}: ${JSON.stringify(issues)}`);
      assert.match(issue.message, message);
    });
  }

  it("reports every failure together and never quotes the password", () => {
    const issues = issuesOf({ type: "zk", endpoints: ["nope"], password: "", leaseTtlSeconds: 0, user: "vmr" });
    assert.deepEqual(issues.map((i) => i.path).sort(), ["vmr:runStore.endpoints[0]", "vmr:runStore.leaseTtlSeconds", "vmr:runStore.password", "vmr:runStore.type"]);
    const secret = issuesOf({ endpoints: ["http://a:2379"], user: "vmr", password: "" });
    assert.ok(secret.every((i) => !i.message.includes('""')), JSON.stringify(secret));
    const withPw = issuesOf({ endpoints: ["bad"], user: "vmr", password: "hunter2-pw" });
    assert.ok(withPw.every((i) => !i.message.includes("hunter2")), JSON.stringify(withPw));
  });
});
