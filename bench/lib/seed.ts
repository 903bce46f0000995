// Realistic data for the benchmarks: one community manager who belongs to ~20 client workspaces, each with
// a filled-in brand book (description, values, tone of voice, speaking and moderation charters).

export const BENCH_EMAIL = "bench@relais.test";
export const BENCH_PASSWORD = "bench-password-123";

interface Json {
  status: number;
  body: unknown;
  headers: Headers;
}

export async function api(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Json> {
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

export interface Session {
  cookie: string;
  csrf: string;
}

function sessionFrom(res: Json): Session {
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("relais_session="));
  if (!setCookie) throw new Error("no relais_session cookie in the response");
  return { cookie: setCookie.split(";")[0] as string, csrf: (res.body as { csrfToken: string }).csrfToken };
}

/** Creates the owner account through first-run setup and returns its session. */
export async function setupOwner(baseUrl: string): Promise<Session> {
  const res = await api(`${baseUrl}/api/auth/setup`, {
    method: "POST",
    body: { email: BENCH_EMAIL, name: "Camille Benchmark", password: BENCH_PASSWORD, locale: "fr" },
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return sessionFrom(res);
}

export async function login(baseUrl: string): Promise<Session> {
  const res = await api(`${baseUrl}/api/auth/login`, {
    method: "POST",
    body: { email: BENCH_EMAIL, password: BENCH_PASSWORD },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return sessionFrom(res);
}

const CLIENTS = [
  "Musée des Confluences",
  "Boulangerie Paul & Fils",
  "Ville de Villeurbanne",
  "Festival Lumière",
  "Olympique Lyonnais Féminin",
  "Librairie Decitre",
  "Théâtre des Célestins",
  "Opéra de Lyon",
  "Cinéma Comoedia",
  "Halles Paul Bocuse",
  "Bibliothèque municipale",
  "Office de tourisme",
  "Association Habitat & Humanisme",
  "Brasserie Georges",
  "Maison de la Danse",
  "Salon Equip'Auto",
  "Planétarium de Vaulx-en-Velin",
  "Fromagerie Mons",
  "Radio Scoop",
  "Université Lumière Lyon 2",
];

function paragraph(topic: string, n: number): string {
  const sentences = [
    `Nous parlons de ${topic} avec précision, chaleur et sans jargon.`,
    "Chaque publication apporte une information utile ou une émotion sincère ; jamais les deux à moitié.",
    "On tutoie la communauté sur Instagram, on vouvoie sur LinkedIn et dans les réponses aux réclamations.",
    "Les émojis sont permis avec parcimonie (un par message au plus), jamais dans une réponse à une plainte.",
    "Citer les sources, créditer les photographes, vérifier les dates et les horaires deux fois.",
    "En cas de doute sur un sujet sensible, on attend la validation du client avant de répondre.",
  ];
  return Array.from({ length: n }, (_, i) => sentences[i % sentences.length]).join(" ");
}

export function brandBook(name: string) {
  return {
    name,
    timezone: "Europe/Paris",
    locale: "fr" as const,
    description: `## ${name}\n\n${paragraph(name, 4)}`,
    values: ["Proximité", "Exigence", "Curiosité", "Transparence", "Convivialité"],
    toneOfVoice: `- Chaleureux mais précis\n- Phrases courtes\n\n${paragraph("notre ton", 3)}`,
    speakingCharter: `# Charte de prise de parole\n\n${paragraph("nos sujets", 8)}\n\n## Sujets exclus\n\nPolitique, religion, rumeurs.`,
    moderationCharter: `# Charte de modération\n\n${paragraph("la modération", 8)}\n\nInsultes, spam et données personnelles : masqués sous 2 heures.`,
  };
}

/** Creates `count` workspaces with brand books as the signed-in owner. */
export async function seedWorkspaces(
  baseUrl: string,
  session: Session,
  count = 20,
  options: { lean?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = CLIENTS[i % CLIENTS.length] + (i >= CLIENTS.length ? ` ${i}` : "");
    const res = await api(`${baseUrl}/api/workspaces`, {
      method: "POST",
      headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
      body: options.lean ? { name, timezone: "Europe/Paris", locale: "fr" } : brandBook(name),
    });
    if (res.status !== 201) throw new Error(`create workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
