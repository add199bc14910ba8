#pragma once

#include <QHostAddress>
#include <QString>
#include <QUrl>

namespace forge::ui {

// What "the preview's origin" means, in one place: scheme, host and port, compared exactly. The
// navigation filter, the request interceptor and the path bar all ask these questions, so they
// must agree on the answers (a mismatch would leak the preview token or block the preview itself).
namespace previeworigin {

// scheme://host:port of `url` (no path, query or user info); empty for non-http(s) URLs.
QUrl originOf(const QUrl& url);

// True when `url` has exactly the scheme, host and port of `origin`. ws/wss count as http/https of
// the same host and port, so WebSocket handshakes (HMR) of the preview match its origin.
bool isSameOrigin(const QUrl& url, const QUrl& origin);

// True for addresses that are not the public internet, which a preview must not reach: this
// machine, the user's networks and everything IANA's special-purpose registries mark as not
// globally reachable (https://www.iana.org/assignments/iana-ipv4-special-registry and
// iana-ipv6-special-registry, as they stood in 2025), plus multicast and reserved space.
// IPv4: 0/8, 10/8, 100.64/10 (carrier-grade NAT), 127/8, 169.254/16, 172.16/12, 192.0.0/24,
// 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15 (benchmarking), 198.51.100/24, 203.0.113/24,
// 224/4, 240/4. IPv6 is judged the other way round, so that new special ranges fail closed: only
// global unicast (2000::/3) is public, minus 2001::/23, 2001:db8::/32 and 3fff::/20; an IPv4
// address inside IPv6 (::ffff:0:0/96 mapped, 64:ff9b::/96 NAT64, 2002::/16 6to4) is judged as that
// IPv4 address.
bool isLocalNetworkAddress(const QHostAddress& address);

// True for hosts written as such an address (IPv6 with or without brackets), and for localhost and
// *.localhost, which resolve to this machine by definition (RFC 6761). Other names are not resolved
// here; ResolvedHostCheck looks them up (see PreviewRequestRules).
bool isLocalNetworkHost(const QString& host);

// True for schemes that reach the network (http, https, ws, wss).
bool isNetworkScheme(const QString& scheme);

// The page's place relative to the origin, as the path bar shows it: "/path?query#fragment".
QString pathOf(const QUrl& url);

// The URL for what the user typed into the path bar: a path ("/docs?x=1#top", "docs") is appended
// to the origin; a full URL is accepted only when it is on the origin. Returns an empty URL and
// sets `why` otherwise.
QUrl urlForTypedText(const QUrl& origin, const QString& typed, QString* why);

} // namespace previeworigin
} // namespace forge::ui
