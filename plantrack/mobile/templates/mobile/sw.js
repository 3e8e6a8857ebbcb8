{% load static %}// PlanTrack's service worker for the phone pages (scope {{ pages }}), with Workbox's routing
// and caching strategies. The pages are fetched from the network first and kept, so that the
// last copy opens with no signal; static files are served from the cache and refreshed behind.
// Entries made offline are kept by the page itself (capture.js), not here: it shows what was
// sent and what conflicted, which a background replay could not.
importScripts(
  "{% static 'dist/workbox/workbox-core.prod.js' %}",
  "{% static 'dist/workbox/workbox-routing.prod.js' %}",
  "{% static 'dist/workbox/workbox-strategies.prod.js' %}",
  "{% static 'dist/workbox/workbox-expiration.prod.js' %}",
);

const PAGES = "plantrack-m-pages";  // capture.js fills it too (the pages linked from home)
const STATIC = "plantrack-m-static";

workbox.core.skipWaiting();
workbox.core.clientsClaim();

// Only a page answered as itself is kept: never an error, nor the sign-in page a signed-out
// request is sent to. Sent to sign in (signed out, or the session ran out), the pages kept
// are forgotten: they hold the last user's actions.
const onlyOwnPages = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected ? response : null,
  fetchDidSucceed: async ({ response }) => {
    if (response.redirected && new URL(response.url).pathname === "{{ sign_in }}") {
      await caches.delete(PAGES);
    }
    return response;
  },
};

workbox.routing.registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" && url.origin === self.location.origin &&
    url.pathname.startsWith("{{ pages }}"),
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 5,
    plugins: [onlyOwnPages],
  }),
);

workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("{% get_static_prefix %}"),
  new workbox.strategies.StaleWhileRevalidate({
    cacheName: STATIC,
    plugins: [new workbox.expiration.ExpirationPlugin({ maxEntries: 80 })],
  }),
);
