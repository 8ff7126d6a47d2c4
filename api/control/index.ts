export { type ResolvedBlueprint, type ResolvedProject, resolveBlueprint, resolveProject } from '../../control-plane/resolve.ts';
export { type ControlPlaneContext, handleControlPlane } from './router.ts';
export { ControlPlaneStore } from '../../control-plane/store.ts';
