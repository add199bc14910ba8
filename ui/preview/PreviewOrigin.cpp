#include "ui/preview/PreviewOrigin.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <initializer_list>

using namespace Qt::StringLiterals;

namespace forge::ui::previeworigin {

namespace {

QString httpSchemeFor(const QString& scheme)
{
    if (scheme == "ws"_L1)
        return u"http"_s;
    if (scheme == "wss"_L1)
        return u"https"_s;
    return scheme;
}

int defaultPortFor(const QString& httpScheme)
{
    return httpScheme == "https"_L1 ? 443 : 80;
}

// One prefix of an address family: the first `bits` bits of `network`.
struct IPv4Range
{
    quint32 network;
    int bits;
};

bool contains(const IPv4Range& range, quint32 address)
{
    const quint32 mask = range.bits == 0 ? 0 : ~quint32(0) << (32 - range.bits);
    return (address & mask) == (range.network & mask);
}

// IPv4 space that is not the public internet (see the header for the sources). Each entry says
// why a preview must not reach it.
constexpr IPv4Range NonPublicIPv4[] = {
    {0x00000000, 8},  // 0.0.0.0/8 "this network"; Linux connects 0.0.0.0 to the local machine
    {0x0A000000, 8},  // 10.0.0.0/8 private
    {0x64400000, 10}, // 100.64.0.0/10 shared address space: carrier-grade NAT, Tailscale
    {0x7F000000, 8},  // 127.0.0.0/8 loopback
    {0xA9FE0000, 16}, // 169.254.0.0/16 link-local, cloud metadata services (169.254.169.254)
    {0xAC100000, 12}, // 172.16.0.0/12 private
    {0xC0000000, 24}, // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24}, // 192.0.2.0/24 documentation (TEST-NET-1)
    {0xC0586300, 24}, // 192.88.99.0/24 former 6to4 relay anycast (RFC 7526)
    {0xC0A80000, 16}, // 192.168.0.0/16 private
    {0xC6120000, 15}, // 198.18.0.0/15 benchmarking (RFC 2544): used inside networks
    {0xC6336400, 24}, // 198.51.100.0/24 documentation (TEST-NET-2)
    {0xCB007100, 24}, // 203.0.113.0/24 documentation (TEST-NET-3)
    {0xE0000000, 4},  // 224.0.0.0/4 multicast
    {0xF0000000, 4},  // 240.0.0.0/4 reserved, 255.255.255.255 broadcast
};

bool isPublicIPv4(quint32 address)
{
    for (const IPv4Range& range : NonPublicIPv4) {
        if (contains(range, address))
            return false;
    }
    return true;
}

quint32 ipv4At(const Q_IPV6ADDR& address, int offset)
{
    return quint32(address[offset]) << 24 | quint32(address[offset + 1]) << 16 |
           quint32(address[offset + 2]) << 8 | quint32(address[offset + 3]);
}

bool startsWith(const Q_IPV6ADDR& address, std::initializer_list<quint8> prefix)
{
    int i = 0;
    for (const quint8 byte : prefix) {
        if (address[i++] != byte)
            return false;
    }
    return true;
}

bool isPublicIPv6(const Q_IPV6ADDR& a)
{
    // An IPv4 address carried in IPv6 reaches that IPv4 address: ::ffff:a.b.c.d (mapped, what
    // Chromium may use on a dual-stack socket), 64:ff9b::a.b.c.d (NAT64's well-known prefix, which
    // a NAT64 gateway turns into a connection to a.b.c.d, 192.168.1.1 included).
    if (startsWith(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}))
        return isPublicIPv4(ipv4At(a, 12));
    if (startsWith(a, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}))
        return isPublicIPv4(ipv4At(a, 12));
    // Only global unicast is public. Everything else is special and stays blocked: ::/128, ::1,
    // IPv4-compatible ::/96, 64:ff9b:1::/48 (local NAT64), 100::/64 (discard), 5f00::/16 (SRv6),
    // fc00::/7 (unique local), fe80::/10 (link-local), fec0::/10 (old site-local), ff00::/8
    // (multicast), and whatever is allocated outside 2000::/3 in future.
    if ((a[0] & 0xe0) != 0x20)
        return false;
    if (a[0] == 0x20 && a[1] == 0x01 && (a[2] & 0xfe) == 0x00)
        return false; // 2001::/23 IETF protocol assignments: Teredo, benchmarking, ORCHID...
    if (startsWith(a, {0x20, 0x01, 0x0d, 0xb8}))
        return false; // 2001:db8::/32 documentation
    if (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0x00)
        return false; // 3fff::/20 documentation (RFC 9637)
    if (startsWith(a, {0x20, 0x02}))
        return isPublicIPv4(ipv4At(a, 2)); // 2002::/16 6to4: 2002:AABB:CCDD:: is A.B.C.D's
    return true;
}

} // namespace

QUrl originOf(const QUrl& url)
{
    const QString scheme = httpSchemeFor(url.scheme().toLower());
    if ((scheme != "http"_L1 && scheme != "https"_L1) || url.host().isEmpty())
        return {};
    QUrl origin;
    origin.setScheme(scheme);
    origin.setHost(url.host().toLower());
    origin.setPort(url.port(defaultPortFor(scheme)) == defaultPortFor(scheme) ? -1 : url.port());
    return origin;
}

bool isSameOrigin(const QUrl& url, const QUrl& origin)
{
    if (!url.isValid() || !origin.isValid() || origin.host().isEmpty())
        return false;
    const QString scheme = httpSchemeFor(url.scheme().toLower());
    const QString originScheme = origin.scheme().toLower();
    if (scheme != originScheme || (scheme != "http"_L1 && scheme != "https"_L1))
        return false;
    if (url.host().compare(origin.host(), Qt::CaseInsensitive) != 0)
        return false;
    const int defaultPort = defaultPortFor(scheme);
    return url.port(defaultPort) == origin.port(defaultPort);
}

bool isLocalNetworkAddress(const QHostAddress& address)
{
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return !isPublicIPv4(address.toIPv4Address());
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return !isPublicIPv6(address.toIPv6Address());
    return true; // not an address at all: nothing to allow
}

bool isLocalNetworkHost(const QString& rawHost)
{
    QString host = rawHost.toLower();
    if (host.endsWith(u'.')) // "localhost." is still localhost
        host.chop(1);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host == "localhost"_L1 || host.endsWith(".localhost"_L1))
        return true;

    QHostAddress address;
    if (!address.setAddress(host))
        return false; // a name: not resolved here (see header)
    return isLocalNetworkAddress(address);
}

bool isNetworkScheme(const QString& scheme)
{
    return scheme == "http"_L1 || scheme == "https"_L1 || scheme == "ws"_L1 || scheme == "wss"_L1;
}

QString pathOf(const QUrl& url)
{
    QString text = url.path(QUrl::FullyDecoded);
    if (text.isEmpty())
        text = u"/"_s;
    if (url.hasQuery())
        text += u'?' + url.query(QUrl::PrettyDecoded);
    if (url.hasFragment())
        text += u'#' + url.fragment(QUrl::PrettyDecoded);
    return text;
}

QUrl urlForTypedText(const QUrl& origin, const QString& typed, QString* why)
{
    const QString text = typed.trimmed();
    if (!origin.isValid() || origin.host().isEmpty()) {
        if (why)
            *why = u"No preview is open."_s;
        return {};
    }

    // A full URL ("scheme:..."): only the preview's own origin is loaded here. Everything else
    // (another site, file:, javascript:, data:) is refused, never loaded inside the preview.
    static const QRegularExpression schemePrefix(u"^[A-Za-z][A-Za-z0-9+.-]*:"_s);
    if (schemePrefix.match(text).hasMatch() && !text.startsWith(u'/')) {
        const QUrl full(text, QUrl::StrictMode);
        if (full.isValid() && isSameOrigin(full, origin) && !full.scheme().startsWith(u"ws"_s))
            return full;
        if (why) {
            *why = u"Only pages of this preview (%1) open here. Use \u201cOpen in browser\u201d for "
                   u"other addresses."_s.arg(origin.toString());
        }
        return {};
    }

    // A path, split by hand so that "//evil.example/x" stays a path on the origin instead of
    // becoming a network-path reference to another host.
    QString rest = text;
    QString fragment;
    QString query;
    bool hasFragment = false;
    bool hasQuery = false;
    if (const auto hash = rest.indexOf(u'#'); hash >= 0) {
        fragment = rest.mid(hash + 1);
        rest.truncate(hash);
        hasFragment = true;
    }
    if (const auto question = rest.indexOf(u'?'); question >= 0) {
        query = rest.mid(question + 1);
        rest.truncate(question);
        hasQuery = true;
    }
    if (!rest.startsWith(u'/'))
        rest.prepend(u'/');

    QUrl url = origin;
    url.setPath(rest, QUrl::TolerantMode);
    if (hasQuery)
        url.setQuery(query, QUrl::TolerantMode);
    if (hasFragment)
        url.setFragment(fragment, QUrl::TolerantMode);
    if (!url.isValid() || !isSameOrigin(url, origin)) {
        if (why)
            *why = u"\u201c%1\u201d is not a valid path."_s.arg(text);
        return {};
    }
    return url;
}

} // namespace forge::ui::previeworigin
