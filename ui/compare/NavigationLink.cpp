#include "ui/compare/NavigationLink.h"

#include "ui/compare/CompareSide.h"

#include <QUrl>
#include <QWebEnginePage>

namespace forge::ui {

NavigationLink::NavigationLink(CompareSide* first, CompareSide* second, QObject* parent)
    : QObject(parent)
{
    connect(first, &CompareSide::pageNavigated, this,
            [this, second](const QUrl& url) { follow(second, url); });
    connect(second, &CompareSide::pageNavigated, this,
            [this, first](const QUrl& url) { follow(first, url); });
}

QString NavigationLink::pathAndQuery(const QUrl& url)
{
    return url.adjusted(QUrl::RemoveFragment).toString(QUrl::RemoveScheme | QUrl::RemoveAuthority);
}

void NavigationLink::follow(CompareSide* follower, const QUrl& url)
{
    const QString path = pathAndQuery(url);
    if (!m_enabled || !follower->page() || pathAndQuery(follower->page()->url()) == path)
        return;
    if (follower->navigate(path.isEmpty() ? QStringLiteral("/") : path))
        Q_EMIT followed(follower, path);
}

} // namespace forge::ui
