/**
 * A platform's event names grouped by topic, and the lookup every provider's `parse` uses: a known name gets its
 * topic; an unknown one (a platform adds events every few months) passes through, with a topic guessed from its
 * prefix when it follows the platform's naming.
 */

/** What `match` says of a wire event name. */
export type EventMatch<N extends string, T extends string> = { known: true; name: N; topic: T } | { known: false; name: string; topic: T | undefined };

export interface EventCatalog<N extends string, T extends string> {
  /** Every known event name, topic by topic. */
  readonly events: readonly N[];
  /** Match a wire event name exactly. */
  match(name: string): EventMatch<N, T>;
}

/**
 * Build the catalog of `topics` (topic -> its event names). `unknownPrefixes` gives the topic of an unknown name
 * that starts with a prefix (`['envelope-', 'envelope']`), tried in order.
 */
export function eventCatalog<const M extends Readonly<Record<string, readonly string[]>>>(
  topics: M,
  unknownPrefixes: ReadonlyArray<readonly [string, keyof M & string]> = [],
): EventCatalog<M[keyof M][number], keyof M & string> {
  type Name = M[keyof M][number];
  type Topic = keyof M & string;
  const topicOf = new Map<string, Topic>();
  for (const [topic, names] of Object.entries(topics) as Array<[Topic, readonly string[]]>) {
    for (const name of names) topicOf.set(name, topic);
  }
  return {
    events: Object.values(topics).flat() as Name[],
    match(name) {
      const topic = topicOf.get(name);
      if (topic !== undefined) return { known: true, name: name as Name, topic };
      return { known: false, name, topic: unknownPrefixes.find(([prefix]) => name.startsWith(prefix))?.[1] };
    },
  };
}
