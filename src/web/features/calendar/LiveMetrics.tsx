import { IconHeart, IconMessageCircle, IconQuote, IconRepeat } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { CalendarEntry } from "../publishing/types";

/** The latest snapshot the server attaches to a published target (docs/SOCIAL-SYNC.md). */
interface TargetMetrics {
  takenAt: string;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
}

const KEYS = ["likes", "reposts", "replies", "quotes"] as const;
type Totals = Record<(typeof KEYS)[number], number>;

/** Latest counters of a post, summed over its published targets; null when none was measured yet. */
export function postMetrics(post: CalendarEntry): Totals | null {
  const measured = post.targets.flatMap((x) => {
    const m = (x as { metrics?: TargetMetrics | null }).metrics;
    return m ? [m] : [];
  });
  if (!measured.length) return null;
  const totals: Totals = { likes: 0, reposts: 0, replies: 0, quotes: 0 };
  for (const m of measured) for (const k of KEYS) totals[k] += m[k] ?? 0;
  return totals;
}

/** "12 likes, 3 reposts…" for the event's tooltip, in the UI language. */
export function metricsLabel(totals: Totals, t: (key: string, params?: Record<string, unknown>) => string): string {
  return KEYS.map((k) => t(`calendar.metrics.${k}`, { count: totals[k] })).join(", ");
}

const ICONS = { likes: IconHeart, reposts: IconRepeat, replies: IconMessageCircle, quotes: IconQuote } as const;

/** Small counters beside a published post in the calendar. */
export function LiveMetrics({ post }: { post: CalendarEntry }) {
  const { t } = useTranslation();
  const totals = postMetrics(post);
  if (!totals) return null;
  return (
    <span
      className="relais-event-metrics"
      title={metricsLabel(totals, t)}
      data-testid="live-metrics"
      style={{ display: "inline-flex", gap: 6, fontSize: 10, opacity: 0.85, flexShrink: 0 }}
    >
      {KEYS.map((k) => {
        const Icon = ICONS[k];
        return (
          <span key={k} style={{ display: "inline-flex", alignItems: "center", gap: 1 }}>
            <Icon size={11} aria-hidden />
            {totals[k]}
          </span>
        );
      })}
    </span>
  );
}
