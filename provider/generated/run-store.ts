/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * Where a stack's failover lock and run journals live: the stack's `vmr:runStore` configuration (set with `pulumi config set --path vmr:runStore.FIELD VALUE`, the password with `--secret`). `--run-store` on the command line overrides `type` and `endpoints`.
 */
export interface RunStoreSettings {
  /**
   * `file`: a per-user directory on the machine running `vmr`; `etcd`: a replicated etcd v3 cluster every operator's machine reaches.
   */
  type?: "file" | "etcd";
  /**
   * The etcd members' client URLs, http(s)://HOST:PORT each; all https or all http.
   *
   * @minItems 1
   */
  endpoints?: [string, ...string[]];
  /**
   * TLS for https endpoints: PEM texts, not file names.
   */
  tls?: {
    /**
     * PEM text of the CA that signed the members' certificates
     */
    ca?: string;
    /**
     * PEM text of a client certificate, when the cluster asks for one
     */
    cert?: string;
    /**
     * PEM text of the client certificate's key: kept as a Pulumi secret
     */
    key?: string;
  };
  /**
   * etcd user, when the cluster has authentication on
   */
  user?: string;
  /**
   * the etcd user's password: kept as a Pulumi secret (`pulumi config set --secret --path vmr:runStore.password ...`)
   */
  password?: string;
  /**
   * seconds of the run's lease (10 when not given): a run that cannot renew it stops within this time, and another machine can take its run over after it
   */
  leaseTtlSeconds?: number;
}
