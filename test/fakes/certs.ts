// Test certificates made at test time with the openssl command (spawned with argument arrays):
// a CA, a server certificate for 127.0.0.1 / localhost signed by it, and an unrelated second CA
// for "wrong CA" tests. Made once per process, in a temporary directory.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface TestCerts {
  readonly dir: string;
  /** PEM file of the CA that signed the server certificate. */
  readonly caFile: string;
  /** PEM file of a CA that signed nothing here. */
  readonly otherCaFile: string;
  readonly key: string;
  readonly cert: string;
}

let made: TestCerts | undefined;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error?.message}`);
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

export function testCerts(): TestCerts {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-certs-"));
  makeCa(dir, "vmr-test-ca");
  makeCa(dir, "vmr-other-ca");
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
  fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  openssl(dir, [
    "x509", "-req", "-in", "server.csr", "-CA", "vmr-test-ca.pem", "-CAkey", "vmr-test-ca.key", "-CAcreateserial",
    "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
  ]);
  made = {
    dir,
    caFile: path.join(dir, "vmr-test-ca.pem"),
    otherCaFile: path.join(dir, "vmr-other-ca.pem"),
    key: fs.readFileSync(path.join(dir, "server.key"), "utf8"),
    cert: fs.readFileSync(path.join(dir, "server.pem"), "utf8"),
  };
  return made;
}
