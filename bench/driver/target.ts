/** What a bench target is to the driver: how a client logs in, sends, and hands over what it receives. */

/** One entry as a device received it. */
export interface Delivery {
  readonly device: string;
  readonly stream: string;
  /** 0 when the entry has no SEQ (bare baseline, online-only). */
  readonly seq: number;
  /** The bench payload, if the entry carries one. */
  readonly data: string | undefined;
  /** The sender, when the system says. */
  readonly from: string | undefined;
}

export type DeliverySink = (d: Delivery) => void;

/**
 * What a client does in a scenario: exchange with a peer, talk in a group (as a member), be in the
 * live audience of an AVChatRoom (joined from the client after login), or sit idle.
 */
export type Role =
  | { readonly kind: 'c2c'; readonly peer: string }
  | { readonly kind: 'group'; readonly groupId: string }
  | { readonly kind: 'audience'; readonly groupId: string }
  | { readonly kind: 'idle' };

export interface BenchClient {
  /**
   * Sends one bench payload as this role prescribes, with a caller-chosen `random` (u32, unique in
   * the run, so Parley's retry dedup never merges two bench messages); resolves with the
   * acknowledged SEQ (0 if none).
   */
  send(data: string, random: number): Promise<number>;
  close(): Promise<void>;
}

export interface LoginOptions {
  /** Entries per sync page (Parley only). */
  readonly pageSize?: number;
}

export interface Target {
  login(user: string, role: Role, sink: DeliverySink, o?: LoginOptions): Promise<BenchClient>;
  /** The stream id under which `user` receives what its role brings (as the system names it). */
  stream(user: string, role: Role): string;
}
