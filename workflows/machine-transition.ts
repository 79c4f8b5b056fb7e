import { createActor, type AnyActorLogic, type AnyActorScope, type EventFromLogic, type ExecutableActionsFrom, type SnapshotFrom } from 'xstate';

/**
 * XState's pure `transition(logic, snapshot, event)`, with the same result, for the machines the
 * workflows host (pure: no invoke, no spawn, no delays; see docs/architecture.md).
 *
 * XState's own builds a new inert actor for every call, and an actor computes its machine's
 * initial snapshot when constructed: every event ran the machine's context factory on an
 * `undefined` input (the approval machine's shape parse refused it and built its issues, the
 * lifecycle's threw a TypeError), all thrown away. That was most of the CPU of a transition in the
 * worker (bench/REFERENCE.md, "The worker's CPU per decision"). Here the inert scope is built once
 * per machine in each workflow (this module is per workflow, the machines are shared) and reused:
 * a pure machine never reads its scope beyond `actionExecutor`, so snapshots and the actions
 * returned are the same as XState's (test/replay replays every recorded history through it).
 */
const scopes = new WeakMap<AnyActorLogic, AnyActorScope>();

function inertScope(logic: AnyActorLogic): AnyActorScope {
  let scope = scopes.get(logic);
  if (!scope) {
    // As XState's `createInertActorScope`: an actor that is never started, whose scope does nothing.
    const self = createActor(logic);
    scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: () => {},
    };
    scopes.set(logic, scope);
  }
  return scope;
}

export function transition<T extends AnyActorLogic>(
  logic: T,
  snapshot: SnapshotFrom<T>,
  event: EventFromLogic<T>,
): [nextSnapshot: SnapshotFrom<T>, actions: ExecutableActionsFrom<T>[]] {
  const actions: ExecutableActionsFrom<T>[] = [];
  const scope = inertScope(logic);
  scope.actionExecutor = (action) => {
    actions.push(action as ExecutableActionsFrom<T>);
  };
  const next = logic.transition(snapshot, event, scope) as SnapshotFrom<T>;
  return [next, actions];
}
