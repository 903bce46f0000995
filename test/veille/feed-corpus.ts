/** The feed corpus (test/fixtures/feeds): every file, the URL it is served from and its HTTP Content-Type. */
export interface CorpusEntry {
  file: string;
  url?: string;
  contentType?: string;
}

export const CORPUS: CorpusEntry[] = [
  { file: "lemonde-rss2.xml", url: "https://www.lemonde.fr/rss/une.xml", contentType: "application/rss+xml" },
  {
    file: "wordpress-rss2.xml",
    url: "https://blog-cm.example.fr/feed/",
    contentType: "application/rss+xml; charset=UTF-8",
  },
  { file: "rss091.xml", url: "http://www.mairie-exemple.fr/rss.xml", contentType: "text/xml" },
  { file: "rss092.xml", url: "http://radio-campus.example.org/podcast.xml" },
  { file: "rdf-rss1.xml", url: "https://linuxfr.example.org/news.rss", contentType: "application/rdf+xml" },
  { file: "atom03.xml", url: "http://carnet.example.net/atom.xml" },
  { file: "atom10-xmlbase.xml", url: "https://journal.example.org/feed.atom", contentType: "application/atom+xml" },
  { file: "jsonfeed10.json", url: "https://jules.example.fr/feed.json", contentType: "application/json" },
  { file: "jsonfeed11.json", url: "https://communautes.example.com/feed.json", contentType: "application/feed+json" },
  { file: "podcast-itunes.xml", url: "https://www.radiofrance.example/lpst.xml" },
  { file: "youtube-atom.xml", url: "https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv" },
  { file: "google-alerts.xml", url: "https://www.google.com/alerts/feeds/01234567890123456789/1234567890123456789" },
  { file: "entities.xml", url: "https://ouest-actu.example.fr/rss" },
  { file: "empty.xml", url: "https://vide.example.org/feed" },
  { file: "malformed.xml", url: "https://petit-journal.example.fr/rss.xml" },
  { file: "iso-8859-1.xml", url: "https://encodage.example/latin1.xml", contentType: "text/xml" },
  { file: "windows-1252.xml", url: "https://encodage.example/cp1252.xml" },
  {
    file: "utf16le-bom.xml",
    url: "https://encodage.example/utf16le.xml",
    contentType: "application/xml; charset=utf-8",
  },
  { file: "utf16be-bom.xml", url: "https://encodage.example/utf16be.xml" },
  { file: "shift_jis.xml", url: "https://encodage.example/sjis.xml" },
  { file: "gb18030.xml", url: "https://encodage.example/gb.xml" },
  { file: "wrong-charset.xml", url: "https://encodage.example/wrong.xml" },
  {
    file: "latin1-declared-utf8.xml",
    url: "https://encodage.example/mislabelled.xml",
    contentType: "text/xml; charset=iso-8859-1",
  },
];
