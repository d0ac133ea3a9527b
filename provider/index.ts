// The public API of pulumi-vm-recovery: the Pulumi resources, and a typed function for every
// `vmr` command. Each part appends its exports here.
export * from "./resources";
export * from "./stack";
