export { type ResolvedBlueprint, type ResolvedProject, resolveBlueprint, resolveProject } from './resolve.ts';
export { type ControlPlaneContext, handleControlPlane } from './router.ts';
export { ControlPlaneStore } from './store.ts';
