// How a Pulumi CLI with a current Node.js language host starts a PulumiPlugin.yaml plugin from
// source (`pulumi package add <this repo>`, or `packages: vmr: <path>` in Pulumi.yaml): it runs
// `node <plugin dir>/node_modules/@pulumi/pulumi/cmd/run-plugin <plugin dir> <engine address>`,
// which requires the plugin directory, i.e. package.json `main`. This test runs that command and
// speaks the provider protocol to what it starts. (The language host built for these tests is too
// old to have RunPlugin; see docs/other-languages.md.)
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

interface SchemaResponse {
  getSchema(): string;
}
interface ProviderClient {
  getSchema(req: unknown, cb: (err: Error | null, resp: SchemaResponse) => void): void;
  close(): void;
}

describe("plugin: started from source the way a Node.js language host runs PulumiPlugin.yaml plugins", function () {
  let child: ChildProcess | undefined;
  let cwd: string;

  before(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-run-plugin-"));
  });
  after(() => {
    child?.kill();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it("serves the package schema over the provider protocol", async () => {
    // GIVEN the launcher the language host resolves from the plugin directory
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [REPO_ROOT] });
    // WHEN it runs the plugin directory, from an unrelated working directory
    child = spawn(process.execPath, [runPlugin, REPO_ROOT], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child!.stdout?.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child!.on("exit", (code) => reject(new Error(`plugin exited ${code} before printing its port:\n${out}\n${stderr}`)));
    });
    // THEN a provider-protocol client gets the package schema, equal to schema.json
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/pulumi")] }));
    const services = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
    const messages = require("@pulumi/pulumi/proto/provider_pb.js");
    const client: ProviderClient = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const schema = await new Promise<string>((resolve, reject) =>
        client.getSchema(new messages.GetSchemaRequest(), (err, resp) => (err ? reject(err) : resolve(resp.getSchema()))),
      );
      assert.deepEqual(JSON.parse(schema), JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")));
    } finally {
      client.close();
    }
  });
});
