import { Typography } from "@mantine/core";
import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo } from "react";

/** Renders user Markdown safely: marked turns it into HTML, DOMPurify strips anything executable. */
export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => {
    const raw = marked.parse(source, { async: false, gfm: true, breaks: true });
    return DOMPurify.sanitize(raw, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"] });
  }, [source]);
  return (
    <Typography>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by DOMPurify just above */}
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </Typography>
  );
}
