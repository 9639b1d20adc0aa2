/** The actor rooms active on this node, for the ownership audit and shutdown. */

/** What the cluster needs of an active actor room. */
export interface ActorHandle {
  readonly roomId: string;
  /** Stops serving and disposes the room; its clients are told to reconnect with `closeCode`. */
  passivate(closeCode?: number): Promise<void>;
}

export class LocalActors {
  /** Bounded by the actors active on this node. */
  readonly #active = new Map<string, ActorHandle>();

  add(actor: ActorHandle): void {
    this.#active.set(actor.roomId, actor);
  }

  delete(actor: ActorHandle): void {
    if (this.#active.get(actor.roomId) === actor) this.#active.delete(actor.roomId);
  }

  get(roomId: string): ActorHandle | undefined {
    return this.#active.get(roomId);
  }

  ids(): string[] {
    return [...this.#active.keys()];
  }

  get size(): number {
    return this.#active.size;
  }
}
