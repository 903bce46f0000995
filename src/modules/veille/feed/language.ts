import { franc } from "franc-min";

/**
 * Language of a text as an ISO 639-1 code ("fr", "en"…), with franc-min (the 82 most spoken languages).
 * Short texts are not guessed (null): under ~40 letters franc mixes up close languages.
 */

const ISO6393_TO_1: Record<string, string> = {
  afr: "af",
  amh: "am",
  arb: "ar",
  azj: "az",
  bel: "be",
  ben: "bn",
  bos: "bs",
  bul: "bg",
  ces: "cs",
  ckb: "ku",
  cmn: "zh",
  deu: "de",
  ell: "el",
  eng: "en",
  fra: "fr",
  guj: "gu",
  hau: "ha",
  heb: "he",
  hin: "hi",
  hrv: "hr",
  hun: "hu",
  hye: "hy",
  ibo: "ig",
  ind: "id",
  ita: "it",
  jav: "jv",
  jpn: "ja",
  kan: "kn",
  kat: "ka",
  kaz: "kk",
  khm: "km",
  kin: "rw",
  kor: "ko",
  lao: "lo",
  lin: "ln",
  mal: "ml",
  mar: "mr",
  mya: "my",
  nld: "nl",
  npi: "ne",
  nya: "ny",
  ori: "or",
  pan: "pa",
  pbu: "ps",
  pes: "fa",
  plt: "mg",
  pol: "pl",
  por: "pt",
  ron: "ro",
  run: "rn",
  rus: "ru",
  sin: "si",
  som: "so",
  spa: "es",
  srp: "sr",
  sun: "su",
  swe: "sv",
  swh: "sw",
  tam: "ta",
  tel: "te",
  tgl: "tl",
  tha: "th",
  tur: "tr",
  ukr: "uk",
  urd: "ur",
  uzn: "uz",
  vie: "vi",
  yor: "yo",
  zlm: "ms",
  zul: "zu",
};

/** Letters counted before guessing. */
export const MIN_LANGUAGE_LETTERS = 40;

export function detectLanguage(text: string | null | undefined): string | null {
  if (!text) return null;
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LANGUAGE_LETTERS) return null;
  const code = franc(sample, { minLength: MIN_LANGUAGE_LETTERS });
  return ISO6393_TO_1[code] ?? null;
}
