#pragma once

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

// True for hosts on the user's machine or private network: 127.0.0.0/8, ::1, localhost (and
// *.localhost), 0.0.0.0/8, ::, 10/8, 172.16/12, 192.168/16, 169.254/16, fe80::/10, fc00::/7 (also
// as IPv4-mapped IPv6). Hosts given by name are not resolved (the interceptor must stay cheap), so
// a public name that resolves to a private address is not caught here.
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
