/**
 * The dirty-word filter: every configured word found in a text in one pass over it (Aho–Corasick),
 * so the cost is linear in the text, whatever the size of the list. Matching ignores case (the
 * list and the text are compared lower-cased; a character whose lower case has another length is
 * compared as is, so ranges stay aligned with the original text).
 */

interface Node {
  readonly next: Map<string, Node>;
  fail: Node | undefined;
  /** Length (in UTF-16 units) of the longest word ending here, following fail links; 0 = none. */
  match: number;
}

const node = (): Node => ({ next: new Map(), fail: undefined, match: 0 });

/** One character compared without case, keeping its length. */
function fold(ch: string): string {
  const lower = ch.toLowerCase();
  return lower.length === ch.length ? lower : ch;
}

export class WordFilter {
  readonly #root = node();
  readonly size: number;

  constructor(words: Iterable<string>) {
    let n = 0;
    for (const w of words) {
      if (w.length === 0) continue;
      let at = this.#root;
      for (const ch of w) {
        const c = fold(ch);
        let child = at.next.get(c);
        if (!child) at.next.set(c, (child = node()));
        at = child;
      }
      at.match = Math.max(at.match, w.length);
      n++;
    }
    this.size = n;
    this.#link();
  }

  /** Breadth-first fail links; a node also reports the longest word of its fail chain. */
  #link(): void {
    const queue: Node[] = [];
    for (const child of this.#root.next.values()) {
      child.fail = this.#root;
      queue.push(child);
    }
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i];
      for (const [c, child] of at.next) {
        let f = at.fail;
        while (f && !f.next.has(c)) f = f.fail;
        child.fail = f?.next.get(c) ?? this.#root;
        child.match = Math.max(child.match, child.fail.match);
        queue.push(child);
      }
    }
  }

  /** [start, end) UTF-16 ranges of the words found in `text`, in order of their end. */
  find(text: string): [number, number][] {
    const found: [number, number][] = [];
    let at = this.#root;
    let i = 0;
    for (const ch of text) {
      const c = fold(ch);
      i += ch.length;
      while (at !== this.#root && !at.next.has(c)) at = at.fail ?? this.#root;
      at = at.next.get(c) ?? this.#root;
      if (at.match > 0) found.push([i - at.match, i]);
    }
    return found;
  }

  /** Whether `text` holds any of the words. */
  test(text: string): boolean {
    return this.size > 0 && this.find(text).length > 0;
  }

  /** `text` with every character of every word found replaced by `*`. */
  mask(text: string): string {
    const ranges = this.find(text);
    if (ranges.length === 0) return text;
    const out = text.split('');
    for (const [start, end] of ranges) for (let k = start; k < end; k++) out[k] = '*';
    return out.join('');
  }
}
