// The pure pieces of the hardware adapters: job answers, state words, naming conventions, masking.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { jobRequestXml, parseJobResponse } from "../../../provider/adapters/hmc/jobs";
import { isSystemDown, lparState, systemState } from "../../../provider/adapters/hmc/states";
import { volumesByUid } from "../../../provider/adapters/hmc/vios";
import { MalformedAnswer } from "../../../provider/adapters/hmc/xml";
import { Secrets } from "../../../provider/adapters/http/secrets";
import { HostNaming } from "../../../provider/adapters/svc/hostnames";
import { lagSeconds, rcState } from "../../../provider/adapters/svc/inventory";
import { VolumeOwnership } from "../../../provider/adapters/svc/ownership";

const WEB = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/";

describe("hardware adapters: parsing and conventions", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("reads a JobResponse bare or inside an Atom entry, with its results and exception message", () => {
    const inner =
      `<JobResponse:JobResponse xmlns:JobResponse="${WEB}" xmlns="${WEB}" schemaVersion="V1_0"><JobID>42</JobID><Status>COMPLETED_WITH_ERROR</Status>` +
      `<Results><JobParameter><ParameterName>result</ParameterName><ParameterValue>1</ParameterValue></JobParameter></Results>` +
      `<ResponseException><Message>HSCL1234 no resources</Message></ResponseException></JobResponse:JobResponse>`;
    const bare = parseJobResponse(inner);
    const wrapped = parseJobResponse(`<entry xmlns="http://www.w3.org/2005/Atom"><id>x</id><content type="application/vnd.ibm.powervm.web+xml; type=JobResponse">${inner}</content></entry>`);
    for (const job of [bare, wrapped]) assert.deepEqual(job, { id: "42", status: "COMPLETED_WITH_ERROR", message: "HSCL1234 no resources", results: { result: "1" } });
    assert.throws(() => parseJobResponse(`<JobResponse xmlns="${WEB}"><Status>RUNNING</Status></JobResponse>`), (e: unknown) => e instanceof MalformedAnswer && /no <JobID>/.test(e.message));
  });

  it("escapes job parameters in the JobRequest", () => {
    const xml = jobRequestXml("PowerOff", "LogicalPartition", { operation: "shutdown", note: "a<b&c" });
    assert.match(xml, /<OperationName[^>]*>PowerOff<\/OperationName><GroupName[^>]*>LogicalPartition<\/GroupName>/);
    assert.match(xml, /<ParameterValue[^>]*>a&lt;b&amp;c<\/ParameterValue>/);
  });

  it("folds HMC state words into the model, unknown ones never to a usable state", () => {
    assert.equal(systemState("Operating"), "Operating");
    assert.equal(systemState("error - dump in progress"), "Error");
    assert.equal(systemState("failed authentication"), "No Connection");
    assert.equal(systemState("some new word"), "Error");
    assert.equal(lparState("open firmware"), "Starting");
    assert.equal(lparState("migrating not active"), "Not Activated");
    assert.equal(lparState("brand new"), "Error");
    // only the HMC's own "down" words prove an LPAR is not running
    assert.equal(isSystemDown("no connection"), true);
    assert.equal(isSystemDown("initializing"), false);
    assert.equal(isSystemDown("failed authentication"), false);
  });

  it("folds remote-copy states conservatively and reads freeze_time as a lag", () => {
    assert.equal(rcState("consistent_disconnected"), "consistent_stopped");
    assert.equal(rcState("inconsistent_stopped"), "inconsistent_copying");
    assert.equal(rcState("something_new"), "inconsistent_copying");
    assert.equal(lagSeconds("2026/01/01/00/00/00", new Date(Date.UTC(2026, 0, 1, 0, 1, 30))), 90);
    assert.equal(lagSeconds("", new Date()), 0);
  });

  it("names host objects by the template and reads them back", () => {
    const perVios = new HostNaming("{system}_{vios}");
    assert.equal(perVios.hostFor("p10-01", "vios1", "mapVolume", "v"), "p10-01_vios1");
    assert.deepEqual(perVios.parse("p10-01_vios1"), { system: "p10-01", vios: "vios1" });
    assert.equal(perVios.parse("p10-01"), undefined);
    const perSystem = new HostNaming("host.{system}");
    assert.deepEqual(perSystem.parse("host.p10-01"), { system: "p10-01" });
    assert.equal(perSystem.parse("hostXp10-01"), undefined);
  });

  it("gives each LPAR the volumes its name pattern selects, even when LPAR ids contain the separator", () => {
    const own = new VolumeOwnership("{lpar}_*");
    const got = own.assign(["app", "app_1", "db"], ["app_1_rootvg", "app_rootvg", "db_data", "db_rootvg", "other"]);
    assert.deepEqual(Object.fromEntries(got), { app: ["app_rootvg"], app_1: ["app_1_rootvg"], db: ["db_data", "db_rootvg"] });
  });

  it("recognises SAN volumes by the UID embedded in a VIOS disk's device id", () => {
    const uids = new Map([
      ["600507680C8080A1A000000000000012", "lpar1_rootvg"],
      ["600507680C8080A1A000000000000013", "lpar1_data"],
    ]);
    const ids = ["33213600507680c8080a1a00000000000001304214503IBMfcp", "01M0lCTTIxNDUxMjQ2MDA1MDc2ODBDODA4MEExQTAwMDAwMDAwMDAwMDEy", "33213600507680C8080A1A00000000000001204214503IBMfcp"];
    assert.deepEqual(volumesByUid(ids, uids), ["lpar1_data", "lpar1_rootvg"]);
    assert.deepEqual(volumesByUid(["3E213600A0B80000FFFF04214503IBMfcp"], uids), []);
  });

  it("masks a secret in plain, XML, URL and JSON forms", () => {
    const secrets = new Secrets();
    secrets.add('p&s"w/d');
    const text = `a p&s"w/d b p&amp;s&quot;w/d c ${encodeURIComponent('p&s"w/d')} d ${JSON.stringify('p&s"w/d')}`;
    assert.equal(secrets.redact(text), 'a [redacted] b [redacted] c [redacted] d "[redacted]"');
  });
});
