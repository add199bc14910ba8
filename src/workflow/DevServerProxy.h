#pragma once

#include "core/RunPlan.h"

#include <QString>
#include <QStringList>
#include <QUrl>

namespace forge {

// A small reverse proxy that runs inside the sandbox in front of a framework's dev server, so that
// the dev server's host and origin checks accept the preview without any change to the repository.
//
// What the dev servers check (read from their published packages):
//   - Next.js >= 15.2 (blockCrossSiteDEV, dist/server/lib/router-utils/block-cross-site-dev.js):
//     the Origin of requests to /_next/* and /__nextjs* and of every WebSocket upgrade (HMR at
//     /_next/hmr) must be localhost, *.localhost, the -H host or in next.config's
//     allowedDevOrigins; no-cors cross-site requests are judged by their Referer. There is no
//     environment variable for it. The Host header is not checked.
//   - Vite >= 5.4.12/6.0.9 (and Astro, SvelteKit, Angular >= 17's dev server on it): the Host header
//     of HTTP requests and of the HMR upgrade must be an IP address, localhost or in
//     server.allowedHosts (__VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS adds one host from 6.1 on); an
//     upgrade with an Origin needs the page's token, which the HMR client has.
//   - webpack-dev-server (Create React App, Vue CLI, Angular's webpack builder): Host of HTTP
//     requests; Host, Origin and Origin == Host of the HMR socket (checkHeader/isValidHost,
//     isSameOrigin).
//   - Nuxt (nuxi dev): Vite's check, turned off when it listens on every address.
// Every one of them accepts a request a browser makes to http://localhost:<port> of the dev server
// itself. The proxy makes the preview's requests look exactly like that: Host, Origin, Referer and
// X-Forwarded-Host that name the preview's own address are rewritten to localhost:<dev port>, on
// HTTP requests and WebSocket upgrades alike, and a redirect (Location) back to the dev server is
// rewritten to the preview's address. Anything else passes unchanged, so the dev servers still
// refuse what their checks are for: a cross-site Origin is never rewritten (Next's CSRF check still
// blocks it), and locally a Host other than the preview's own (a DNS-rebinding page reaching
// 127.0.0.1) is not either. Behind a cloud preview proxy (Daytona) any Host is the proxy's own
// (the sandbox is reachable only through it), so there every Host is rewritten
// (ProxyHosts::Any), and an Origin is the preview's own when it names that Host.
//
// Why this and not the alternatives: previewing at http://localhost:<port> instead of 127.0.0.1
// fixes Next.js locally but not behind Daytona, whose host no default allows; next.config's
// allowedDevOrigins, vite.config's allowedHosts or a --allowed-hosts flag would be edits of the
// repository's files (or of its scripts' command lines, which differ per project and per version);
// __VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS and DANGEROUSLY_DISABLE_HOST_CHECK cover only Vite >= 6.1
// and Create React App. The proxy covers all of them, the same way on both back ends, and keeps
// their protections against other sites.
//
// The proxy is also the dev server's parent: `node -e <script> -- <public port> <dev port> <hosts>
// <origin>... -- <dev command...>` listens on the public port first, then starts the dev command
// with the same standard streams (its output reaches the scanner as before), passes SIGTERM, SIGINT
// and SIGHUP on, and ends with the dev server's exit status (or signal), so the workflow still has
// one background process to watch and stop. Node.js built-ins only.

enum class ProxyHosts {
    Listed, // only the preview's own address (local: a browser on this machine reaches the port)
    Any,    // any Host: only the back end's preview proxy reaches the port
};

// Whether the dev server of `framework`, run with `mode`, goes behind the proxy: the frameworks with
// an HMR client and a dev server that checks hosts or origins, in dev mode. Plain Node.js servers,
// static sites and production servers keep the direct path.
bool usesDevServerProxy(Framework framework, RunMode mode);

// The origins (scheme://host[:port]) of `previewUrl` the proxy treats as the preview's own; empty
// when the URL has no host.
QStringList previewOrigins(const QUrl& previewUrl);

// The command that runs `devCommand` (listening on `devPort`) behind the proxy on `publicPort`.
QStringList devServerProxyCommand(int publicPort, int devPort, ProxyHosts hosts, const QStringList& origins,
                                  const QStringList& devCommand);

// The JavaScript devServerProxyCommand() hands to `node -e`.
QString devServerProxyScript();

} // namespace forge
