/**
 * A virtual host: its event bus, its advertised items (disco features and identities), its
 * stream-feature offers and its resolved core options. Modules register into it through their
 * ModuleContext, which records every registration so unload is clean.
 */
import { EventBus } from "./events";
import type { FeatureBuilder, LinkKind } from "./stream/types";
import type { OptionsOf } from "./config/options";
import type { CORE_OPTIONS } from "./config/core-options";

export interface Identity {
  category: string;
  type: string;
  name?: string;
}

interface FeatureOffer {
  kinds: readonly LinkKind[];
  build: FeatureBuilder;
  priority: number;
  seq: number;
}

/** A multiset of items: the same feature registered by two modules stays until both are gone. */
class ItemSet<T> {
  private readonly counts = new Map<string, { item: T; n: number }>();
  constructor(private readonly key: (item: T) => string) {}
  add(item: T): () => void {
    const k = this.key(item);
    const cur = this.counts.get(k);
    if (cur) cur.n++;
    else this.counts.set(k, { item, n: 1 });
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const c = this.counts.get(k);
      if (!c) return;
      if (--c.n === 0) this.counts.delete(k);
    };
  }
  values(): T[] {
    return [...this.counts.values()].map((v) => v.item);
  }
  has(k: string): boolean {
    return this.counts.has(k);
  }
}

export class Host {
  readonly events = new EventBus();
  readonly features = new ItemSet<string>((s) => s);
  readonly accountFeatures = new ItemSet<string>((s) => s);
  readonly identities = new ItemSet<Identity>((i) => `${i.category}/${i.type}/${i.name ?? ""}`);
  /** Identities an account's own bare JID shows besides account/registered (e.g. pubsub/pep). */
  readonly accountIdentities = new ItemSet<Identity>((i) => `${i.category}/${i.type}/${i.name ?? ""}`);
  private offers: FeatureOffer[] = [];
  private seq = 0;
  /** Bumped whenever advertised items change, so renderers can cache. */
  itemsVersion = 0;

  constructor(
    readonly name: string,
    readonly options: OptionsOf<typeof CORE_OPTIONS>,
    /** "component": a service domain (e.g. a MUC service) served by one component module, with no client accounts. */
    readonly kind: "local" | "component" = "local",
    /** For components: the module that implements the service (`components.<name>.module`). */
    readonly componentModule?: string,
  ) {}

  offerFeature(kinds: readonly LinkKind[], build: FeatureBuilder, priority = 0): () => void {
    const offer: FeatureOffer = { kinds, build, priority, seq: this.seq++ };
    this.offers = [...this.offers, offer].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    return () => {
      this.offers = this.offers.filter((o) => o !== offer);
    };
  }

  featureOffers(kind: LinkKind): FeatureBuilder[] {
    return this.offers.filter((o) => o.kinds.includes(kind)).map((o) => o.build);
  }

  get offerCount(): number {
    return this.offers.length;
  }
}
