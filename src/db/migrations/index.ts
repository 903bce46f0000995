import type { Migration } from "kysely";
import * as m0001 from "./0001-foundation.js";
import * as m0002 from "./0002-publishing.js";
import * as m0003 from "./0003-calendar.js";
import * as m0005 from "./0005-social-sync.js";
import * as m0006 from "./0006-veille.js";
import * as m0007 from "./0007-alerts.js";
import * as m0008 from "./0008-curation.js";
import * as m0009 from "./0009-veille-search.js";
import * as m0010 from "./0010-veille-ingest.js";
import * as m0011 from "./0011-alert-deliveries.js";
import * as m0012 from "./0012-target-removal.js";
import * as m0013 from "./0013-veille-ingest-candidates.js";
import * as m0014 from "./0014-target-latest-metrics.js";
import * as m0015 from "./0015-alert-search-error.js";

/**
 * Every migration, in order. Names are permanent: a released name is never renamed or reused.
 * Adding a migration = one file + one line here.
 */
export const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-publishing": m0002,
  "0003-calendar": m0003,
  "0005-social-sync": m0005,
  "0006-veille": m0006,
  "0007-alerts": m0007,
  "0008-curation": m0008,
  "0009-veille-search": m0009,
  "0010-veille-ingest": m0010,
  "0011-alert-deliveries": m0011,
  "0012-target-removal": m0012,
  "0013-veille-ingest-candidates": m0013,
  "0014-target-latest-metrics": m0014,
  "0015-alert-search-error": m0015,
};
