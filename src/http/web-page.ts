/**
 * The web app's shell: everything else is plain ES modules under src/web/public, served at /web/
 * (see web.ts). No inline script or style, so the page runs under a strict CSP.
 */
export const INDEX_HTML = /* html */ `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>帮扶产业项目管理</title>
<link rel="stylesheet" href="/web/app.css">
<script type="module" src="/web/app.js"></script>
</head>
<body>
<a class="skip" id="skip" href="#main">跳到主要内容</a>
<header class="top">
  <a class="brand" href="#/inbox" id="app-title">帮扶产业项目 · 审批工作台</a>
  <nav id="nav" aria-label="主导航"></nav>
  <div id="who" class="who"></div>
</header>
<main id="main" tabindex="-1"><p class="muted">加载中…</p></main>
<noscript>本系统需要启用 JavaScript。This app needs JavaScript.</noscript>
</body>
</html>`;
