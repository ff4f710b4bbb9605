// The site's stylesheets, inlined in pages; scripts/build-content.ts hashes them for the CSP at build time.

export const STYLES = `
:root{color-scheme:light dark;--bg:#fdfcf9;--fg:#1c1b19;--muted:#4f4a43;--link:#0b5394;--rule:#d9d3c7;--note-bg:#fff4d6;--note-edge:#9a5b00;--brief-bg:#eef3f8;--brief-edge:#0b5394}
@media (prefers-color-scheme:dark){:root{--bg:#161513;--fg:#ecebe7;--muted:#c2bcb2;--link:#8ec5ff;--rule:#3a3731;--note-bg:#2e2410;--note-edge:#f0b44c;--brief-bg:#17222e;--brief-edge:#8ec5ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--link);text-underline-offset:.15em}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.skip-link{position:absolute;left:.5rem;top:-4rem;padding:.5rem 1rem;background:var(--bg);border:2px solid var(--link)}
.skip-link:focus{top:.5rem}
.site-header,main,.site-footer{max-width:44rem;margin:0 auto;padding:0 1rem}
.site-header{padding-top:.75rem;padding-bottom:.5rem;border-bottom:1px solid var(--rule)}
.site-name{font-weight:700;color:var(--fg);text-decoration:none}
.site-nav ol{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:0 1rem;font-size:.9375rem}
.site-nav a{display:inline-block;padding:.3rem 0}
.site-nav a[aria-current=page]{color:var(--fg);font-weight:700;text-decoration:none}
h1{font-size:1.75rem;line-height:1.25;margin:1rem 0 .75rem}
h2{font-size:1.3rem;line-height:1.3;margin:1.75rem 0 .5rem}
.disclaimer{background:var(--note-bg);border-left:.3rem solid var(--note-edge);padding:.6rem 1rem;margin:0 0 1.25rem;font-size:.9375rem;line-height:1.5;overflow-wrap:anywhere;overflow:clip}
.disclaimer p{margin:.35rem 0}
.disclaimer-title{font-weight:700}
.byline{color:var(--muted);font-size:.9375rem;margin:-.25rem 0 .75rem}
blockquote{margin:1.25rem 0;padding:0 0 0 1rem;border-left:.2rem solid var(--rule);font-style:italic}
.in-brief{background:var(--brief-bg);border-left:.3rem solid var(--brief-edge);padding:.25rem 1rem .5rem;margin:1.5rem 0}
.in-brief h2{margin-top:.5rem;font-size:1.1rem}
.pager{margin:2rem 0 1rem;padding-top:1rem;border-top:1px solid var(--rule)}
.pager ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;justify-content:space-between;gap:1rem}
.pager a{display:inline-block;padding:.4rem 0}
.pager li.next{margin-left:auto;text-align:right}
.site-footer{border-top:1px solid var(--rule);margin-top:2rem;padding-top:.75rem;padding-bottom:2rem;color:var(--muted);font-size:.875rem}
@media (min-width:48rem){h1{font-size:2.1rem}}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#333;--link:#000;--note-bg:#fff;--brief-bg:#fff}
body{font:11pt/1.5 Georgia,"Times New Roman",serif}
.skip-link,.site-nav,.pager{display:none}
.site-header,main,.site-footer{max-width:none;padding:0}
.disclaimer,.in-brief{border:1pt solid #000;break-inside:avoid}
h1,h2{break-after:avoid}
p{orphans:3;widows:3}
}
`.trim()

/**
 * What the editor console adds to the site's stylesheet: its own frame (header, navigation), forms, tables, the
 * diff, and the banner over a preview.
 */
export const CONSOLE_STYLES = `
body.console main{max-width:56rem}
body.console .skip-link{top:-100vh;max-width:calc(100% - 1rem)}
body.console .skip-link:focus{top:.5rem}
.console-header{border-bottom:2px solid var(--rule);padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.5rem;max-width:56rem;margin:0 auto}
.console-name{margin:0;font-weight:700}
.console-nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 1.25rem}
.console-nav a{display:inline-block;padding:.4rem 0}
.console-nav a[aria-current]{color:var(--fg);font-weight:700;text-decoration-thickness:3px}
.console-user{display:flex;flex-wrap:wrap;align-items:center;gap:0 .75rem;margin-left:auto;font-size:.9375rem}
.console-user p,.console-user form{margin:0}
.console-user button{margin:0}
.notice{border:2px solid var(--note-edge);background:var(--note-bg);padding:.5rem 1rem;margin:1rem 0;font-weight:600}
.notice.ok{border-color:var(--brief-edge);background:var(--brief-bg)}
label{display:block;font-weight:700;margin:1rem 0 .25rem}
.hint{color:var(--muted);font-size:.9375rem;margin:.25rem 0}
.field-error{color:var(--fg);border-left:.3rem solid #b3261e;padding-left:.5rem;font-weight:600}
textarea,input[type=text],input[type=password],input[type=datetime-local]{width:100%;font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--muted);padding:.5rem}
textarea{min-height:12rem}
textarea:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid var(--link);outline-offset:2px}
button,a.button{display:inline-block;font:inherit;font-weight:700;padding:.5rem 1rem;margin:.75rem .5rem 0 0;color:var(--bg);background:var(--link);border:2px solid var(--link);cursor:pointer;text-decoration:none}
button.secondary,a.button.secondary{color:var(--link);background:var(--bg)}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;list-style:none;padding:0;margin:1rem 0}
.actions li,.actions form,.actions a.button{margin:0}
.already-scheduled{border:2px solid var(--note-edge);padding:0 1rem;margin:1.5rem 0}
.already-scheduled h2{margin-top:.75rem}
.already-scheduled ul{list-style:none;padding:0}
.effect{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9375rem}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--rule);padding:.4rem .5rem .4rem 0;overflow-wrap:break-word}
.table-wrap{overflow-x:auto}
.table-wrap table{min-width:38rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--rule);padding:.5rem .75rem;margin:.5rem 0}
.side-by-side{display:grid;gap:1rem}
@media (min-width:48rem){.side-by-side{grid-template-columns:1fr 1fr}}
.diff{margin:1rem 0}
.diff ins{text-decoration:underline;text-decoration-thickness:2px;background:var(--brief-bg)}
.diff del{text-decoration:line-through;text-decoration-thickness:2px;background:var(--note-bg)}
.preview-banner{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;justify-content:center;align-items:center;gap:0 1.5rem;padding:.5rem 1rem;background:var(--fg);color:var(--bg);font-weight:700}
.preview-banner p{margin:0}
.preview-banner ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 1.25rem}
.preview-banner a{color:var(--bg);display:inline-block;padding:.25rem 0}
.preview-banner a:focus-visible{outline-color:var(--bg)}
.preview-banner.as-of{position:static}
.as-of ul{display:block;font-weight:400}
`.trim()
