import { prepareTemplate } from "./template.js";

/** Builds the migrated database template once per run; every test file then starts from a copy of it. */
export default async function setup(): Promise<void> {
  await prepareTemplate();
}
