import type { Issue, IssueCode } from "./check.js";

/** The check messages, French and English: one catalogue for the API and the composer. */
const messages: Record<"fr" | "en", Record<IssueCode, string>> = {
  fr: {
    text_too_long: "Texte trop long : {length}/{max} ({over} de trop).",
    text_thread: "Texte de {length} caractères (limite {max}) : il sera publié en fil de messages numérotés.",
    text_empty: "Le message est vide : ajoutez du texte ou un média.",
    title_too_long: "Titre trop long : {length}/{max}.",
    title_missing: "Un titre est obligatoire.",
    too_many_hashtags: "Trop de hashtags : {count} (maximum {max}).",
    too_many_media: "Trop de médias : {count} (maximum {max}).",
    media_kind_unsupported: "Ce réseau n'accepte pas ce type de média ({kind}).",
    media_kinds_mixed: "Ce réseau ne mélange pas photos et vidéos dans un même message.",
    image_too_large: "Image trop lourde ({size} octets, maximum {max}).",
    video_too_large: "Vidéo trop lourde ({size} octets, maximum {max}).",
    video_too_long: "Vidéo trop longue : {seconds} s (maximum {max} s).",
    aspect_ratio: "Format d'image {ratio} hors des limites ({min} à {max}) : recadrez-la.",
    media_missing: "Ce réseau attend un média ({kind}).",
    alt_text_missing: "Texte alternatif manquant : décrivez l'image pour les personnes malvoyantes.",
    alt_text_too_long: "Texte alternatif trop long : {length}/{max}.",
  },
  en: {
    text_too_long: "Text too long: {length}/{max} ({over} over).",
    text_thread: "Text of {length} characters (limit {max}): it will be published as a thread of numbered posts.",
    text_empty: "The post is empty: add text or media.",
    title_too_long: "Title too long: {length}/{max}.",
    title_missing: "A title is required.",
    too_many_hashtags: "Too many hashtags: {count} (maximum {max}).",
    too_many_media: "Too many media: {count} (maximum {max}).",
    media_kind_unsupported: "This network does not accept this kind of media ({kind}).",
    media_kinds_mixed: "This network does not mix photos and videos in one post.",
    image_too_large: "Image too large ({size} bytes, maximum {max}).",
    video_too_large: "Video too large ({size} bytes, maximum {max}).",
    video_too_long: "Video too long: {seconds} s (maximum {max} s).",
    aspect_ratio: "Image ratio {ratio} outside the limits ({min} to {max}): crop it.",
    media_missing: "This network expects media ({kind}).",
    alt_text_missing: "Missing alt text: describe the image for people who cannot see it.",
    alt_text_too_long: "Alt text too long: {length}/{max}.",
  },
};

export function issueMessage(locale: "fr" | "en", issue: Pick<Issue, "code" | "params">): string {
  return messages[locale][issue.code].replace(/\{(\w+)\}/g, (_, k: string) => String(issue.params[k] ?? ""));
}
