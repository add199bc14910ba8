#include "ui/preview/PreviewOrigin.h"

#include <QHostAddress>
#include <QRegularExpression>

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
    bool isMappedV4 = false;
    const quint32 mapped = address.toIPv4Address(&isMappedV4);
    if (isMappedV4 && address.protocol() == QAbstractSocket::IPv6Protocol)
        address = QHostAddress(mapped);

    if (address.isLoopback() || address.isNull() || address == QHostAddress::AnyIPv4 ||
        address == QHostAddress::AnyIPv6)
        return true;
    static const QList<QPair<QHostAddress, int>> privateRanges = {
        QHostAddress::parseSubnet(u"0.0.0.0/8"_s),      QHostAddress::parseSubnet(u"10.0.0.0/8"_s),
        QHostAddress::parseSubnet(u"127.0.0.0/8"_s),    QHostAddress::parseSubnet(u"172.16.0.0/12"_s),
        QHostAddress::parseSubnet(u"192.168.0.0/16"_s), QHostAddress::parseSubnet(u"169.254.0.0/16"_s),
        QHostAddress::parseSubnet(u"fc00::/7"_s),       QHostAddress::parseSubnet(u"fe80::/10"_s),
    };
    for (const auto& range : privateRanges) {
        if (address.isInSubnet(range))
            return true;
    }
    return false;
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
