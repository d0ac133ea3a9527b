// Reading protection back from Pulumi stack state.
export { formatRefresh, loadProtectionModel, refreshChanges, refreshStack, type LiveStackSource, type PulumiAccess, type RefreshResult, type StackFileSource, type StackSource } from "./load";
export { protectionModelFromDeployment, type ExportedDeployment, type ExportedResource, type LoadedProtection, type LoadedResource } from "./model";
export { revealSecrets } from "./secrets";
