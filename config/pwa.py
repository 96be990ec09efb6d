"""The installable web app: its manifest and its service worker, served by us from the site's
root so the worker may look after every page (a worker's scope is its own folder and below).

The worker keeps the site's own scripts, styles and icons, and a copy of each checklist and
branch page as last seen, so a secretary can open a checklist and answer it with no signal; the
page itself keeps unsaved answers and sends them when the network returns (static/js/offline.js).
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

PRECACHE = (
    "css/wuxing.css", "js/common.js", "js/checklist.js", "js/offline.js", "favicon.svg",
    "icons/icon-192.png", "icons/icon-512.png",
)  # fmt: skip


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "五星支部创建管理平台",
            "short_name": "五星支部",
            "lang": "zh-CN",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f6f6f4",
            "theme_color": "#c8161d",
            "icons": [
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    assets = [static(path) for path in PRECACHE]
    # A new asset list (a new release's hashed names) is a new cache; the old one is dropped.
    version = hashlib.sha256(json.dumps(assets).encode()).hexdigest()[:12]
    body = WORKER.replace("__VERSION__", version).replace("__ASSETS__", json.dumps(assets))
    return HttpResponse(body, content_type="application/javascript")


WORKER = """/* Wuxing's service worker (config/pwa.py). */
"use strict";
var CACHE = "wuxing-__VERSION__";
var ASSETS = __ASSETS__;
// Pages kept for reading and answering offline: a checklist, a branch's record, the home.
var KEPT = /^\\/(checklists\\/\\d+\\/|branches\\/\\d{12}\\/|)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// A page saved its answers: keep a fresh copy of it for offline use.
self.addEventListener("message", function (event) {
  var path = event.data && event.data.refresh;
  if (!path || !KEPT.test(path)) return;
  event.waitUntil(fetch(path, { credentials: "include" }).then(function (response) {
    if (response.ok && !response.redirected) {
      return caches.open(CACHE).then(function (c) { return c.put(path, response); });
    }
  }).catch(function () { /* offline again: the older copy stays */ }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        var copy = response.clone();
        if (response.ok) caches.open(CACHE).then(function (c) { c.put(request, copy); });
        return response;
      });
    }));
    return;
  }
  if (request.mode !== "navigate" || !KEPT.test(url.pathname)) return;
  // Network first: the page as it is now; the copy only when there is no network.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (c) { c.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) {
      return hit || new Response(
        "<!doctype html><html lang=zh-hans><meta charset=utf-8><title>离线</title>" +
        "<p>现在没有网络，这个页面还没有在本机保存过。联网后再打开。</p>",
        { headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  }));
});
"""
