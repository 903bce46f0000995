/** HTML page shapes seen in the wild (news site with Open Graph, blog with a Twitter card, plain CMS page). */
export const pages = {
  openGraph: `<!DOCTYPE html>
<html lang="fr" prefix="og: http://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<title>Fréquentation des musées : records battus - Le Monde.example</title>
<meta name="description" content="Résumé court pour les moteurs.">
<meta property="og:site_name" content="Le Monde.example">
<meta property="og:type" content="article">
<meta property="og:title" content="Les musées français battent des records de fréquentation">
<meta property="og:description" content="Près de 70 millions d&#039;entrées en 2025 : « un engouement inédit », selon le ministère.">
<meta property="og:url" content="https://www.lemonde.example/culture/article/2026/11/20/musees.html">
<meta property="og:image" content="https://img.lemonde.example/2026/11/20/0/0/1200/630/musee.jpg">
<meta property="og:image:width" content="1200">
<meta property="article:published_time" content="2026-11-20T07:30:00+01:00">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="Records dans les musées">
<meta name="twitter:image" content="https://img.lemonde.example/twitter.jpg">
<link rel="canonical" href="https://www.lemonde.example/culture/article/2026/11/20/musees.html">
</head>
<body><header><img src="/logo.svg" alt="Le Monde"></header><article><h1>Les musées…</h1><p>Texte.</p></article></body>
</html>`,

  twitterCard: `<!doctype html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Blog — accueil</title>
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="Un été au musée 🏛️ : nos coups de cœur">
<meta name="twitter:description" content="Sélection d'expositions pour petits &amp; grands.">
<meta name="twitter:image:src" content="../media/cartes/ete.png">
</head><body><p>…</p></body></html>`,

  plain: `<html>
<head>
<title>
  Fête de la Science —
  Mairie de Saint-Étienne
</title>
<meta name="description" content="Ateliers gratuits les 10 et 11 octobre.">
</head>
<body>
<div id="header"><img src="/images/logo-mairie.png" width="180" height="60"></div>
<img src="/images/pixel.gif" width="1" height="1">
<div class="content">
<time datetime="2026-10-01T10:00:00+02:00">1er octobre</time>
<img src="/images/petite.jpg" width="80" height="80">
<img src="/images/ateliers-grand.jpg" width="800" height="450" alt="Ateliers">
</div>
</body>
</html>`,

  bare: `<html><body><h1>Communiqué</h1><img src="javascript:alert(1)"><img src="data:image/png;base64,AAAA"></body></html>`,
};
